package io.dpbalance.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The shadow's step loop over a stream equals the simulator's arrival-mode run over the same requests, whatever the
 * order records come in within the bound the caller vouches for, when output lengths come later, and across
 * snapshot and restore.
 */
class ShadowRunTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long BOUND = 2_000;
    private static final ClusterConfig CONFIG = ClusterConfig.reference(4, 8);

    /** The stream's requests: id, arrival epoch ms, prompt, output. */
    private record Arrival(String id, long millis, int prompt, int output) {}

    /** One record of the stream, and when the stream carries it (its position in time). */
    private record StreamRecord(Arrival arrival, boolean withOutput, long carriedAt) {}

    private record Placement(String id, int rank, long step) {}

    private record Run(List<StepStats> steps, List<Placement> placements) {}

    private static List<Arrival> arrivals;

    @BeforeAll
    static void readTrace() {
        List<Request> requests = WorkloadReader.read(
                        ProjectData.azureConversationTrace(),
                        WorkloadFormat.AZURE,
                        ReadOptions.defaults().withLimit(600).withTimeScale(0.05))
                .requests();
        arrivals = new ArrayList<>();
        for (Request r : requests) {
            arrivals.add(new Arrival(
                    "req-" + r.id(), T0 + (long) Math.floor(r.arrival() * 1000), r.promptTokens(), r.outputTokens()));
        }
        arrivals.sort(Comparator.comparingLong(Arrival::millis).thenComparing(Arrival::id));
    }

    /** The reference: the simulator over the same requests, numbered in (arrival, id) order, clock 0 at the first. */
    private static Run simulate(List<Arrival> input, String policy) {
        List<Request> requests = new ArrayList<>();
        long origin = input.get(0).millis();
        for (Arrival a : input) {
            requests.add(new Request(a.id(), requests.size(), (a.millis() - origin) / 1000.0, a.prompt(), a.output()));
        }
        Recorder recorder = new Recorder();
        PolicyFactory.Instance p = PolicyFactory.create(PolicySpec.parse(policy), "oracle", 7);
        Simulator.run(requests, WorkloadMode.ARRIVAL, CONFIG, 0, p.policy(), p.lookahead(), recorder);
        return recorder.run();
    }

    private static final class Recorder implements ShadowRun.Listener {
        final List<StepStats> steps = new ArrayList<>();
        final List<Placement> placements = new ArrayList<>();
        final List<PendingArrival> abandoned = new ArrayList<>();
        /** Advances after which the shadow waited for an output length. */
        int waits;

        @Override
        public void onStep(StepStats metrics) {
            steps.add(metrics);
        }

        @Override
        public void onPlacement(Request request, int rank, long afterStep, double clock, long waitedSteps) {
            placements.add(new Placement(request.id(), rank, afterStep));
        }

        @Override
        public void onAbandoned(PendingArrival request, long completeUntilMillis) {
            abandoned.add(request);
        }

        Run run() {
            return new Run(steps, placements);
        }
    }

    /**
     * Feeds the records in carried order, telling the shadow after each that the stream is complete up to the newest
     * carried time less the bound; snapshots and restores every {@code restoreEvery} records (0: never).
     */
    private static ShadowRun shadow(
            List<StreamRecord> stream,
            String policy,
            Recorder recorder,
            int restoreEvery,
            long maxHold,
            boolean finish) {
        PolicyFactory.Instance p = PolicyFactory.create(PolicySpec.parse(policy), "oracle", 7);
        ShadowRun shadow = new ShadowRun(CONFIG, p.policy(), p.lookahead(), maxHold, recorder);
        long newest = Long.MIN_VALUE;
        int fed = 0;
        for (StreamRecord r : stream) {
            Arrival a = r.arrival();
            shadow.offer(a.id(), a.millis(), a.prompt(), r.withOutput() ? a.output() : PendingArrival.UNKNOWN_OUTPUT);
            newest = Math.max(newest, r.carriedAt());
            shadow.advance(newest - BOUND);
            if (shadow.waitingFor() != null) {
                recorder.waits++;
            }
            if (restoreEvery > 0 && ++fed % restoreEvery == 0) {
                PolicyFactory.Instance fresh = PolicyFactory.create(PolicySpec.parse(policy), "oracle", 7);
                shadow = ShadowRun.restore(
                        shadow.snapshot(),
                        shadow.pending(),
                        CONFIG,
                        fresh.policy(),
                        fresh.lookahead(),
                        maxHold,
                        recorder);
            }
        }
        if (finish) {
            shadow.advance(Long.MAX_VALUE);
        }
        return shadow;
    }

    /** Every request once, output known, each carried up to just under the bound late. */
    private static List<StreamRecord> shuffledWithinBound(List<Arrival> input, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<StreamRecord> stream = new ArrayList<>();
        for (Arrival a : input) {
            stream.add(new StreamRecord(a, true, a.millis() + random.nextLong(BOUND)));
        }
        stream.sort(Comparator.comparingLong(StreamRecord::carriedAt));
        return stream;
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "fcfs",
                "vllm",
                "least-tokens",
                "bfio:h=0",
                "bfio:h=20",
                "bfio:h=20,lookahead=hazard",
                "bfio:h=20,lookahead=noisy:0.3"
            })
    void outOfOrderStreamWithRestoresEqualsTheSimulator(String policy) {
        Run expected = simulate(arrivals, policy);
        Recorder recorder = new Recorder();
        ShadowRun shadow = shadow(shuffledWithinBound(arrivals, 11), policy, recorder, 53, 60_000, true);

        assertThat(expected.steps()).hasSizeGreaterThan(1000);
        assertThat(recorder.steps).isEqualTo(expected.steps());
        assertThat(recorder.placements).isEqualTo(expected.placements());
        assertThat(shadow.late()).isZero();
        assertThat(shadow.isIdle()).isTrue();
    }

    @Test
    void outputLengthsComingLaterHoldTheShadowButChangeNothing() {
        // Each request arrives without its length; production's completion comes 0..20 s later.
        SplittableRandom random = new SplittableRandom(5);
        List<StreamRecord> stream = new ArrayList<>();
        for (Arrival a : arrivals) {
            stream.add(new StreamRecord(a, false, a.millis()));
            stream.add(new StreamRecord(a, true, a.millis() + 1 + random.nextLong(20_000)));
        }
        stream.sort(Comparator.comparingLong(StreamRecord::carriedAt));
        String policy = "bfio:h=20,lookahead=hazard";
        Run expected = simulate(arrivals, policy);

        Recorder recorder = new Recorder();
        shadow(stream, policy, recorder, 97, 60_000, true);

        // The stream was complete past many arrivals whose completion had not come yet: the shadow waited.
        assertThat(recorder.waits).isGreaterThan(100);

        assertThat(recorder.steps).isEqualTo(expected.steps());
        assertThat(recorder.placements).isEqualTo(expected.placements());
        assertThat(recorder.abandoned).isEmpty();
    }

    @Test
    void aRequestWhoseLengthNeverComesIsAbandonedAfterMaxHoldAndTheRestRuns() {
        Arrival lost = arrivals.get(100);
        List<StreamRecord> stream = new ArrayList<>();
        for (Arrival a : arrivals) {
            stream.add(new StreamRecord(a, a != lost, a.millis()));
        }
        List<Arrival> others = new ArrayList<>(arrivals);
        others.remove(lost);
        Run expected = simulate(others, "least-tokens");

        Recorder recorder = new Recorder();
        ShadowRun shadow = shadow(stream, "least-tokens", recorder, 0, 5_000, true);

        assertThat(recorder.abandoned).extracting(p -> p.requestId).containsExactly(lost.id());
        assertThat(shadow.abandoned()).isEqualTo(1);
        assertThat(recorder.steps).isEqualTo(expected.steps());
        assertThat(recorder.placements).isEqualTo(expected.placements());
    }

    @Test
    void recordsOrderedBeforeTheLastRequestLetInAreLateAndLeftOut() {
        Recorder recorder = new Recorder();
        ShadowRun shadow = new ShadowRun(
                CONFIG,
                PolicyFactory.create(PolicySpec.parse("fcfs"), "oracle", 1).policy(),
                PolicyFactory.create(PolicySpec.parse("fcfs"), "oracle", 1).lookahead(),
                1_000,
                recorder);
        assertThat(shadow.offer("b", T0 + 100, 10, 3)).isEqualTo(ShadowRun.Offer.NEW);
        assertThat(shadow.offer("c", T0 + 100, 10, 3)).isEqualTo(ShadowRun.Offer.NEW);
        shadow.advance(T0 + 100);
        assertThat(shadow.clockMillis()).isGreaterThan(T0 + 100);
        // Same time, ordered before "c" (let in): late. A repeat of "c" with its length: merged.
        assertThat(shadow.offer("a", T0 + 100, 10, 3)).isEqualTo(ShadowRun.Offer.LATE);
        assertThat(shadow.offer("a0", T0 + 50, 10, 3)).isEqualTo(ShadowRun.Offer.LATE);
        assertThat(shadow.offer("c", T0 + 100, 10, 3)).isEqualTo(ShadowRun.Offer.MERGED);
        assertThat(shadow.offer("d", T0 + 100, 10, 3)).isEqualTo(ShadowRun.Offer.NEW);
        shadow.advance(Long.MAX_VALUE);
        assertThat(shadow.late()).isEqualTo(2);
        assertThat(recorder.placements).extracting(Placement::id).containsExactly("b", "c", "d");
        assertThat(shadow.isIdle()).isTrue();
    }

    @Test
    void theClockStartsAtTheFirstArrivalAndStepsAreStampedOnIt() {
        Recorder recorder = new Recorder();
        PolicyFactory.Instance p = PolicyFactory.create(PolicySpec.parse("fcfs"), "oracle", 1);
        ShadowRun shadow = new ShadowRun(CONFIG, p.policy(), p.lookahead(), 1_000, recorder);
        shadow.offer("x", T0 + 5_000, 100, 2);
        assertThat(shadow.advance(T0 + 4_999)).isZero();
        assertThat(shadow.clockMillis()).isEqualTo(ShadowRun.NO_ORIGIN);
        shadow.advance(T0 + 5_000);
        assertThat(recorder.steps).isNotEmpty();
        assertThat(shadow.epochMillis(recorder.steps.get(0).stepStart())).isEqualTo(T0 + 5_000);
    }
}
