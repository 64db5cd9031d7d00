package io.dpbalance.localservices.flink;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.handler.legacy.messages.ClusterOverviewWithVersion;
import org.apache.flink.runtime.rest.messages.EmptyMessageParameters;
import org.apache.flink.runtime.rest.messages.EmptyRequestBody;
import org.apache.flink.runtime.rest.messages.JobsOverviewHeaders;
import org.apache.flink.runtime.rest.util.RestClientException;
import org.apache.flink.util.ExceptionUtils;

/**
 * A Flink cluster's JobManager, asked through Flink's own REST client ({@link RestClusterClient}, as {@code flink
 * list|cancel|stop} ask it): cluster overview, jobs, cancel, stop with a savepoint. A failed call is an exception
 * with one line to show: nothing answers, the cluster knows no such job, or what the JobManager said.
 */
final class JobManager implements AutoCloseable {

    private final String endpoint;
    private final RestClusterClient<StandaloneClusterId> client;

    /** The JobManager whose REST endpoint is at {@code hostPort}. */
    JobManager(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Configuration config = new Configuration();
        config.set(RestOptions.ADDRESS, hostPort.substring(0, colon));
        config.set(RestOptions.PORT, Integer.parseInt(hostPort.substring(colon + 1)));
        // A command answers at once: a refused connection is reported, not retried for a minute (Flink's default).
        config.set(RestOptions.RETRY_MAX_ATTEMPTS, 0);
        config.set(RestOptions.CONNECTION_TIMEOUT, Duration.ofSeconds(2));
        config.set(RestOptions.IDLENESS_TIMEOUT, Duration.ofSeconds(10));
        this.endpoint = hostPort;
        try {
            this.client = new RestClusterClient<>(config, StandaloneClusterId.getInstance());
        } catch (Exception e) {
            throw new IOException("cannot create a REST client for " + hostPort + ": " + e.getMessage(), e);
        }
    }

    String endpoint() {
        return endpoint;
    }

    String webUi() {
        return webUi(endpoint);
    }

    static String webUi(String hostPort) {
        return "http://" + hostPort + "/";
    }

    /**
     * The overview, or empty while the endpoint cannot give it: nothing answers (a cluster still starting, or none), or
     * the JobManager answers 503 while it elects its leader.
     */
    Optional<ClusterOverviewWithVersion> tryOverview() throws InterruptedException {
        try {
            return Optional.of(await(client.getClusterOverview(), "GET /overview", null));
        } catch (IOException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** Every job the cluster knows (running and ended), newest first. */
    List<JobDetails> jobs() throws IOException, InterruptedException {
        List<JobDetails> jobs = new ArrayList<>(await(
                        client.sendRequest(
                                JobsOverviewHeaders.getInstance(),
                                EmptyMessageParameters.getInstance(),
                                EmptyRequestBody.getInstance()),
                        "GET /jobs/overview",
                        null)
                .getJobs());
        jobs.sort(Comparator.comparingLong(JobDetails::getStartTime).reversed());
        return jobs;
    }

    /** The job's state; from its details (/jobs/JOBID), which, unlike its status, say 404 for an unknown job. */
    JobStatus status(JobID job) throws IOException, InterruptedException {
        return await(client.getJobDetails(job), "asking for job " + job, job).getJobStatus();
    }

    /** Asks the cluster to cancel the job; it answers at once, the job goes CANCELLING, then CANCELED. */
    void cancel(JobID job) throws IOException, InterruptedException {
        await(client.cancel(job), "cancelling job " + job, job);
    }

    /**
     * Asks the cluster to stop the job with a savepoint into {@code targetDirectory}: the job takes a savepoint,
     * commits its sinks' transactions on it and then finishes. The future completes with the savepoint's path, or
     * with why it failed.
     */
    CompletableFuture<String> stopWithSavepoint(JobID job, String targetDirectory) {
        return client.stopWithSavepoint(job, false, targetDirectory, SavepointFormatType.CANONICAL);
    }

    /** A Flink job id, or a message that says what one looks like. */
    static JobID jobId(String text) {
        if (!text.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a Flink job id (32 hex digits; " + "bin/dpbalance flink jobs lists them)");
        }
        return JobID.fromHexString(text);
    }

    /** The innermost cause of a failed call: the reason worth showing. */
    static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString().lines().findFirst().orElse(root.getClass().getName());
    }

    private <T> T await(CompletableFuture<T> call, String what, JobID job) throws IOException, InterruptedException {
        try {
            return call.get();
        } catch (ExecutionException e) {
            if (ExceptionUtils.findThrowable(e, ConnectException.class).isPresent()) {
                throw new ConnectException(
                        "no Flink REST endpoint answers at " + endpoint + " (is the cluster running?)");
            }
            Optional<RestClientException> answer = ExceptionUtils.findThrowable(e, RestClientException.class);
            if (answer.isPresent()) {
                int status = answer.get().getHttpResponseStatus().code();
                if (status == 404 && job != null) {
                    throw new IllegalArgumentException("the cluster at " + endpoint + " knows no job " + job);
                }
                throw new IllegalStateException(what + " at " + endpoint + " failed: HTTP " + status + ": "
                        + serverError(answer.get().getMessage()));
            }
            throw new IllegalStateException(what + " at " + endpoint + " failed: " + rootCause(e));
        }
    }

    /** The first line of the JobManager's error, and the innermost cause of the server's stack trace if it sent one. */
    private static String serverError(String message) {
        String first = message.lines().findFirst().orElse("");
        String cause = null;
        for (String line : message.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                cause = line.substring("Caused by: ".length());
            }
        }
        return cause == null ? first : first + " ... " + cause;
    }

    @Override
    public void close() {
        client.close();
    }
}
