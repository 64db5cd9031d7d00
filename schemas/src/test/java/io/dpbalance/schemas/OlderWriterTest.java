package io.dpbalance.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Payloads written by producers still on an older kept schema version decode into the current classes. */
class OlderWriterTest {

    /** What {@link TestRecords#rankStepV1Payload()} holds, with the fields v1 lacks null. */
    private static final RankStep RANK_STEP_FROM_V1 = RankStep.newBuilder()
            .setClusterId("dp-legacy")
            .setRank(5)
            .setStep(9_001L)
            .setStepStart(TestRecords.STEP_17_START)
            .setRunning(31)
            .setKvTokens(77_004L)
            .setComputeMicros(null)
            .setStepMicros(null)
            .build();

    /** What {@link TestRecords#requestArrivalV1Payload()} holds, with the field v1 lacks null. */
    private static final RequestArrival REQUEST_ARRIVAL_FROM_V1 = RequestArrival.newBuilder()
            .setClusterId("dp-legacy")
            .setRequestId("req-7")
            .setArrivalTime(TestRecords.ARRIVAL)
            .setPromptTokens(512L)
            .setOutputTokens(64L)
            .setRank(null)
            .setModel(null)
            .build();

    @Test
    void decodesRankStepV1WithoutMeasuredTimings() {
        assertThat(Codecs.RANK_STEP.decode(TestRecords.rankStepV1Payload()))
                .isEqualTo(new DecodeResult.Decoded<>(RANK_STEP_FROM_V1));
    }

    @Test
    void decodesRecordsWrittenBeforeSamplingWithoutTheSampleFields() {
        RankStep rankStep = TestRecords.rankStepWithOptionals();
        StepMetrics step = TestRecords.stepMetricsWithOptionals();
        WindowMetrics window = TestRecords.windowMetrics();

        RankStep rankStepFromV2 =
                RankStep.newBuilder(rankStep).setSampledSteps(null).build();
        assertThat(Codecs.RANK_STEP.decode(TestRecords.olderPayload(rankStep, 2)))
                .isEqualTo(new DecodeResult.Decoded<>(rankStepFromV2));
        assertThat(Codecs.STEP_METRICS.decode(TestRecords.olderPayload(step, 1)))
                .isEqualTo(new DecodeResult.Decoded<>(
                        StepMetrics.newBuilder(step).setSampledSteps(null).build()));
        assertThat(Codecs.WINDOW_METRICS.decode(TestRecords.olderPayload(window, 1)))
                .isEqualTo(new DecodeResult.Decoded<>(
                        WindowMetrics.newBuilder(window).setSamples(null).build()));
    }

    @Test
    void decodesRequestArrivalV1WithoutModel() {
        assertThat(Codecs.REQUEST_ARRIVAL.decode(TestRecords.requestArrivalV1Payload()))
                .isEqualTo(new DecodeResult.Decoded<>(REQUEST_ARRIVAL_FROM_V1));
    }

    @Test
    void decodesAnOlderVersionWithoutKnowingTheRecordType() {
        assertThat(Codecs.decodeAny(TestRecords.requestArrivalV1Payload()))
                .isEqualTo(new DecodeResult.Decoded<>(REQUEST_ARRIVAL_FROM_V1));
    }

    @Test
    void identifiesOlderPayloadsByTheirOwnFingerprint() {
        byte[] v1 = TestRecords.rankStepV1Payload();

        assertThat(AvroCodec.fingerprintOf(v1)).isNotEqualTo(Codecs.RANK_STEP.fingerprint());
        assertThat(Codecs.identify(v1).map(SchemaVersion::label)).contains("RankStep v1");
    }
}
