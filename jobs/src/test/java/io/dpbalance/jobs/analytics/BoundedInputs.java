package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputDecoder;
import io.dpbalance.jobs.io.InputRecord;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * Bounded in-memory sources of input records: each payload goes through the job's own {@link InputDecoder}, as a
 * Kafka record would, with its list position as offset unless given.
 */
final class BoundedInputs {

    private BoundedInputs() {}

    static <T extends SpecificRecord> DataGeneratorSource<InputRecord<T>> of(
            InputDecoder<T> decoder, String topic, List<byte[]> payloads, long[] offsets, RateLimiterStrategy<?> rate) {
        byte[][] bytes = payloads.toArray(new byte[0][]);
        GeneratorFunction<Long, InputRecord<T>> generator =
                index -> decoder.decode(topic, 0, offsets[index.intValue()], null, bytes[index.intValue()]);
        return new DataGeneratorSource<>(generator, bytes.length, rate, InputRecord.typeInfo(decoder.type()));
    }

    static <T extends SpecificRecord> DataGeneratorSource<InputRecord<T>> of(
            InputDecoder<T> decoder, String topic, List<byte[]> payloads) {
        long[] offsets = new long[payloads.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = i;
        }
        return of(decoder, topic, payloads, offsets, RateLimiterStrategy.noOp());
    }
}
