package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.trace.Workload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code decode-log}: the logs of production clusters, simulated by the engine in arrival mode under the production
 * policy ({@link DecodeLogRecords} says which records). Every cluster serves the whole workload, with its own seed;
 * the clusters advance together, always the one with the earliest clock next, so every topic stays close to event-time
 * order across clusters, and each cluster's records are written in the order its steps happened.
 */
public final class DecodeLog implements Generator {

    private final Workload workload;
    private final List<String> clusters;
    private final DecodeLogSettings settings;
    private final Timeline timeline;
    private final long tokensPerCluster;
    private final String description;
    private List<ClusterRun> runs = List.of();

    /**
     * @param clusters cluster ids; cluster i uses the seed {@code settings.seed() + i}
     * @param start    the epoch time of the workload's time 0
     */
    public DecodeLog(Workload workload, List<String> clusters, DecodeLogSettings settings, Instant start) {
        this.workload = workload;
        this.clusters = List.copyOf(clusters);
        this.settings = settings;
        this.timeline = new Timeline(start);
        this.tokensPerCluster =
                workload.requests().stream().mapToLong(Request::outputTokens).sum();
        CostModel cost = settings.cluster().costModel();
        this.description = String.format(
                Locale.ROOT,
                "%s: %d requests (%s), arrival mode, policy %s (lookahead %s), G=%d, B=%d, step time %.4g s + %.4g s"
                        + " per token of the busiest rank, %s records%s, %d cluster(s) %s, seed %d, time 0 = %s",
                workload.source(),
                workload.requests().size(),
                workload.format().cliName(),
                settings.policy().text(),
                settings.lookahead(),
                settings.cluster().ranks(),
                settings.cluster().batch(),
                cost.fixedSeconds(),
                cost.secondsPerToken(),
                settings.granularity().name().toLowerCase(Locale.ROOT),
                settings.jitter() > 0 ? String.format(Locale.ROOT, ", compute jitter ±%.3g", settings.jitter()) : "",
                clusters.size(),
                Clusters.describe(clusters),
                settings.seed(),
                start);
    }

    @Override
    public List<RecordTopic<?>> topics() {
        List<RecordTopic<?>> topics = new ArrayList<>();
        topics.add(RecordTopic.REQUESTS);
        if (settings.granularity().tokens()) {
            topics.add(RecordTopic.TOKEN_EVENTS);
        }
        if (settings.granularity().ranks()) {
            topics.add(RecordTopic.RANK_STEPS);
        }
        return topics;
    }

    @Override
    public String description() {
        return description;
    }

    /** Tokens decoded so far, over all clusters. */
    @Override
    public long workDone() {
        long done = 0;
        for (ClusterRun run : runs) {
            done += run.tokensDecoded();
        }
        return done;
    }

    /** Every output token of the workload, once per cluster. */
    @Override
    public long workTotal() {
        return tokensPerCluster * clusters.size();
    }

    @Override
    public void run(RecordSink sink, RunControl control) {
        List<Request> byArrival = workload.sortedByArrival();
        List<ClusterRun> started = new ArrayList<>();
        for (int i = 0; i < clusters.size(); i++) {
            long seed = settings.seed() + i;
            DecodeLogRecords records = new DecodeLogRecords(clusters.get(i), settings, seed, timeline, sink);
            started.add(new ClusterRun(byArrival, settings, seed, records));
        }
        runs = started;
        while (true) {
            ClusterRun earliest = null;
            for (ClusterRun run : runs) {
                if (!run.isFinished() && (earliest == null || run.clock() < earliest.clock())) {
                    earliest = run;
                }
            }
            if (earliest == null || !control.proceedAt(earliest.clock())) {
                return;
            }
            earliest.advance();
        }
    }
}
