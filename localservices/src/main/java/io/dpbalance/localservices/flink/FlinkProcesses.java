package io.dpbalance.localservices.flink;

import io.dpbalance.localservices.flink.ClusterHome.Member;
import io.dpbalance.localservices.process.Processes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How the cluster's JVMs are started, as flink-dist's {@code jobmanager.sh}/{@code taskmanager.sh} start them: memory
 * flags from {@code BashJavaUtils}, Java 17 module openings, log4j on {@code conf/log4j.properties} writing
 * {@code log.file}, the entry point with {@code --configDir} and the derived memory settings as dynamic properties.
 */
final class FlinkProcesses {

    /** Names the file with the cluster's classpath, overriding the one beside the launcher's classes. */
    static final String CLASSPATH_PROPERTY = "dpbalance.flink.classpath";

    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final Pattern STACK_ELISION = Pattern.compile("\\s+\\.\\.\\. \\d+ more");

    /** The openings Flink needs on Java 17 (flink-dist's default env.java.opts.all). */
    private static final List<String> JAVA_17_OPTIONS = java17Options();

    private FlinkProcesses() {}

    /** The memory settings of one process, as BashJavaUtils derives them from config.yaml. */
    record ResourceParams(List<String> jvmOptions, List<String> dynamicProperties) {}

    /** The jars of the cluster's processes: Flink and logging only, as the lib/ folder of a distribution. */
    static String classpath() {
        String named = System.getProperty(CLASSPATH_PROPERTY);
        Path file;
        if (named != null) {
            file = Path.of(named);
        } else {
            try {
                // target/classes -> target/cluster-classpath.txt, written by the module's build
                Path classes = Path.of(FlinkProcesses.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI());
                file = classes.resolveSibling("cluster-classpath.txt");
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the launcher's classes: " + e.getMessage(), e);
            }
        }
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read the Flink cluster's classpath from " + file
                            + " (mvn -pl localservices -am package writes it): " + e.getMessage(),
                    e);
        }
    }

    /**
     * Runs {@code BashJavaUtils GET_JM_RESOURCE_PARAMS} (or {@code GET_TM_RESOURCE_PARAMS}) on the home's config.yaml:
     * exactly what Flink's scripts run, so the JVM gets the heap, direct and metaspace limits Flink's memory model
     * computes, and the process the same derived sizes as dynamic properties.
     */
    static Process startResourceParams(ClusterHome home, Role role, String classpath) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Processes.java(),
                "-Xmx128m",
                "-cp",
                classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils",
                role.resourceParamsCommand,
                "--configDir",
                home.conf.toString()));
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .start();
    }

    /** Waits for {@link #startResourceParams} and parses its two result lines (JVM flags, dynamic properties). */
    static ResourceParams resourceParams(Process utils, Role role) throws IOException, InterruptedException {
        String output;
        try (InputStream in = utils.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        int exit = utils.waitFor();
        List<String> results = output.lines()
                .filter(l -> l.startsWith(RESULT_PREFIX))
                .map(l -> l.substring(RESULT_PREFIX.length()).strip())
                .toList();
        if (exit != 0 || results.size() < 2) {
            // Flink's reasons without their stack frames
            List<String> lines = output.lines()
                    .filter(l ->
                            !l.startsWith("\tat ") && !STACK_ELISION.matcher(l).matches())
                    .toList();
            String flags = role == Role.JOBMANAGER
                    ? "--jobmanager-memory, -D jobmanager.memory.*"
                    : "--taskmanager-memory, -D taskmanager.memory.*";
            throw new IllegalArgumentException("Flink rejects the " + role.displayName + "'s memory settings ("
                    + flags + "; BashJavaUtils exit " + exit + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size())));
        }
        List<String> jvm = words(results.get(results.size() - 2));
        List<String> dynamic = words(results.get(results.size() - 1));
        return new ResourceParams(jvm, dynamic);
    }

    /** Starts {@code member} in the background (its own session), stdout and stderr appended to its .out file. */
    static Process launch(ClusterHome home, Member member, String classpath, ResourceParams params) throws IOException {
        List<String> command = new ArrayList<>(List.of(Processes.java()));
        command.addAll(params.jvmOptions());
        if (member.role() == Role.TASKMANAGER) {
            command.add("-XX:+UseG1GC"); // taskmanager.sh's default
        }
        command.addAll(JAVA_17_OPTIONS);
        String log4j = "file:" + home.conf.resolve("log4j.properties");
        command.addAll(List.of(
                "-Dlog.file=" + home.logFile(member),
                "-Dlog4j.configuration=" + log4j,
                "-Dlog4j.configurationFile=" + log4j,
                "-cp",
                classpath,
                member.role().mainClass,
                "--configDir",
                home.conf.toString()));
        command.addAll(params.dynamicProperties());
        return Processes.background(
                command, home.outFile(member), home.dir, Map.of("FLINK_PLUGINS_DIR", home.plugins.toString()));
    }

    /** Writes conf/log4j.properties (flink-dist's: a rolling file at {@code log.file}). */
    static void writeLogConfig(ClusterHome home) throws IOException {
        try (InputStream in = FlinkProcesses.class.getResourceAsStream("/dpbalance-flink-log4j.properties")) {
            if (in == null) {
                throw new UncheckedIOException(
                        new IOException("dpbalance-flink-log4j.properties missing from the " + "launcher's classpath"));
            }
            Files.write(home.conf.resolve("log4j.properties"), in.readAllBytes());
        }
    }

    private static List<String> words(String line) {
        return line.isBlank() ? List.of() : Arrays.asList(line.strip().split("\\s+"));
    }

    private static List<String> java17Options() {
        List<String> options = new ArrayList<>();
        for (String pkg : List.of(
                "java.lang",
                "java.net",
                "java.io",
                "java.nio",
                "sun.nio.ch",
                "java.lang.reflect",
                "java.text",
                "java.time",
                "java.util",
                "java.util.concurrent",
                "java.util.concurrent.atomic",
                "java.util.concurrent.locks")) {
            options.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        options.add("--add-exports=java.base/sun.net.util=ALL-UNNAMED");
        options.add("--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED");
        options.add("--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED");
        return List.copyOf(options);
    }
}
