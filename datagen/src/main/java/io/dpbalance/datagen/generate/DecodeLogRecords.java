package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.sim.DecodeObserver;
import io.dpbalance.engine.sim.SimulationListener;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.TokenEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * What one simulated production cluster's logs hold, as records: it watches the engine's step loop
 * ({@link DecodeObserver} for tokens and rank steps, {@link SimulationListener} for finished requests) and writes
 * <ul>
 *   <li>a {@link RequestArrival} when a request arrives (rank and output length null) and a second one, the
 *       <em>completion update</em>, when it finishes: same request id and arrival time, with the rank production
 *       placed it on and its output length;</li>
 *   <li>a {@link TokenEvent} per running request per step, stamped with the step's start (the barrier-synchronized
 *       step the token belongs to; the analytics job times the step by it);</li>
 *   <li>a {@link RankStep} per rank per step: the loads the engine's metrics use (after the step's token and its
 *       departures), the step time, and the rank's compute time from the cost model on the load it entered the step
 *       with.</li>
 * </ul>
 * Record objects are reused: the sink is done with a record when {@code write} returns.
 */
final class DecodeLogRecords implements DecodeObserver, SimulationListener {

    private final RecordSink sink;
    private final Timeline timeline;
    private final CostModel cost;
    private final double jitter;
    private final SplittableRandom random;
    private final boolean writeTokens;
    private final boolean writeRanks;
    private final byte[] clusterKey;
    private final byte[][] rankKeys;
    private final long[] enteringLoad;

    private final RequestArrival arrival = new RequestArrival();
    private final TokenEvent token = new TokenEvent();
    private final RankStep rankStep = new RankStep();
    private long timedStep = -1;
    private Instant stepStart;
    private long tokensDecoded;

    /** @param seed seeds the compute-time jitter */
    DecodeLogRecords(String clusterId, DecodeLogSettings settings, long seed, Timeline timeline, RecordSink sink) {
        int ranks = settings.cluster().ranks();
        this.sink = sink;
        this.timeline = timeline;
        this.cost = settings.cluster().costModel();
        this.jitter = settings.jitter();
        this.random = new SplittableRandom(seed);
        this.writeTokens = settings.granularity().tokens();
        this.writeRanks = settings.granularity().ranks();
        this.clusterKey = clusterId.getBytes(StandardCharsets.UTF_8);
        this.rankKeys = new byte[ranks][];
        for (int g = 0; g < ranks; g++) {
            rankKeys[g] = (clusterId + "/" + g).getBytes(StandardCharsets.UTF_8);
        }
        this.enteringLoad = new long[ranks];
        arrival.setClusterId(clusterId);
        token.setClusterId(clusterId);
        rankStep.setClusterId(clusterId);
    }

    /** The request reached the cluster's scheduler. */
    void arrived(Request request) {
        fillArrival(request);
        arrival.setOutputTokens(null);
        arrival.setRank(null);
        sink.write(RecordTopic.REQUESTS, clusterKey, arrival);
    }

    @Override
    public void onFinish(Request request, int rank, double placedAt, double finishedAt) {
        fillArrival(request);
        arrival.setOutputTokens((long) request.outputTokens());
        arrival.setRank(rank);
        sink.write(RecordTopic.REQUESTS, clusterKey, arrival);
    }

    private void fillArrival(Request request) {
        arrival.setRequestId(request.id());
        arrival.setArrivalTime(timeline.instant(request.arrival()));
        arrival.setPromptTokens((long) request.promptTokens());
    }

    @Override
    public void onToken(
            Request request, int rank, long step, double start, double seconds, int contextTokens, boolean last) {
        // The request's load entering the step: everything resident before this token.
        enteringLoad[rank] += contextTokens - 1;
        tokensDecoded++;
        if (!writeTokens) {
            return;
        }
        timeStep(step, start, seconds);
        token.setRank(rank);
        token.setStep(step);
        token.setRequestId(request.id());
        token.setEventTime(stepStart);
        token.setContextTokens(contextTokens);
        token.setFinal$(last);
        sink.write(RecordTopic.TOKEN_EVENTS, rankKeys[rank], token);
    }

    @Override
    public void onRankStep(int rank, long step, double start, double seconds, int running, long kvTokens) {
        long entering = enteringLoad[rank];
        enteringLoad[rank] = 0;
        if (!writeRanks) {
            return;
        }
        double compute = cost.stepSeconds(entering);
        if (jitter > 0) {
            compute *= 1 + jitter * (2 * random.nextDouble() - 1);
        }
        timeStep(step, start, seconds);
        rankStep.setRank(rank);
        rankStep.setStep(step);
        rankStep.setStepStart(stepStart);
        rankStep.setRunning(running);
        rankStep.setKvTokens(kvTokens);
        rankStep.setComputeMicros(Math.round(compute * 1e6));
        rankStep.setStepMicros(Math.round(seconds * 1e6));
        sink.write(RecordTopic.RANK_STEPS, rankKeys[rank], rankStep);
    }

    /** The step's start instant, made once per step rather than once per record. */
    private void timeStep(long step, double start, double seconds) {
        if (step != timedStep) {
            timedStep = step;
            stepStart = timeline.instant(start);
        }
    }

    long tokensDecoded() {
        return tokensDecoded;
    }
}
