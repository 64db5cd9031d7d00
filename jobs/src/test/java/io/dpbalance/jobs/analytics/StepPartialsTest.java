package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The partial steps of batch execution must close every step as {@link StepWindowFunction} closes it when it gets the
 * step's shares one by one in time order (as batch execution sorted them before the combiner), whatever partials the
 * shares came in and in whatever order they are merged: the same loads per rank, the same step start, the same repeats
 * as dead letters.
 */
class StepPartialsTest {

    private static final LoadSerializers.RankLoadSerializer COPY = new LoadSerializers.RankLoadSerializer();

    private static RankLoad rankStep(String cluster, int rank, long step, long time, int running, long offset) {
        RankStep record = LogFixtures.rankStep(cluster, rank, step, time, running, 100L * running, null, null);
        return RankLoad.of(InputRecord.decoded(
                "dp.rank-steps", 0, offset, cluster, Codecs.RANK_STEP.encode(record), record, null));
    }

    /** Shares of three steps of two clusters: rank-steps, repeats (some at the same time), token shares, missing ranks. */
    private static List<RankLoad> shares(Random random) {
        List<RankLoad> shares = new ArrayList<>();
        long offset = 0;
        for (String cluster : List.of("a", "b")) {
            for (long step = 1; step <= 3; step++) {
                long start = T0 + 20 * step;
                for (int rank = 0; rank < 4; rank++) {
                    int kind = random.nextInt(5);
                    int tokenShares = kind == 1 || kind == 3 ? 1 + random.nextInt(3) : 0;
                    for (int i = 0; i < tokenShares; i++) {
                        int running = 1 + random.nextInt(3);
                        shares.add(LogFixtures.tokenShare(
                                cluster, rank, step, start + random.nextInt(5), running, 10L * running, 9L * running));
                    }
                    int rankSteps = kind == 0 ? 1 : kind == 2 ? 2 + random.nextInt(3) : kind == 3 ? 1 : 0;
                    for (int i = 0; i < rankSteps; i++) {
                        shares.add(rankStep(
                                cluster, rank, step, start + random.nextInt(3), 1 + random.nextInt(9), offset++));
                    }
                }
            }
        }
        return shares;
    }

    private static RankLoad copy(RankLoad load) {
        return COPY.copy(load);
    }

    private static String describe(StepLoads step) {
        StringBuilder text = new StringBuilder(step.clusterId + "/" + step.step + "@" + step.stepStart + ":");
        for (RankLoad r : step.ranks) {
            text.append(' ')
                    .append(r.rank)
                    .append('[')
                    .append(r.time)
                    .append(',')
                    .append(r.running)
                    .append(',')
                    .append(r.kvTokens)
                    .append(',')
                    .append(r.records)
                    .append(',')
                    .append(r.enteringTokens)
                    .append(',')
                    .append(r.fromRankStep)
                    .append(']');
        }
        return text.toString();
    }

    private static TreeSet<String> deadLetters(List<DeadLetter> letters) {
        TreeSet<String> described = new TreeSet<>();
        letters.forEach(letter -> described.add(letter.getOffset() + " " + letter.getReason()));
        return described;
    }

    /** The shares in a random order, cut into partials of consecutive shares of one step. */
    private static List<StepLoads> partials(List<RankLoad> shares, Random random) {
        List<RankLoad> shuffled = new ArrayList<>(shares);
        Collections.shuffle(shuffled, random);
        List<StepLoads> partials = new ArrayList<>();
        List<RankLoad> run = new ArrayList<>();
        for (int i = 0; i <= shuffled.size(); i++) {
            RankLoad load = i < shuffled.size() ? shuffled.get(i) : null;
            boolean cut = load == null
                    || (!run.isEmpty()
                            && (run.get(0).step != load.step
                                    || !run.get(0).clusterId.equals(load.clusterId)
                                    || random.nextInt(3) == 0));
            if (cut && !run.isEmpty()) {
                RankLoad first = run.get(0);
                long start = run.stream().mapToLong(l -> l.time).min().orElseThrow();
                partials.add(StepLoads.of(
                        first.clusterId,
                        first.step,
                        start,
                        run.stream().map(StepPartialsTest::copy).toArray(RankLoad[]::new)));
                run.clear();
            }
            if (load != null) {
                run.add(load);
            }
        }
        return partials;
    }

    @Test
    void closesEachStepAsTheOneByOneStepWindowWhateverPartialsAndOrderTheSharesCameIn() throws Exception {
        for (int seed = 0; seed < 40; seed++) {
            Random random = new Random(seed);
            List<RankLoad> shares = shares(random);

            Map<String, String> expected = new TreeMap<>();
            List<DeadLetter> expectedRepeats = new ArrayList<>();
            try (var h = StepWindowFunctionTest.harness()) {
                List<RankLoad> byTime = new ArrayList<>(shares);
                byTime.sort(Comparator.<RankLoad>comparingLong(l -> l.time)
                        .thenComparing(l -> !l.fromRankStep)
                        .thenComparingLong(l -> l.sourceOffset));
                for (RankLoad load : byTime) {
                    h.processElement(copy(load), load.time);
                }
                h.processWatermark(Long.MAX_VALUE);
                h.extractOutputValues().forEach(s -> expected.put(s.clusterId + "/" + s.step, describe(s)));
                var letters = h.getSideOutput(StepWindowFunction.DEAD_LETTERS);
                if (letters != null) {
                    letters.forEach(r -> expectedRepeats.add(r.getValue()));
                }
            }

            Map<String, StepLoads> held = new TreeMap<>();
            for (StepLoads partial : partials(shares, random)) {
                held.merge(partial.clusterId + "/" + partial.step, partial, StepPartials::merge);
            }
            Map<String, String> actual = new TreeMap<>();
            List<DeadLetter> repeats = new ArrayList<>();
            held.forEach((key, step) -> actual.put(key, describe(StepPartials.close(step, repeats::add))));

            assertThat(actual).as("steps, seed %d", seed).isEqualTo(expected);
            assertThat(deadLetters(repeats)).as("dead letters, seed %d", seed).isEqualTo(deadLetters(expectedRepeats));
        }
    }

    @Test
    void theEarliestRankStepCountsAndTheRepeatsNameIt() {
        StepLoads held = StepLoads.of("a", 2, T0 + 3, new RankLoad[] {rankStep("a", 1, 2, T0 + 3, 4, 10)});
        StepLoads partial = StepLoads.of(
                "a", 2, T0 + 1, new RankLoad[] {rankStep("a", 1, 2, T0 + 1, 7, 11), rankStep("a", 1, 2, T0 + 3, 9, 12)
                });
        List<DeadLetter> repeats = new ArrayList<>();

        StepLoads step = StepPartials.close(StepPartials.merge(held, partial), repeats::add);

        assertThat(step.stepStart).isEqualTo(T0 + 1);
        assertThat(step.ranks).singleElement().satisfies(rank -> {
            assertThat(rank.running).isEqualTo(7);
            assertThat(rank.payload).isNull();
            assertThat(rank.sourceTopic).isNull();
        });
        assertThat(deadLetters(repeats))
                .allSatisfy(letter ->
                        assertThat(letter).contains("RANK_STEP_REPEATED").contains("offset 11)"))
                .extracting(letter -> letter.split(" ")[0])
                .containsExactly("10", "12");
    }
}
