package io.dpbalance.jobs.common;

/** A job submitted with --jobmanager that failed, or did not run, on the cluster: said in one message, exit 1. */
public final class SubmissionFailure extends RuntimeException {
    SubmissionFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
