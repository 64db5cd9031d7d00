package io.dpbalance.jobs.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Submits a job to a Flink cluster (--jobmanager) and follows it until all its tasks run. A job is RUNNING for Flink as soon as it is
 * scheduled, while its tasks may still wait for slots; this asks the REST API for the tasks' states
 * ({@code GET /jobs/<id>}) and, while tasks wait, for the cluster's free slots ({@code GET /overview}), and says when
 * the cluster has fewer free slots than the job needs (with slot sharing: its largest parallelism).
 */
final class ClusterSubmission {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(300);
    /** How long tasks may wait for slots before the submitter says so. */
    private static final Duration SLOT_NOTICE = Duration.ofSeconds(3);

    private ClusterSubmission() {}

    /**
     * Whether {@code env} is a Flink cluster's context environment: the job's {@code main} runs inside a cluster
     * (application mode, {@code standalone-job}; a jar run over REST; {@code flink run}), not in bin/dpbalance. Local
     * environments (bin/dpbalance's embedded run, a test's MiniCluster) and the remote one of --jobmanager are not.
     */
    static boolean insideCluster(StreamExecutionEnvironment env) {
        return env instanceof StreamContextEnvironment;
    }

    /** The tasks of a job by state, and the slots it needs. */
    record Tasks(Map<String, Integer> byState, int total, int slotsNeeded) {
        boolean allRunning() {
            int running = byState.getOrDefault("RUNNING", 0);
            return total > 0 && running > 0 && running + byState.getOrDefault("FINISHED", 0) == total;
        }

        int waiting() {
            return byState.getOrDefault("CREATED", 0) + byState.getOrDefault("SCHEDULED", 0);
        }
    }

    /** Parses GET /jobs/<id>: each vertex's parallelism and its tasks by state. */
    static Tasks tasks(JsonNode job) {
        Map<String, Integer> byState = new TreeMap<>();
        int total = 0;
        int slots = 0;
        for (JsonNode vertex : job.path("vertices")) {
            int parallelism = vertex.path("parallelism").asInt();
            total += parallelism;
            slots = Math.max(slots, parallelism);
            Iterator<Map.Entry<String, JsonNode>> states = vertex.path("tasks").fields();
            while (states.hasNext()) {
                Map.Entry<String, JsonNode> state = states.next();
                if (state.getValue().asInt() > 0) {
                    byState.merge(state.getKey(), state.getValue().asInt(), Integer::sum);
                }
            }
        }
        return new Tasks(byState, total, slots);
    }

    /** The line that says a job waits for slots, from GET /overview and the job's tasks. */
    static String slotShortage(JsonNode overview, Tasks tasks) {
        int available = overview.path("slots-available").asInt();
        int total = overview.path("slots-total").asInt();
        int taskManagers = overview.path("taskmanagers").asInt();
        if (available >= tasks.slotsNeeded()) {
            return null;
        }
        return "waiting for task slots: the job needs " + tasks.slotsNeeded()
                + " (its largest parallelism), the cluster "
                + "has " + total + " on " + taskManagers + " TaskManager(s), " + available + " of them free now; "
                + tasks.waiting() + " of " + tasks.total()
                + " tasks wait. Free slots (bin/dpbalance flink jobs / cancel), "
                + "start more TaskManager slots, or submit with a lower --parallelism";
    }

    /**
     * Waits until every task of the job runs ("RUNNING (all N tasks)") or the job finished ("FINISHED"); says once, on
     * {@code out},
     * when it waits for slots the cluster lacks.
     *
     * @throws SubmissionFailure when the job fails, is cancelled, or does not run within {@code timeout}
     */
    static String awaitRunning(JobClient client, String jobmanager, Duration timeout, PrintStream out)
            throws InterruptedException {
        JobID id = client.getJobID();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        String shortage = null;
        Tasks tasks = null;
        JobStatus status = null;
        while (System.nanoTime() < deadline) {
            status = status(client);
            if (status == JobStatus.FAILED) {
                try {
                    client.getJobExecutionResult().get();
                } catch (ExecutionException e) {
                    throw new SubmissionFailure("job " + id + " failed on " + jobmanager + ": " + rootCause(e), e);
                }
            }
            if (status == JobStatus.FINISHED) {
                return "FINISHED";
            }
            if (status.isGloballyTerminalState()) {
                throw new SubmissionFailure("job " + id + " is " + status + " on " + jobmanager, null);
            }
            try {
                tasks = tasks(get(http, jobmanager, "/jobs/" + id));
                if (status == JobStatus.RUNNING && tasks.allRunning()) {
                    return "RUNNING (all " + tasks.total() + " tasks)";
                }
                if (shortage == null && tasks.waiting() > 0 && System.nanoTime() - start > SLOT_NOTICE.toNanos()) {
                    shortage = slotShortage(get(http, jobmanager, "/overview"), tasks);
                    if (shortage != null) {
                        out.println("job " + id + " is " + status + " but " + shortage + " (still waiting up to "
                                + timeout.toSeconds() + " s)");
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // the REST endpoint hiccuped (e.g. 404 before the job is known): ask again
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new SubmissionFailure(
                "job " + id + " is " + status + " on " + jobmanager + " " + timeout.toSeconds()
                        + " s after submission, tasks " + (tasks == null ? "unknown" : tasks.byState()) + "; "
                        + (shortage != null ? shortage : "the cluster's logs say why")
                        + ". It is still submitted: cancel it with "
                        + "bin/dpbalance flink cancel " + id + " --jobmanager " + jobmanager,
                null);
    }

    /**
     * The environment of a job submitted to the Flink cluster at {@code jobmanager} (HOST:PORT of its REST endpoint),
     * shipping the shaded job jar; fails at once, naming the flag, when nothing answers there.
     */
    static StreamExecutionEnvironment remoteEnvironment(String jobmanager, Class<?> jobClass) {
        int colon = jobmanager.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--jobmanager: expected HOST:PORT, got '" + jobmanager + "'");
        }
        int port;
        try {
            port = Integer.parseInt(jobmanager.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--jobmanager: port must be a number, got '" + jobmanager + "'");
        }
        String host = jobmanager.substring(0, colon);
        // Flink's REST client would retry for a minute (rest.retry.*) before saying that nothing is there.
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 3000);
        } catch (IOException e) {
            throw new IllegalArgumentException("--jobmanager: no Flink cluster answers at " + jobmanager + " ("
                    + e.getMessage() + "); bin/dpbalance flink start runs a local one");
        }
        return StreamExecutionEnvironment.createRemoteEnvironment(host, port, jobJar(jobClass));
    }

    /** The shaded job jar to ship to a remote cluster: named by the launcher, else the jar the job class came from. */
    private static String jobJar(Class<?> jobClass) {
        String named = System.getProperty("dpbalance.job.jar");
        String jar = named != null
                ? named
                : jobClass.getProtectionDomain().getCodeSource().getLocation().getPath();
        if (!jar.endsWith(".jar") || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalArgumentException("--jobmanager needs the shaded job jar (mvn -pl jobs -am install builds "
                    + "jobs/target/dpbalance-jobs-*-job.jar); not found: " + jar);
        }
        return jar;
    }

    /**
     * Submits the defined job to the cluster at {@code jobmanager} and returns once every task runs, saying how to
     * follow and cancel it (a job that fails before that fails this run with the cluster's reason; one that waits for
     * slots says so).
     */
    static void submit(StreamExecutionEnvironment env, String jobName, String jobmanager, Duration timeout)
            throws Exception {
        JobClient client = env.executeAsync(jobName);
        JobID id = client.getJobID();
        System.out.println("submitted job " + id + " to " + jobmanager);
        String outcome = awaitRunning(client, jobmanager, timeout, System.out);
        System.out.println("job " + id + " is " + outcome + ": web UI http://" + jobmanager + "/#/job/"
                + (outcome.startsWith("RUNNING") ? "running/" : "completed/") + id);
        if (outcome.startsWith("RUNNING")) {
            System.out.println("cancel it with: bin/dpbalance flink cancel " + id + " --jobmanager " + jobmanager);
        }
    }

    private static JobStatus status(JobClient client) throws InterruptedException {
        try {
            return client.getJobStatus().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot get the job's status: " + rootCause(e), e);
        }
    }

    private static JsonNode get(HttpClient http, String jobmanager, String path)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://" + jobmanager + path))
                        .timeout(Duration.ofSeconds(5))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
