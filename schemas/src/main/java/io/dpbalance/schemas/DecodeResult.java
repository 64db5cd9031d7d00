package io.dpbalance.schemas;

import java.util.Objects;

/**
 * The outcome of decoding one single-object encoded Avro payload: either the decoded record or the reason it could
 * not be decoded. Decoding never throws, so a job can route every bad payload to the dead-letter topic with its
 * reason instead of failing.
 *
 * <pre>{@code
 * DecodeResult<RankStep> result = Codecs.RANK_STEP.decode(bytes);
 * if (result instanceof DecodeResult.Decoded<RankStep> decoded) {
 *   out.collect(decoded.value());
 * } else if (result instanceof DecodeResult.Failed<RankStep> failed) {
 *   deadLetter(failed.reason() + ": " + failed.detail());
 * }
 * }</pre>
 *
 * @param <T> the record type
 */
public sealed interface DecodeResult<T> permits DecodeResult.Decoded, DecodeResult.Failed {

    /** Why a payload could not be decoded. */
    enum Reason {
        /** The payload is null or has no bytes. */
        EMPTY,
        /** The payload is shorter than the 10-byte header (2 marker bytes, 8 fingerprint bytes). */
        TOO_SHORT,
        /** The payload does not start with the single-object marker {@code C3 01}. */
        BAD_MARKER,
        /** The fingerprint matches no kept schema version of any dpbalance record. */
        UNKNOWN_FINGERPRINT,
        /** The fingerprint is a schema version of another dpbalance record than the one expected. */
        WRONG_RECORD,
        /**
         * The body does not match its writer schema: it ends early, has bytes left over, or holds an invalid length,
         * union branch or number.
         */
        CORRUPT_BODY
    }

    /** Whether the payload decoded to a record. */
    boolean isDecoded();

    /**
     * A decoded record.
     *
     * @param value the record, never null
     * @param <T> the record type
     */
    record Decoded<T>(T value) implements DecodeResult<T> {
        public Decoded {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public boolean isDecoded() {
            return true;
        }
    }

    /**
     * A payload that could not be decoded.
     *
     * @param reason the class of the problem, stable enough to count and to route on
     * @param detail a human-readable description naming the record and what was wrong
     * @param <T> the record type that was expected
     */
    record Failed<T>(Reason reason, String detail) implements DecodeResult<T> {
        public Failed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public boolean isDecoded() {
            return false;
        }
    }
}
