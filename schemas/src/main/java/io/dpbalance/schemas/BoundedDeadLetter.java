package io.dpbalance.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * The one way a {@link DeadLetter} is made, bounded whatever the rejected input was: the payload is cut to its first
 * {@link #MAX_PAYLOAD_BYTES} bytes, the cluster (the dead letter's Kafka key) to {@link #MAX_CLUSTER_BYTES} bytes and
 * the reason to {@link #MAX_REASON_CHARS} characters, with the original sizes in {@code payload_size} and
 * {@code cluster_id_size}. A dead letter therefore stays under 20 KB, far below a producer's default
 * {@code max.request.size} (1 MB) and the broker's {@code message.max.bytes}: one huge input record (or log line)
 * cannot make its dead letter unwritable (docs/reliability.md, "Input limits").
 */
public final class BoundedDeadLetter {

    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    public static final int MAX_CLUSTER_BYTES = 1024;
    public static final int MAX_REASON_CHARS = 1024;

    private BoundedDeadLetter() {}

    /**
     * @param topic     the topic the record was read from, or the file it was read from
     * @param partition its partition; -1 for file input
     * @param offset    its offset, or its position in the file
     * @param reason    the reason code, optionally with ': ' and a detail
     */
    public static DeadLetter of(
            String cluster, String topic, int partition, long offset, String reason, byte[] payload, Instant seenAt) {
        byte[] clusterBytes = cluster.getBytes(StandardCharsets.UTF_8);
        DeadLetter.Builder letter = DeadLetter.newBuilder()
                .setClusterId(cluster)
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setReason(reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...")
                .setPayload(ByteBuffer.wrap(payload))
                .setSeenAt(seenAt);
        if (clusterBytes.length > MAX_CLUSTER_BYTES) {
            letter.setClusterId(utf8Prefix(clusterBytes, MAX_CLUSTER_BYTES))
                    .setClusterIdSize((long) clusterBytes.length);
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            letter.setPayload(ByteBuffer.wrap(Arrays.copyOf(payload, MAX_PAYLOAD_BYTES)))
                    .setPayloadSize((long) payload.length);
        }
        return letter.build();
    }

    /** The longest start of {@code utf8} of at most {@code max} bytes that does not split a character. */
    public static String utf8Prefix(byte[] utf8, int max) {
        if (utf8.length <= max) {
            return new String(utf8, StandardCharsets.UTF_8);
        }
        int end = max;
        // A continuation byte (10xxxxxx) at the cut means the cut splits a character: back up to its first byte.
        while (end > 0 && (utf8[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(utf8, 0, end, StandardCharsets.UTF_8);
    }
}
