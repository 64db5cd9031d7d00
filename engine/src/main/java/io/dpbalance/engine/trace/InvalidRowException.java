package io.dpbalance.engine.trace;

/**
 * A row that holds no valid request. {@link WorkloadBuilder#invalid} turns it into a {@link WorkloadException} or,
 * when invalid rows are skipped, into a count under {@link #reason()}.
 */
final class InvalidRowException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED_CHARS = 60;

    private final String reason;

    /** @param reason what was expected; also the message */
    InvalidRowException(String reason) {
        this(reason, reason);
    }

    /**
     * @param reason  what was expected, without the offending value, so that skipped rows group by it
     * @param message the reason with what was found instead
     */
    InvalidRowException(String reason, String message) {
        // Thrown once per bad row and never logged with a trace: a stack trace would only cost time.
        super(message, null, false, false);
        this.reason = reason;
    }

    static InvalidRowException got(String reason, String foundText) {
        String shown =
                foundText.length() <= MAX_QUOTED_CHARS ? foundText : foundText.substring(0, MAX_QUOTED_CHARS) + "...";
        return new InvalidRowException(reason, reason + ", got '" + shown + "'");
    }

    String reason() {
        return reason;
    }
}
