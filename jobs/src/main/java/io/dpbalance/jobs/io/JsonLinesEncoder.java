package io.dpbalance.jobs.io;

import io.dpbalance.schemas.RecordJson;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.Encoder;

/**
 * Writes a dpbalance record as one JSON object per line ({@link RecordJson}), for the file output of a batch run.
 *
 * @param <T> the record type
 */
public final class JsonLinesEncoder<T extends SpecificRecord> implements Encoder<T> {

    private static final long serialVersionUID = 1L;

    @Override
    public void encode(T element, OutputStream stream) throws IOException {
        RecordJson.writeLine(stream, element);
    }
}
