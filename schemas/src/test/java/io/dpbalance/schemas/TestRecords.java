package io.dpbalance.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;

/** Sample records of every type, and payloads written with older schema versions. */
final class TestRecords {

    static final Instant STEP_17_START = Instant.parse("2026-01-15T10:00:00.250Z");
    static final Instant ARRIVAL = Instant.parse("2026-01-15T09:59:58.125Z");
    static final Instant WINDOW_START = Instant.parse("2026-01-15T10:00:00Z");
    static final Instant WINDOW_END = Instant.parse("2026-01-15T10:00:10Z");

    private TestRecords() {}

    static RequestArrival requestArrivalWithOptionals() {
        return RequestArrival.newBuilder()
                .setClusterId("dp-a")
                .setRequestId("req-42")
                .setArrivalTime(ARRIVAL)
                .setPromptTokens(1830L)
                .setOutputTokens(212L)
                .setRank(3)
                .setModel("deepseek-v3")
                .build();
    }

    static RequestArrival requestArrivalWithoutOptionals() {
        return RequestArrival.newBuilder()
                .setClusterId("dp-a")
                .setRequestId("req-43")
                .setArrivalTime(ARRIVAL)
                .setPromptTokens(95L)
                .build();
    }

    static TokenEvent tokenEvent(boolean last) {
        return TokenEvent.newBuilder()
                .setClusterId("dp-a")
                .setRank(3)
                .setStep(17L)
                .setRequestId("req-42")
                .setEventTime(STEP_17_START.plusMillis(46))
                .setContextTokens(1850L)
                .setFinal$(last)
                .build();
    }

    static RankStep rankStepWithOptionals() {
        return RankStep.newBuilder()
                .setClusterId("dp-a")
                .setRank(1)
                .setStep(17L)
                .setStepStart(STEP_17_START)
                .setRunning(12)
                .setKvTokens(40_211L)
                .setComputeMicros(41_210L)
                .setStepMicros(45_875L)
                .setSampledSteps(40L)
                .build();
    }

    static RankStep rankStepWithoutOptionals() {
        return RankStep.newBuilder()
                .setClusterId("dp-a")
                .setRank(2)
                .setStep(17L)
                .setStepStart(STEP_17_START)
                .setRunning(0)
                .setKvTokens(0L)
                .build();
    }

    static StepMetrics stepMetricsWithOptionals() {
        return StepMetrics.newBuilder()
                .setClusterId("dp-a")
                .setPolicy("observed")
                .setStep(17L)
                .setStepStart(STEP_17_START)
                .setRanks(4)
                .setRunning(40)
                .setMaxLoad(40_211L)
                .setTotalLoad(120_000L)
                .setImbalance(40_844L)
                .setIdleFraction(0.2539)
                .setTimeIdleFraction(0.1875)
                .setStepSeconds(0.045875)
                .setEnergyJoules(61.5)
                .setIdleEnergyJoules(4.6)
                .setTokens(40L)
                .setSampledSteps(40L)
                .build();
    }

    static StepMetrics stepMetricsWithoutOptionals() {
        return StepMetrics.newBuilder()
                .setClusterId("dp-a")
                .setPolicy("bfio:h=20")
                .setStep(18L)
                .setStepStart(STEP_17_START.plusMillis(46))
                .setRanks(4)
                .setRunning(0)
                .setMaxLoad(0L)
                .setTotalLoad(0L)
                .setImbalance(0L)
                .setIdleFraction(0.0)
                .build();
    }

    static WindowMetrics windowMetrics() {
        return WindowMetrics.newBuilder()
                .setClusterId("dp-a")
                .setPolicy("fcfs")
                .setWindowStart(WINDOW_START)
                .setWindowEnd(WINDOW_END)
                .setSteps(217L)
                .setAvgImbalance(38_120.5)
                .setAvgIdleFraction(0.241)
                .setP50IdleFraction(0.236)
                .setP95IdleFraction(0.402)
                .setP99IdleFraction(0.517)
                .setTokens(8_680L)
                .setEnergyJoules(13_348.2)
                .setIdleEnergyJoules(1_002.7)
                .setTokensPerJoule(0.6503)
                .setThroughputTokensPerS(868.0)
                .setLateRecords(3L)
                .setMissingRankSteps(12L)
                .setSamples(31L)
                .build();
    }

    static Assignment assignment() {
        return Assignment.newBuilder()
                .setClusterId("dp-a")
                .setPolicy("bfio")
                .setRequestId("req-42")
                .setRank(3)
                .setStep(0L)
                .setQueueWaitMillis(125L)
                .build();
    }

    static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setClusterId("")
                .setSourceTopic("dp.rank-steps")
                .setPartition(5)
                .setOffset(1_234_567L)
                .setReason("CORRUPT_BODY: RankStep body: bytes left over after the record")
                .setPayload(ByteBuffer.wrap("not avro".getBytes(StandardCharsets.UTF_8)))
                .setSeenAt(WINDOW_END)
                .build();
    }

    /** One or two samples of every record type, covering optional fields both unset and set. */
    static List<SpecificRecord> samples() {
        return List.of(
                requestArrivalWithOptionals(),
                requestArrivalWithoutOptionals(),
                tokenEvent(false),
                tokenEvent(true),
                rankStepWithOptionals(),
                rankStepWithoutOptionals(),
                stepMetricsWithOptionals(),
                stepMetricsWithoutOptionals(),
                windowMetrics(),
                assignment(),
                deadLetter());
    }

    /** Encodes a sample with the codec of its own class. */
    @SuppressWarnings("unchecked") // the codec of record.getClass() takes records of that class.
    static <T extends SpecificRecord> byte[] encode(T record) {
        return Codecs.codec((Class<T>) record.getClass()).encode(record);
    }

    static Schema historySchema(Class<? extends SpecificRecord> type, int version) {
        return Codecs.codec(type).history().get(version - 1).schema();
    }

    /** A RankStep as a producer still on schema version 1 writes it: no measured timings. */
    static byte[] rankStepV1Payload() {
        Schema v1 = historySchema(RankStep.class, 1);
        GenericRecord record = new GenericRecordBuilder(v1)
                .set("cluster_id", "dp-legacy")
                .set("rank", 5)
                .set("step", 9_001L)
                .set("step_start", STEP_17_START.toEpochMilli())
                .set("running", 31)
                .set("kv_tokens", 77_004L)
                .build();
        return writeGeneric(v1, record);
    }

    /** A record as a producer on kept schema version {@code version} writes it: the fields that version lacks left out. */
    static <T extends SpecificRecord> byte[] olderPayload(T record, int version) {
        Schema older = historySchema(record.getClass(), version);
        GenericRecordBuilder builder = new GenericRecordBuilder(older);
        for (Schema.Field field : older.getFields()) {
            Object value = ((org.apache.avro.specific.SpecificRecordBase) record).get(field.name());
            builder.set(field.name(), value instanceof Instant instant ? instant.toEpochMilli() : value);
        }
        return writeGeneric(older, builder.build());
    }

    /** A RequestArrival as a producer still on schema version 1 writes it: no model name. */
    static byte[] requestArrivalV1Payload() {
        Schema v1 = historySchema(RequestArrival.class, 1);
        GenericRecord record = new GenericRecordBuilder(v1)
                .set("cluster_id", "dp-legacy")
                .set("request_id", "req-7")
                .set("arrival_time", ARRIVAL.toEpochMilli())
                .set("prompt_tokens", 512L)
                .set("output_tokens", 64L)
                .set("rank", null)
                .build();
        return writeGeneric(v1, record);
    }

    static byte[] writeGeneric(Schema writer, GenericRecord record) {
        try {
            return toArray(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
