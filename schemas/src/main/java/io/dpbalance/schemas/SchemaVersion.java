package io.dpbalance.schemas;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * One kept version of a record's schema, as read from the classpath resource {@code history/<Record>/v<N>.avsc}.
 *
 * @param type the generated class of the record
 * @param version the version number N, from 1
 * @param schema the schema of that version
 * @param fingerprint its CRC-64-AVRO fingerprint of the parsing canonical form, as written in single-object headers
 */
public record SchemaVersion(Class<? extends SpecificRecord> type, int version, Schema schema, long fingerprint) {

    /** A short name for messages, e.g. {@code RankStep v1}. */
    public String label() {
        return type.getSimpleName() + " v" + version;
    }
}
