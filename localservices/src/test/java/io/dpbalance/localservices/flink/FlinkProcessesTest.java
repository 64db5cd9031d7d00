package io.dpbalance.localservices.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FlinkProcessesTest {

    private static Process printing(String output, int exit) throws Exception {
        return new ProcessBuilder("sh", "-c", "printf '%s' \"$0\"; exit " + exit, output).start();
    }

    @Test
    void takesTheJvmFlagsAndTheDynamicPropertiesFromBashJavaUtilsResults() throws Exception {
        Process utils = printing("""
                INFO  some log line
                BASH_JAVA_UTILS_EXEC_RESULT:-Xmx536870902 -Xms536870902 -XX:MaxDirectMemorySize=268435458
                BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.cpu.cores=2.0 -D taskmanager.numberOfTaskSlots=2
                """, 0);

        FlinkProcesses.ResourceParams params = FlinkProcesses.resourceParams(utils, Role.TASKMANAGER);

        assertThat(params.jvmOptions())
                .containsExactly("-Xmx536870902", "-Xms536870902", "-XX:MaxDirectMemorySize=268435458");
        assertThat(params.dynamicProperties())
                .containsExactly("-D", "taskmanager.cpu.cores=2.0", "-D", "taskmanager.numberOfTaskSlots=2");
    }

    @Test
    void memoryFlinkRejectsIsReportedWithItsReasonAndTheFlagsThatSetIt() throws Exception {
        Process utils = printing("""
                Exception in thread "main" org.apache.flink.configuration.IllegalConfigurationException: TaskManager \
                memory configuration failed: Sum of configured JVM Metaspace and JVM Overhead exceed configured Total \
                Process Memory (300.000mb (314572800 bytes)).
                \tat org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils.processSpecFromConfig(X.java:1)
                \t... 3 more
                """, 1);

        assertThatThrownBy(() -> FlinkProcesses.resourceParams(utils, Role.TASKMANAGER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Flink rejects the TaskManager's memory settings (--taskmanager-memory")
                .hasMessageContaining("exceed configured Total Process Memory (300.000mb")
                .hasMessageNotContaining("\tat ")
                .hasMessageNotContaining("more");
    }

    @Test
    void anEmptyResultLineIsNoDynamicProperties() throws Exception {
        Process utils = printing("BASH_JAVA_UTILS_EXEC_RESULT:-Xmx1\nBASH_JAVA_UTILS_EXEC_RESULT:\n", 0);
        FlinkProcesses.ResourceParams params = FlinkProcesses.resourceParams(utils, Role.JOBMANAGER);
        assertThat(params.dynamicProperties()).isEqualTo(List.of());
    }

    @Test
    void theClusterRunsOnFlinkAndLoggingOnlyAsADistributionsLib() {
        List<String> jars = List.of(FlinkProcesses.classpath().split(":"));

        assertThat(jars)
                .anyMatch(j -> j.contains("/flink-runtime-2"))
                .anyMatch(j -> j.contains("/flink-runtime-web-"))
                .anyMatch(j -> j.contains("/flink-statebackend-rocksdb-"))
                .anyMatch(j -> j.contains("/log4j-slf4j2-impl-"));
        // The broker's and the launchers' own jars stay out: a job brings its own Kafka client and Jackson.
        assertThat(jars)
                .noneMatch(j -> j.contains("/org/apache/kafka/")
                        || j.contains("/org/scala-lang/")
                        || j.contains("/com/fasterxml/jackson/")
                        || j.contains("/picocli-"));
    }
}
