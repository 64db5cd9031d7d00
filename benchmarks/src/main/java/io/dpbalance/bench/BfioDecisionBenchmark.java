package io.dpbalance.bench;

import io.dpbalance.engine.policy.BfioPolicy;
import io.dpbalance.engine.policy.RefillState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Latency of one BF-IO refill decision (docs/design.md §5.1: it must fit well within a decode step). Each call decides on a
 * fresh copy of a real steady-state refill ({@link RefillStates}), cycling through the captured states, with one
 * {@link BfioPolicy} reused across calls as in a run (it keeps its buffers). Sample time, so JMH reports the
 * per-call distribution (p50 ... p99.9), not only the mean: the tail is what delays a decode step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BfioDecisionBenchmark {

    /** 32: the Azure trace workload; 256: the synthetic one (see {@link RefillStates}). */
    @Param({"32", "256"})
    public int ranks;

    /** 20 is the default; 0 balances the current step only (the case the paper's guarantee covers). */
    @Param({"0", "20"})
    public int horizon;

    /** The Azure trace for G=32; relative paths are taken from the project root. */
    @Param(RefillStates.DEFAULT_TRACE)
    public String trace;

    private List<RefillState> states;
    private BfioPolicy policy;
    private int next;
    private RefillState state;

    @Setup(Level.Trial)
    public void captureStates() {
        states = switch (ranks) {
            case 32 -> RefillStates.azure(trace);
            case 256 -> RefillStates.synthetic();
            default ->
                throw new IllegalArgumentException("ranks must be 32 (Azure trace) or 256 (synthetic), got " + ranks);
        };
        System.out.println(RefillStates.describe(states));
        policy = new BfioPolicy(horizon, "oracle");
    }

    /**
     * A decision mutates its input, so every call needs an unplaced copy; copying here keeps the copy out of the
     * measured time (sample-time mode times each call on its own, so per-invocation setup does not skew it).
     */
    @Setup(Level.Invocation)
    public void nextState() {
        state = states.get(next).fresh();
        next = (next + 1) % states.size();
    }

    @Benchmark
    public RefillState decide() {
        policy.refill(state);
        return state;
    }
}
