package io.dpbalance.engine.trace;

/**
 * A workload file that cannot be read as asked. The message names the file and, for a bad row, its 1-based line
 * number and what was expected, e.g. {@code trace.csv:17: GeneratedTokens: expected an integer > 0, got 'abc'}.
 */
public class WorkloadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public WorkloadException(String message) {
        super(message);
    }

    public WorkloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
