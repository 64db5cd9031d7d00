package io.dpbalance.jobs.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class ClusterKeyedSerializerTest {

    private static final Instant LONG_AGO = Instant.parse("2023-11-14T22:13:20Z");

    @Test
    void keysByClusterAndLeavesTheTimestampToKafkaSoThatReplayedOldEventTimesEscapeRetention() {
        ClusterKeyedSerializer<WindowMetrics> serializer = new ClusterKeyedSerializer<>(WindowMetrics.class, "out");
        serializer.open(null, null);
        WindowMetrics window = WindowMetrics.newBuilder()
                .setClusterId("cluster-a")
                .setPolicy("observed")
                .setWindowStart(LONG_AGO)
                .setWindowEnd(LONG_AGO.plusSeconds(10))
                .setSteps(0)
                .setAvgImbalance(0)
                .setAvgIdleFraction(0)
                .setP50IdleFraction(0)
                .setP95IdleFraction(0)
                .setP99IdleFraction(0)
                .setTokens(0)
                .setEnergyJoules(0)
                .setIdleEnergyJoules(0)
                .setTokensPerJoule(0)
                .setThroughputTokensPerS(0)
                .setLateRecords(0)
                .setMissingRankSteps(0)
                .build();

        ProducerRecord<byte[], byte[]> record = serializer.serialize(window, null, LONG_AGO.toEpochMilli());

        assertThat(record.topic()).isEqualTo("out");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cluster-a");
        assertThat(Codecs.WINDOW_METRICS.decode(record.value()).isDecoded()).isTrue();
        assertThat(record.timestamp()).isNull();
    }

    @Test
    void eachRecordIsKeyedByItsOwnClusterWhenClustersAlternate() {
        ClusterKeyedSerializer<StepMetrics> serializer = new ClusterKeyedSerializer<>(StepMetrics.class, "out");
        serializer.open(null, null);
        for (String cluster : List.of("cluster-a", "cluster-a", "cluster-b", "cluster-a", "cluster-b", "cluster-b")) {
            StepMetrics step = new StepMetrics(
                    cluster, "observed", 1L, LONG_AGO, 2, 1, 5L, 5L, 5L, 0.5, null, null, null, null, 1L, null);
            ProducerRecord<byte[], byte[]> record = serializer.serialize(step, null, null);
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(cluster);
            assertThat(record.value()).isEqualTo(Codecs.STEP_METRICS.encode(step));
        }
    }
}
