package io.dpbalance.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Guards schema evolution: every kept version stays readable by the current schema, and the current schema cannot
 * change without its new shape being kept as the next version.
 */
class SchemaCompatibilityTest {

    /** The sources the generated classes are built from; surefire runs in the module directory. */
    private static final Path CURRENT_SCHEMAS = Path.of("src", "main", "avro");

    static Stream<AvroCodec<?>> codecs() {
        return Codecs.all().stream();
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void readsEveryKeptVersionWithTheCurrentSchema(AvroCodec<?> codec) {
        for (SchemaVersion version : codec.history()) {
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(codec.schema(), version.schema());
            assertThat(compatibility.getType())
                    .as(
                            "current %s reading %s: %s",
                            codec.type().getSimpleName(), version.label(), compatibility.getDescription())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void keepsTheCurrentSchemaAsTheNewestVersion(AvroCodec<?> codec) throws IOException {
        List<SchemaVersion> history = codec.history();
        SchemaVersion newest = history.get(history.size() - 1);
        Path source = CURRENT_SCHEMAS.resolve(codec.type().getSimpleName() + ".avsc");

        assertThat(newest.schema())
                .as(
                        "%s must equal %s: keep the previous version and add the new shape as v%d",
                        newest.label(), source, newest.version() + 1)
                .isEqualTo(new Schema.Parser().parse(Files.readString(source)));
        assertThat(newest.fingerprint()).isEqualTo(codec.fingerprint());
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void numbersVersionsFromOneAndNamesThemForTheirRecord(AvroCodec<?> codec) {
        List<SchemaVersion> history = codec.history();

        assertThat(history)
                .extracting(SchemaVersion::version)
                .containsExactlyElementsOf(
                        IntStream.rangeClosed(1, history.size()).boxed().toList());
        assertThat(history)
                .extracting(version -> version.schema().getFullName())
                .containsOnly(codec.schema().getFullName());
    }
}
