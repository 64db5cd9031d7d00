package io.dpbalance.jobs.io;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a Kafka record of one dpbalance record type into an {@link InputRecord}. Never throws: bytes that do not
 * decode, and records that fail their check, come out marked invalid with their topic, partition and offset, for the
 * dead-letter topic.
 *
 * @param <T> the record type
 */
public final class InputRecordDeserializer<T extends SpecificRecord>
        implements KafkaRecordDeserializationSchema<InputRecord<T>> {

    private static final long serialVersionUID = 1L;

    private final InputDecoder<T> decoder;

    public InputRecordDeserializer(InputDecoder<T> decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord<T>> out) {
        out.collect(decoder.decode(record.topic(), record.partition(), record.offset(), record.key(), record.value()));
    }

    @Override
    public TypeInformation<InputRecord<T>> getProducedType() {
        return InputRecord.typeInfo(decoder.type());
    }
}
