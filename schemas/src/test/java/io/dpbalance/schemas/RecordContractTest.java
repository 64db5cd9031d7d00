package io.dpbalance.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The records carry exactly the fields of the specification's record table (§6), with the agreed types. */
class RecordContractTest {

    private static final Set<String> TIMESTAMP_FIELDS =
            Set.of("arrival_time", "event_time", "step_start", "window_start", "window_end", "seen_at");

    /** The fields the specification marks optional; every other field is required. */
    private static final Map<Class<?>, Set<String>> OPTIONAL_FIELDS = Map.of(
            RequestArrival.class, Set.of("output_tokens", "rank", "model"),
            RankStep.class, Set.of("compute_micros", "step_micros", "sampled_steps"),
            StepMetrics.class,
                    Set.of(
                            "time_idle_fraction",
                            "step_seconds",
                            "energy_joules",
                            "idle_energy_joules",
                            "tokens",
                            "sampled_steps"),
            WindowMetrics.class, Set.of("samples"),
            DeadLetter.class, Set.of("payload_size", "cluster_id_size"));

    static Stream<Class<? extends SpecificRecord>> recordTypes() {
        return Codecs.all().stream().map(AvroCodec::type);
    }

    static Stream<Arguments> specifiedFields() {
        return Stream.of(
                Arguments.of(RequestArrival.class, new String[] {
                    "cluster_id", "request_id", "arrival_time", "prompt_tokens", "output_tokens", "rank", "model"
                }),
                Arguments.of(TokenEvent.class, new String[] {
                    "cluster_id", "rank", "step", "request_id", "event_time", "context_tokens", "final"
                }),
                Arguments.of(RankStep.class, new String[] {
                    "cluster_id",
                    "rank",
                    "step",
                    "step_start",
                    "running",
                    "kv_tokens",
                    "compute_micros",
                    "step_micros",
                    "sampled_steps"
                }),
                Arguments.of(StepMetrics.class, new String[] {
                    "cluster_id",
                    "policy",
                    "step",
                    "step_start",
                    "ranks",
                    "running",
                    "max_load",
                    "total_load",
                    "imbalance",
                    "idle_fraction",
                    "time_idle_fraction",
                    "step_seconds",
                    "energy_joules",
                    "idle_energy_joules",
                    "tokens",
                    "sampled_steps"
                }),
                Arguments.of(WindowMetrics.class, new String[] {
                    "cluster_id",
                    "policy",
                    "window_start",
                    "window_end",
                    "steps",
                    "avg_imbalance",
                    "avg_idle_fraction",
                    "p50_idle_fraction",
                    "p95_idle_fraction",
                    "p99_idle_fraction",
                    "tokens",
                    "energy_joules",
                    "idle_energy_joules",
                    "tokens_per_joule",
                    "throughput_tokens_per_s",
                    "late_records",
                    "missing_rank_steps",
                    "samples"
                }),
                Arguments.of(
                        Assignment.class,
                        new String[] {"cluster_id", "policy", "request_id", "rank", "step", "queue_wait_millis"}),
                Arguments.of(DeadLetter.class, new String[] {
                    "cluster_id",
                    "source_topic",
                    "partition",
                    "offset",
                    "reason",
                    "payload",
                    "seen_at",
                    "payload_size",
                    "cluster_id_size"
                }));
    }

    @ParameterizedTest
    @MethodSource("specifiedFields")
    void hasExactlyTheSpecifiedFieldsInOrder(Class<? extends SpecificRecord> type, String[] fields) {
        assertThat(Codecs.codec(type).schema().getFields())
                .extracting(Schema.Field::name)
                .containsExactly(fields);
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void makesOnlyTheSpecifiedFieldsOptionalWithANullDefault(Class<? extends SpecificRecord> type) {
        Set<String> optional = OPTIONAL_FIELDS.getOrDefault(type, Set.of());
        for (Schema.Field field : Codecs.codec(type).schema().getFields()) {
            boolean nullable = field.schema().isNullable();
            assertThat(nullable)
                    .as("%s.%s nullable", type.getSimpleName(), field.name())
                    .isEqualTo(optional.contains(field.name()));
            if (nullable) {
                assertThat(field.schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
                assertThat(field.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void keysEveryRecordByAStringClusterId(Class<? extends SpecificRecord> type) {
        assertThat(Codecs.codec(type).schema().getField("cluster_id").schema().getType())
                .isEqualTo(Schema.Type.STRING);
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void storesInstantsAsTimestampMillis(Class<? extends SpecificRecord> type) {
        for (Schema.Field field : Codecs.codec(type).schema().getFields()) {
            boolean timestamp = field.schema().getLogicalType() instanceof LogicalTypes.TimestampMillis;
            assertThat(timestamp)
                    .as("%s.%s is timestamp-millis", type.getSimpleName(), field.name())
                    .isEqualTo(TIMESTAMP_FIELDS.contains(field.name()));
        }
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void documentsTheRecordAndEveryField(Class<? extends SpecificRecord> type) {
        Schema schema = Codecs.codec(type).schema();
        assertThat(schema.getDoc()).isNotBlank();
        assertThat(schema.getFields())
                .allSatisfy(field -> assertThat(field.doc()).as(field.name()).isNotBlank());
    }

    @Test
    void coversEveryRecordOfTheTopics() {
        assertThat(recordTypes())
                .containsExactly(
                        RequestArrival.class,
                        TokenEvent.class,
                        RankStep.class,
                        StepMetrics.class,
                        WindowMetrics.class,
                        Assignment.class,
                        DeadLetter.class);
    }
}
