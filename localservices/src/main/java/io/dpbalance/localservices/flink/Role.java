package io.dpbalance.localservices.flink;

/** The two kinds of process of a Flink standalone session cluster, with the entry points flink-dist's scripts run. */
enum Role {
    JOBMANAGER(
            "JobManager",
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
            "GET_JM_RESOURCE_PARAMS"),
    TASKMANAGER("TaskManager", "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", "GET_TM_RESOURCE_PARAMS");

    final String displayName;
    /** The process's main class; a process whose command line lacks it is not one of ours. */
    final String mainClass;
    /** The BashJavaUtils command that derives this process's JVM memory flags from config.yaml. */
    final String resourceParamsCommand;

    Role(String displayName, String mainClass, String resourceParamsCommand) {
        this.displayName = displayName;
        this.mainClass = mainClass;
        this.resourceParamsCommand = resourceParamsCommand;
    }
}
