package io.dpbalance.datagen.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class SenderThreadTest {

    private static final String[] TOPICS = {"t.requests", "t.tokens"};
    private static final Callback[] CALLBACKS = {(metadata, e) -> {}, (metadata, e) -> {}};

    private static MockProducer<byte[], byte[]> producer() {
        return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static byte[] number(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    @Test
    void sendsEveryRecordInTheOrderItWasQueuedAcrossBatches() {
        MockProducer<byte[], byte[]> producer = producer();
        SenderThread sender = new SenderThread(producer, TOPICS, CALLBACKS);
        int records = 10_000;
        for (int i = 0; i < records; i++) {
            sender.send(i % 3 == 0 ? 0 : 1, number(i % 7), number(i));
        }
        sender.close();

        assertThat(sender.failure()).isNull();
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).hasSize(records);
        for (int i = 0; i < records; i++) {
            assertThat(ByteBuffer.wrap(sent.get(i).value()).getInt()).isEqualTo(i);
            assertThat(sent.get(i).topic()).isEqualTo(TOPICS[i % 3 == 0 ? 0 : 1]);
            assertThat(sent.get(i).key()).isEqualTo(number(i % 7));
        }
    }

    @Test
    void handOverPassesAPartialBatchOnWithoutWaitingForItToFill() throws InterruptedException {
        MockProducer<byte[], byte[]> producer = producer();
        SenderThread sender = new SenderThread(producer, TOPICS, CALLBACKS);
        sender.send(0, number(1), number(1));
        sender.handOver();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (producer.history().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(producer.history()).hasSize(1);
        sender.close();
    }

    @Test
    void aFailedSendIsReportedAndEndsTheThreadWithoutBlockingTheGenerator() {
        MockProducer<byte[], byte[]> producer = producer();
        producer.sendException = new KafkaException("broker went away");
        SenderThread sender = new SenderThread(producer, TOPICS, CALLBACKS);
        for (int i = 0; i < 50_000; i++) {
            sender.send(1, number(i), number(i));
        }
        sender.close();

        assertThat(sender.failure()).isInstanceOf(KafkaException.class).hasMessage("broker went away");
    }
}
