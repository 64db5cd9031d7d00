package io.dpbalance.jobs.io;

import java.io.IOException;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads an Avro object container file of one dpbalance record type (as the datagen writes {@code <topic>.avro}) into
 * {@link InputRecord}s, for the bounded batch run of a job. The file's header carries its writer schema, which Avro
 * resolves to the current class. Each record becomes an input record whose topic is the file's label, partition -1
 * and offset its 0-based position in the file, as DeadLetter documents for file input; the record's check runs as for
 * Kafka input.
 *
 * <p>A file that is not an Avro container, or whose blocks are corrupt, fails the read with Avro's error: unlike one
 * bad Kafka record, a broken file has no next record to go on with.
 *
 * @param <T> the record type
 */
public final class AvroContainerFormat<T extends SpecificRecord> extends SimpleStreamFormat<InputRecord<T>> {

    private static final long serialVersionUID = 1L;

    private final InputDecoder<T> decoder;
    private final String label;

    /**
     * @param label what dead letters name as the source topic: the file's path
     */
    public AvroContainerFormat(InputDecoder<T> decoder, String label) {
        this.decoder = decoder;
        this.label = label;
    }

    @Override
    public Reader<InputRecord<T>> createReader(Configuration config, FSDataInputStream stream) throws IOException {
        DataFileStream<T> records = new DataFileStream<>(stream, new SpecificDatumReader<>(decoder.type()));
        return new Reader<>() {
            private long position;

            @Override
            public InputRecord<T> read() {
                if (!records.hasNext()) {
                    return null;
                }
                return decoder.ofDecoded(label, position++, records.next());
            }

            @Override
            public void close() throws IOException {
                records.close();
            }
        };
    }

    @Override
    public TypeInformation<InputRecord<T>> getProducedType() {
        return InputRecord.typeInfo(decoder.type());
    }
}
