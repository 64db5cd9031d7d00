package io.dpbalance.datagen.ingest;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import io.dpbalance.schemas.BoundedDeadLetter;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns log lines into records: each observation becomes a {@link RankStep} of the cluster (step and the steps the
 * sample stands for from {@link StepNumbering}; compute time unknown, step time when the format gives it); each
 * rejected line a {@link DeadLetter} with the line as payload, source the file and offset its 0-based line number.
 * Every line is counted: records written, and per reason the lines skipped or rejected. One thread.
 */
public final class Ingestor {

    /** The RankSteps the sink took. */
    public static final String WRITTEN = "RANK_STEPS_WRITTEN";

    private final String cluster;
    private final LineParser parser;
    private final StepNumbering numbering;
    private final RecordSink sink;
    private final Clock clock;
    private final byte[] clusterKey;
    private final Map<String, Long> skipped = new TreeMap<>();
    private final Map<String, Long> rejected = new TreeMap<>();
    private volatile long written;
    private final RankStep rankStep = new RankStep();

    public Ingestor(String cluster, LineParser parser, StepNumbering numbering, RecordSink sink, Clock clock) {
        if (cluster == null || cluster.isBlank()) {
            throw new IllegalArgumentException("--cluster must not be empty");
        }
        this.cluster = cluster;
        this.parser = parser;
        this.numbering = numbering;
        this.sink = sink;
        this.clock = clock;
        this.clusterKey = cluster.getBytes(StandardCharsets.UTF_8);
        rankStep.setClusterId(cluster);
        rankStep.setComputeMicros(null);
    }

    /** The topics an ingest writes. */
    public static List<RecordTopic<?>> topics() {
        return List.of(RecordTopic.RANK_STEPS, RecordTopic.DEAD_LETTER);
    }

    /**
     * Reads one line of {@code source}.
     *
     * @param lineNumber 0-based position of the line in its file
     */
    public void accept(String source, long lineNumber, String line) {
        LineResult result = parser.parse(line);
        switch (result.kind()) {
            case SKIPPED -> skipped.merge(result.reason(), 1L, Long::sum);
            case REJECTED -> {
                rejected.merge(result.reason(), 1L, Long::sum);
                DeadLetter dead = BoundedDeadLetter.of(
                        cluster,
                        source,
                        -1,
                        lineNumber,
                        result.reasonText(),
                        line.getBytes(StandardCharsets.UTF_8),
                        clock.instant());
                sink.write(RecordTopic.DEAD_LETTER, clusterKey, dead);
            }
            case OBSERVATION -> {
                LineResult.Observation o = result.observation();
                rankStep.setRank(o.rank());
                StepNumbering.Numbered numbered = numbering.number(o);
                rankStep.setStep(numbered.step());
                rankStep.setSampledSteps(numbered.sampledSteps());
                rankStep.setStepStart(o.time());
                rankStep.setRunning(o.running());
                rankStep.setKvTokens(o.kvTokens());
                rankStep.setStepMicros(o.stepMicros());
                sink.write(
                        RecordTopic.RANK_STEPS, (cluster + "/" + o.rank()).getBytes(StandardCharsets.UTF_8), rankStep);
                written++;
            }
        }
    }

    /**
     * The reader waits for more lines (following): what the sink holds back goes out now, so that a line appended to
     * a followed log reaches Kafka within a poll, not once a batch of records is full.
     */
    public void idle() {
        sink.beforeIdle();
    }

    public long written() {
        return written;
    }

    /** Lines skipped (not decode observations), per reason. */
    public Map<String, Long> skipped() {
        return Map.copyOf(skipped);
    }

    /** Lines rejected (sent to the dead letters), per reason. */
    public Map<String, Long> rejected() {
        return Map.copyOf(rejected);
    }

    /** The end-of-run summary: records written, then per reason the lines skipped and rejected. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-32s %d%n", "rank-steps written", written));
        skipped.forEach((reason, n) -> b.append(String.format("%-32s %d%n", "skipped " + reason, n)));
        rejected.forEach((reason, n) -> b.append(String.format("%-32s %d%n", "rejected " + reason, n)));
        return b.toString();
    }
}
