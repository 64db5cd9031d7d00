package io.dpbalance.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.BoundedDeadLetter;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.TokenEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dead letters are bounded whatever the input: the 1 MB record of issue 10 gives a dead letter of some KB. */
class DeadLettersTest {

    private static final int MB = 1024 * 1024;

    @Test
    void aOneMegabyteRecordGivesADeadLetterOfAtMost20KbWithItsOriginalSizes() {
        byte[] payload = new byte[600 * 1024];
        Arrays.fill(payload, (byte) 7);
        String keyCluster = "k".repeat(400 * 1024);
        InputRecord<TokenEvent> record = InputRecord.undecodable(
                "dp.token-events", 3, 42, keyCluster, payload, "CORRUPT_BODY: " + "z".repeat(MB));

        DeadLetter letter = DeadLetters.of(record, record.problem, 1L);

        assertThat(letter.getPayload().remaining()).isEqualTo(BoundedDeadLetter.MAX_PAYLOAD_BYTES);
        assertThat(letter.getPayloadSize()).isEqualTo(600L * 1024);
        assertThat(letter.getClusterId()).hasSize(BoundedDeadLetter.MAX_CLUSTER_BYTES);
        assertThat(letter.getClusterIdSize()).isEqualTo(400L * 1024);
        assertThat(letter.getReason()).startsWith("CORRUPT_BODY: zzz").hasSizeLessThanOrEqualTo(1027);
        assertThat(letter.getOffset()).isEqualTo(42);
        int encoded =
                Codecs.DEAD_LETTER.encode(letter).length + letter.getClusterId().length();
        assertThat(encoded).as("value + key bytes").isLessThan(20 * 1024);
    }

    @Test
    void aSmallRecordIsKeptWholeWithoutSizes() {
        byte[] payload = {1, 2, 3};
        InputRecord<TokenEvent> record = InputRecord.undecodable("t", 0, 1, "a", payload, "CORRUPT_BODY: x");

        DeadLetter letter = DeadLetters.of(record, record.problem, 1L);

        assertThat(letter.getPayload()).isEqualTo(ByteBuffer.wrap(payload));
        assertThat(letter.getPayloadSize()).isNull();
        assertThat(letter.getClusterId()).isEqualTo("a");
        assertThat(letter.getClusterIdSize()).isNull();
    }

    @Test
    void aCutClusterNeverSplitsACharacter() {
        // 'é' is 2 bytes in UTF-8: 1 + 2*600 bytes, cut at 1024 falls inside a character.
        byte[] utf8 = ("x" + "é".repeat(600)).getBytes(StandardCharsets.UTF_8);

        String prefix = BoundedDeadLetter.utf8Prefix(utf8, 1024);

        assertThat(prefix).isEqualTo("x" + "é".repeat(511));
        assertThat(prefix.getBytes(StandardCharsets.UTF_8)).hasSize(1023);
    }
}
