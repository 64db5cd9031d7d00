package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.TokenEvent;
import java.time.Duration;
import java.time.Instant;

/** Named instants and record factories of the analytics tests. */
final class LogFixtures {

    /** A window boundary: 10 s windows start here. */
    static final long T0 = 1_700_000_000_000L;

    static final Duration SPREAD = Duration.ofMillis(100);

    private LogFixtures() {}

    /** Defaults with a 1 s bound and a 100 ms max step spread, so that hand-made steps 20 ms apart stay apart. */
    static AnalyticsSettings settings() {
        return AnalyticsSettings.defaults().withWatermarks(Duration.ofSeconds(1), SPREAD);
    }

    static TokenEvent token(
            String cluster, int rank, long step, String request, long time, long context, boolean last) {
        return TokenEvent.newBuilder()
                .setClusterId(cluster)
                .setRank(rank)
                .setStep(step)
                .setRequestId(request)
                .setEventTime(Instant.ofEpochMilli(time))
                .setContextTokens(context)
                .setFinal$(last)
                .build();
    }

    static RankStep rankStep(
            String cluster,
            int rank,
            long step,
            long time,
            int running,
            long kvTokens,
            Long computeMicros,
            Long stepMicros) {
        return RankStep.newBuilder()
                .setClusterId(cluster)
                .setRank(rank)
                .setStep(step)
                .setStepStart(Instant.ofEpochMilli(time))
                .setRunning(running)
                .setKvTokens(kvTokens)
                .setComputeMicros(computeMicros)
                .setStepMicros(stepMicros)
                .build();
    }

    static InputRecord<TokenEvent> input(TokenEvent token, long offset) {
        return InputRecord.decoded(
                "dp.token-events", 0, offset, token.getClusterId(), Codecs.TOKEN_EVENT.encode(token), token, null);
    }

    /** The token of a valid input record read at {@code offset}. */
    static RequestToken requestToken(TokenEvent token, long offset) {
        return RequestToken.of(input(token, offset));
    }

    /** A rank's share of a step folded from {@code running} tokens. */
    static RankLoad tokenShare(
            String cluster, int rank, long step, long time, int running, long kvTokens, long enteringTokens) {
        RankLoad load = new RankLoad();
        load.clusterId = cluster;
        load.rank = rank;
        load.step = step;
        load.time = time;
        load.running = running;
        load.kvTokens = kvTokens;
        load.records = running;
        load.enteringTokens = enteringTokens;
        return load;
    }

    static RankLoad load(String cluster, int rank, long step, long time, int running, long kvTokens) {
        return RankLoad.of(rankStep(cluster, rank, step, time, running, kvTokens, null, null));
    }
}
