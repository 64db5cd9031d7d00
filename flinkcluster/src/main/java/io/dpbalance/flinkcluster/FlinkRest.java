package io.dpbalance.flinkcluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** The few calls of Flink's REST API (the web UI's) that the launcher makes: cluster overview, jobs, cancel,
 * stop with a savepoint. */
final class FlinkRest {

    /** A Flink JobID: 16 bytes in hex. */
    static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{32}");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** GET /overview: how much of the cluster has registered. */
    record Overview(String flinkVersion, int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning) {
    }

    /** One entry of GET /jobs/overview. */
    record Job(String id, String name, String state, long startTime, long durationMillis) {
    }

    private final String endpoint;
    private final HttpClient http;

    FlinkRest(String hostPort) {
        this.endpoint = hostPort;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    String endpoint() {
        return endpoint;
    }

    String webUi() {
        return "http://" + endpoint + "/";
    }

    /**
     * The overview, or empty while the endpoint cannot give it: nothing answers (a cluster still starting, or none), or
     * the JobManager answers 503 while it elects its leader.
     */
    Optional<Overview> tryOverview() throws InterruptedException {
        try {
            return Optional.of(overview());
        } catch (IOException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    Overview overview() throws IOException, InterruptedException {
        JsonNode o = get("/overview");
        return new Overview(o.path("flink-version").asText("?"), o.path("taskmanagers").asInt(),
                o.path("slots-total").asInt(), o.path("slots-available").asInt(), o.path("jobs-running").asInt());
    }

    /** Every job the cluster knows (running and finished), newest first. */
    List<Job> jobs() throws IOException, InterruptedException {
        List<Job> jobs = new ArrayList<>();
        for (JsonNode j : get("/jobs/overview").path("jobs")) {
            jobs.add(new Job(j.path("jid").asText(), j.path("name").asText(), j.path("state").asText(),
                    j.path("start-time").asLong(), j.path("duration").asLong()));
        }
        jobs.sort((a, b) -> Long.compare(b.startTime(), a.startTime()));
        return jobs;
    }

    /** The job's state (RUNNING, CANCELED, ...). */
    String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + requireJobId(jobId)).path("state").asText();
    }

    /** Asks the cluster to cancel the job; it answers at once, the job goes CANCELLING, then CANCELED. */
    void cancel(String jobId) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri("/jobs/" + requireJobId(jobId) + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("cancelling job " + jobId + " at " + endpoint + " failed: "
                    + describe(response));
        }
    }

    /**
     * Asks the cluster to stop the job with a savepoint into {@code targetDirectory} (POST /jobs/JOBID/stop); the job
     * takes a savepoint, commits its sinks' transactions on it and then finishes.
     *
     * @return the trigger id to follow with {@link #savepointStatus}
     */
    String stopWithSavepoint(String jobId, String targetDirectory) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("targetDirectory", targetDirectory).put("drain", false).toString();
        HttpRequest request = HttpRequest.newBuilder(uri("/jobs/" + requireJobId(jobId) + "/stop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = send(request);
        if (response.statusCode() == 404) {
            throw new IllegalArgumentException("the cluster at " + endpoint + " knows no job " + jobId);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("stopping job " + jobId + " with a savepoint at " + endpoint
                    + " failed: " + describe(response));
        }
        return JSON.readTree(response.body()).path("request-id").asText();
    }

    /** Where a savepoint operation stands: still running, done at {@code location}, or failed with a cause. */
    record SavepointStatus(boolean done, String location, String failure) {
    }

    /** GET /jobs/JOBID/savepoints/TRIGGERID. */
    SavepointStatus savepointStatus(String jobId, String triggerId) throws IOException, InterruptedException {
        JsonNode status = get("/jobs/" + requireJobId(jobId) + "/savepoints/" + triggerId);
        if (!"COMPLETED".equals(status.path("status").path("id").asText())) {
            return new SavepointStatus(false, null, null);
        }
        JsonNode operation = status.path("operation");
        if (operation.hasNonNull("location")) {
            return new SavepointStatus(true, operation.get("location").asText(), null);
        }
        JsonNode cause = operation.path("failure-cause");
        String failure = cause.path("stack-trace").asText(cause.toString());
        return new SavepointStatus(true, null, rootLine(failure));
    }

    /** The innermost "Caused by" line of a Java stack trace text (the cause worth showing), else its first line. */
    static String rootLine(String stackTrace) {
        String line = stackTrace.lines().findFirst().orElse(stackTrace);
        for (String l : stackTrace.lines().toList()) {
            if (l.startsWith("Caused by: ")) {
                line = l.substring("Caused by: ".length());
            }
        }
        return line;
    }

    static String requireJobId(String jobId) {
        if (!JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("'" + jobId + "' is not a Flink job id (32 hex digits; "
                    + "bin/dpbalance flink jobs lists them)");
        }
        return jobId;
    }

    private JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());
        if (response.statusCode() == 404 && path.startsWith("/jobs/")) {
            throw new IllegalArgumentException("the cluster at " + endpoint + " knows no job "
                    + path.substring("/jobs/".length()));
        }
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("GET " + path + " at " + endpoint + " failed: " + describe(response));
        }
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            // The JDK's own message is empty here.
            throw new ConnectException("no Flink REST endpoint answers at " + endpoint + " (is the cluster running?)");
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + endpoint + path);
    }

    /** The status and Flink's error messages of a failed call. */
    private static String describe(HttpResponse<String> response) {
        String errors = response.body();
        try {
            JsonNode body = JSON.readTree(response.body());
            if (body.has("errors")) {
                List<String> messages = new ArrayList<>();
                body.get("errors").forEach(e -> messages.add(e.asText().lines().findFirst().orElse("")));
                errors = String.join("; ", messages);
            }
        } catch (IOException e) {
            // not JSON: show the body as it came
        }
        return "HTTP " + response.statusCode() + (errors.isBlank() ? "" : ": " + errors);
    }
}
