package io.dpbalance.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SchemaParseException;
import org.apache.avro.specific.SpecificRecord;

/** Reads the kept schema versions of a record from the classpath. */
final class SchemaHistory {

    private SchemaHistory() {}

    /**
     * The versions of {@code type} kept under {@code history/<SimpleName>/v1.avsc}, {@code v2.avsc}, …, oldest first.
     * Versions are numbered without gaps: a classpath directory cannot be listed portably (inside a jar), so loading
     * stops at the first missing number.
     *
     * @throws IllegalStateException if there is no {@code v1.avsc} or a version does not parse: the module is packaged
     *     wrongly and no payload of the record could be trusted
     */
    static List<SchemaVersion> load(Class<? extends SpecificRecord> type) {
        List<SchemaVersion> versions = new ArrayList<>();
        for (int version = 1; ; version++) {
            String resource = resourceName(type, version);
            try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
                if (in == null) {
                    break;
                }
                // A fresh parser per file: every version defines the same full name, which one parser would reject.
                Schema schema = new Schema.Parser().parse(in);
                versions.add(
                        new SchemaVersion(type, version, schema, SchemaNormalization.parsingFingerprint64(schema)));
            } catch (SchemaParseException e) {
                throw new IllegalStateException("Schema history " + resource + " does not parse: " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read schema history " + resource, e);
            }
        }
        if (versions.isEmpty()) {
            throw new IllegalStateException("No schema history for " + type.getSimpleName()
                    + ": expected classpath resource " + resourceName(type, 1));
        }
        return List.copyOf(versions);
    }

    static String resourceName(Class<? extends SpecificRecord> type, int version) {
        return "/history/" + type.getSimpleName() + "/v" + version + ".avsc";
    }
}
