package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.trace.Workload;
import io.dpbalance.schemas.RequestArrival;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/**
 * {@code replay} and {@code synth}: a workload's requests as {@link RequestArrival}s, in arrival order, with the
 * output length they will generate (known when replaying a trace) and no rank. Every cluster receives every request;
 * clusters take turns request by request, so each topic partition stays in arrival order.
 */
public final class ArrivalReplay implements Generator {

    private final List<Request> byArrival;
    private final List<String> clusters;
    private final Timeline timeline;
    private final String description;
    private long replayed;

    /**
     * @param clusters cluster ids, each receiving the whole workload
     * @param start    the epoch time of the workload's time 0
     */
    public ArrivalReplay(Workload workload, List<String> clusters, Instant start) {
        this.byArrival = workload.sortedByArrival();
        this.clusters = List.copyOf(clusters);
        this.timeline = new Timeline(start);
        this.description = String.format(
                "%s: %d requests (%s) to %d cluster(s) %s, time 0 = %s",
                workload.source(),
                byArrival.size(),
                workload.format().cliName(),
                clusters.size(),
                Clusters.describe(clusters),
                start);
    }

    @Override
    public List<RecordTopic<?>> topics() {
        return List.of(RecordTopic.REQUESTS);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public long workDone() {
        return replayed;
    }

    @Override
    public long workTotal() {
        return (long) byArrival.size() * clusters.size();
    }

    @Override
    public void run(RecordSink sink, RunControl control) {
        byte[][] keys =
                clusters.stream().map(c -> c.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        RequestArrival record = new RequestArrival();
        for (Request request : byArrival) {
            if (!control.proceedAt(request.arrival())) {
                return;
            }
            record.setRequestId(request.id());
            record.setArrivalTime(timeline.instant(request.arrival()));
            record.setPromptTokens((long) request.promptTokens());
            record.setOutputTokens((long) request.outputTokens());
            for (int c = 0; c < keys.length; c++) {
                record.setClusterId(clusters.get(c));
                sink.write(RecordTopic.REQUESTS, keys[c], record);
                replayed++;
            }
        }
    }
}
