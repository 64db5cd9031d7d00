package io.dpbalance.bench;

import io.dpbalance.engine.lookahead.OracleLookahead;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.BfioPolicy;
import io.dpbalance.engine.policy.Policy;
import io.dpbalance.engine.policy.RefillContext;
import io.dpbalance.engine.policy.RefillState;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.trace.LengthDistribution;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Realistic BF-IO refill inputs for benchmarks. A made-up cluster state would not show the solver's real cost,
 * which depends on how full the ranks are, how the pool's prompts are spread and where the envelope lies, so the
 * states are taken from a pool-mode run of the real simulator under BF-IO (h=20, oracle lookahead): a wrapping
 * policy snapshots the refill with {@link RefillState#capture} before delegating, at every {@value #EVERY}th
 * decision after step {@value #SKIP_STEPS} while the pool is full (the overloaded steady state of docs/design.md §3).
 */
public final class RefillStates {

    /** The Azure 2023 conversation trace, relative to the project root. */
    public static final String DEFAULT_TRACE = ShippedTrace.RELATIVE_PATH;

    static final int BATCH = 72;
    /** Skips the initial fill and the transient after it, when almost all slots free up together. */
    static final int SKIP_STEPS = 200;
    /** Consecutive decisions are near-duplicates; spacing them samples more distinct states. */
    static final int EVERY = 10;

    static final int MAX_STATES = 100;
    /** Fewer states than this would make the tail percentiles depend on a handful of inputs. */
    static final int MIN_STATES = 50;

    static final int SYNTHETIC_REQUESTS = 120_000;
    static final long SYNTHETIC_SEED = 2601_17855L;
    static final double SYNTHETIC_PROMPT_MEAN = 1000;
    static final double SYNTHETIC_PROMPT_SIGMA = 1.0;
    static final int SYNTHETIC_PROMPT_MAX = 32_768;
    static final double SYNTHETIC_OUTPUT_MEAN = 211;

    private RefillStates() {}

    /** G=32, B=72, R=128 (the default 4G) on the Azure trace's lengths in file order. */
    public static List<RefillState> azure(String tracePath) {
        return capture(readAzureTrace(resolve(tracePath)), 32, BATCH, 4 * 32);
    }

    /**
     * G=256, B=72, R=1024 on {@value #SYNTHETIC_REQUESTS} seeded synthetic requests: log-normal prompts of mean
     * {@value #SYNTHETIC_PROMPT_MEAN} (sigma {@value #SYNTHETIC_PROMPT_SIGMA}, clipped to
     * [1, {@value #SYNTHETIC_PROMPT_MAX}]) and geometric outputs of mean {@value #SYNTHETIC_OUTPUT_MEAN}. The Azure
     * trace is too short to keep 18,432 slots in steady state for long.
     */
    public static List<RefillState> synthetic() {
        return capture(syntheticRequests(SYNTHETIC_REQUESTS, SYNTHETIC_SEED), 256, BATCH, 4 * 256);
    }

    /** Runs the workload in pool mode under BF-IO and returns the captured refill states, oldest first. */
    public static List<RefillState> capture(List<Request> requests, int ranks, int batch, int poolSize) {
        BfioPolicy bfio = new BfioPolicy(BfioPolicy.DEFAULT_HORIZON, "oracle");
        Capturing policy = new Capturing(bfio, poolSize);
        Simulator.run(
                requests,
                WorkloadMode.POOL,
                ClusterConfig.reference(ranks, batch),
                poolSize,
                policy,
                new OracleLookahead(),
                null);
        if (policy.states.size() < MIN_STATES) {
            throw new IllegalStateException("only " + policy.states.size() + " steady-state refills of G=" + ranks
                    + " on " + requests.size() + " requests; need " + MIN_STATES + " (a longer workload)");
        }
        return policy.states;
    }

    /** One line for the benchmark log: what the captured decisions look like. */
    static String describe(List<RefillState> states) {
        RefillState first = states.get(0);
        int[] free = states.stream().mapToInt(RefillState::totalFree).sorted().toArray();
        return String.format(
                "%d refill states, G=%d B=%d pool=%d, steps %d..%d, free slots per decision: "
                        + "min %d, median %d, max %d",
                states.size(),
                first.ranks(),
                first.batch(),
                first.poolSize(),
                first.step(),
                states.get(states.size() - 1).step(),
                free[0],
                free[free.length / 2],
                free[free.length - 1]);
    }

    /**
     * A relative path is taken from the project root (the nearest directory, from the working directory up,
     * holding {@code benchmarks/pom.xml}), so the default works whether JMH is launched from the root or a module.
     */
    static Path resolve(String path) {
        Path p = Paths.get(path);
        if (p.isAbsolute()) {
            return p;
        }
        Path cwd = Paths.get("").toAbsolutePath();
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("benchmarks").resolve("pom.xml"))) {
                return dir.resolve(p).normalize();
            }
        }
        return cwd.resolve(p).normalize();
    }

    /** Prompt and output lengths of an Azure LLM inference trace CSV, in file order; timestamps are not needed. */
    private static List<Request> readAzureTrace(Path file) {
        List<Request> trace = WorkloadReader.read(file, WorkloadFormat.AZURE, ReadOptions.defaults())
                .requests();
        List<Request> requests = new ArrayList<>(trace.size());
        for (Request r : trace) {
            int n = requests.size();
            requests.add(new Request(Integer.toString(n), n, 0, r.promptTokens(), r.outputTokens()));
        }
        return requests;
    }

    private static List<Request> syntheticRequests(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        LengthDistribution prompts =
                new LengthDistribution.LogNormal(SYNTHETIC_PROMPT_MEAN, SYNTHETIC_PROMPT_SIGMA, SYNTHETIC_PROMPT_MAX);
        LengthDistribution outputs = new LengthDistribution.Geometric(SYNTHETIC_OUTPUT_MEAN, LengthDistribution.NO_MAX);
        List<Request> requests = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int promptTokens = prompts.sample(random);
            requests.add(new Request(Integer.toString(n), n, 0, promptTokens, outputs.sample(random)));
        }
        return requests;
    }

    /** Snapshots chosen steady-state refills, then lets BF-IO decide as usual so the run stays a real BF-IO run. */
    private static final class Capturing implements Policy {

        private final BfioPolicy delegate;
        private final int poolSize;
        private final List<RefillState> states = new ArrayList<>();
        private long eligible;

        Capturing(BfioPolicy delegate, int poolSize) {
            this.delegate = delegate;
            this.poolSize = poolSize;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public void refill(RefillContext context) {
            if (context.step() > SKIP_STEPS
                    && context.poolSize() == poolSize
                    && states.size() < MAX_STATES
                    && eligible++ % EVERY == 0) {
                states.add(RefillState.capture(context));
            }
            delegate.refill(context);
        }
    }
}
