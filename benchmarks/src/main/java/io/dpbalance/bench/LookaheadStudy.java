package io.dpbalance.bench;

import io.dpbalance.engine.metrics.Percentiles;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.SimulationResult;
import io.dpbalance.engine.sim.Simulator;
import io.dpbalance.engine.sim.WorkloadMode;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.ShippedTrace;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Issue 12 item 4: what an oracle-free lookahead recovers of the gap between {@code bfio:h=0} and {@code bfio:h=20}
 * with the oracle, in arrival mode on the shipped trace and on synthetic workloads of different output-length
 * distributions, and in pool mode on the shipped trace, over several seeds. Prints one row per workload and policy: the average imbalance (median, min,
 * max over the seeds), its gain over {@code h=0} on the same seed (median, min, max), the share of the oracle's gap
 * recovered, {@code median(h0 - X) / median(h0 - oracle)} (paired per seed: arrival-mode runs are chaotic, and one
 * seed's oracle gain can be near 0), and on how many seeds X was worse than {@code h=0}.
 *
 * <p>Seeds F..F+N-1 ({@code --first-seed F}, default 1; {@code --seeds N}, default 7): the shipped trace is cut into
 * F-1+N consecutive segments of equal size (arrivals rebased to the segment's first) and seed s runs segment s; a
 * synthetic workload is drawn with seed s. So {@code --first-seed 8} holds out seeds 8..14 (the trace in 14 segments of
 * half the size, the last 7 run) from choices made on 1..7. Arrival-mode runs: G = 16, B = 8, reference
 * cost model, the trace at time scale 0.03 (the demo's overloaded cluster) and synthetic Poisson arrivals at a rate
 * that overloads it similarly. Pool mode ({@code azure-pool}): G = 32, B = 72, R = 128, the whole trace in input order
 * rotated to start at segment s (seed 1 is the known-answer run).
 *
 * <pre>
 * bin/dpbalance bench lookahead-study [--seeds 7] [--first-seed 1] [--requests 10000] [--policies P;P;...] [--workloads a,b,...]
 * </pre>
 */
public final class LookaheadStudy {

    static final int RANKS = 16;
    static final int BATCH = 8;
    static final double TRACE_TIME_SCALE = 0.03;
    /** Pool mode runs on the simulator's default cluster, the known-answer run's. */
    static final int POOL_RANKS = 32;

    static final int POOL_BATCH = 72;

    /** One row group of the study: requests per seed, run in one mode on one cluster. */
    record Workload(
            String name,
            String description,
            WorkloadMode mode,
            ClusterConfig config,
            IntFunction<List<Request>> requests) {}

    /** A synthetic workload: prompt lengths, then the output length of a request given its prompt. */
    record Synthetic(String name, String description, double rate, OutputModel output) {}

    interface OutputModel {
        int sample(int prompt, SplittableRandom random);
    }

    public static void main(String[] args) {
        int seeds = 7;
        int first = 1;
        int requests = 10000;
        String policies = "bfio:h=0;bfio:h=20,lookahead=oracle;bfio:h=20,lookahead=hazard;bfio:h=20,lookahead=learned;"
                + "bfio:h=20,lookahead=learned,check=true;bfio:h=20,lookahead=learned,check=calibrate";
        String only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = positive("--seeds", value(args, ++i));
                case "--first-seed" -> first = positive("--first-seed", value(args, ++i));
                case "--requests" -> requests = positive("--requests", value(args, ++i));
                case "--policies" -> policies = value(args, ++i);
                case "--workloads" -> only = value(args, ++i);
                case "-h", "--help" -> {
                    System.out.println(
                            "usage: bin/dpbalance bench lookahead-study [--seeds N (7)] [--first-seed F (1)] "
                                    + "[--requests N (10000, "
                                    + "per synthetic workload)] [--policies 'P;P;...' (first: h=0 baseline, second: the oracle)] "
                                    + "[--workloads azure,exp,lognormal,bimodal,corr-lognormal,corr-bimodal,azure-pool]");
                    return;
                }
                default ->
                    throw new IllegalArgumentException("lookahead-study: unknown option '" + args[i]
                            + "'; expected --seeds, --first-seed, --requests, --policies, --workloads");
            }
        }
        List<PolicySpec> specs = PolicySpec.parseList(policies);
        if (specs.size() < 3) {
            throw new IllegalArgumentException("--policies: need the h=0 baseline, the oracle and at least one other");
        }
        specs.forEach(s -> PolicyFactory.create(s, "oracle", 1));

        List<Workload> workloads = new ArrayList<>();
        List<Request> trace = WorkloadReader.read(
                        ShippedTrace.find().orElseThrow(() -> new IllegalStateException(ShippedTrace.missingHint())),
                        WorkloadFormat.AZURE,
                        ReadOptions.defaults().withTimeScale(TRACE_TIME_SCALE))
                .sortedByArrival();
        // seeds first..first+N-1: the trace is cut into first-1+N segments, so seeds 8..14 are held out from 1..7
        int segments = first - 1 + seeds;
        int firstSeed = first;
        ClusterConfig arrival = ClusterConfig.reference(RANKS, BATCH);
        workloads.add(new Workload(
                "azure",
                "shipped Azure conversation trace, time scale " + TRACE_TIME_SCALE + ", " + segments
                        + " consecutive segments of " + trace.size() / segments + " requests",
                WorkloadMode.ARRIVAL,
                arrival,
                seed -> segment(trace, seed - 1, segments)));
        for (Synthetic s : synthetics()) {
            int n = requests;
            workloads.add(new Workload(
                    s.name(),
                    s.description() + "; prompts lognormal mean 1000 sigma 1; Poisson " + s.rate() + "/s",
                    WorkloadMode.ARRIVAL,
                    arrival,
                    seed -> generate(s, n, seed)));
        }
        workloads.add(new Workload(
                "azure-pool",
                "pool mode, G=" + POOL_RANKS + ", B=" + POOL_BATCH + ": the whole shipped trace in input order, "
                        + "rotated to start at segment s of " + segments + " (s = 1: the known-answer run)",
                WorkloadMode.POOL,
                ClusterConfig.reference(POOL_RANKS, POOL_BATCH),
                seed -> rotate(trace, seed - 1, segments)));

        System.out.printf(
                Locale.ROOT,
                "arrival mode G=%d, B=%d unless a workload says otherwise, seeds %d..%d; avg_imbalance median "
                        + "[min..max]; gain = h0 - X per seed; recovered = median gain / median oracle gain%n",
                RANKS,
                BATCH,
                first,
                first - 1 + seeds);
        for (Workload workload : workloads) {
            if (only != null && !Arrays.asList(only.split(",")).contains(workload.name())) {
                continue;
            }
            System.out.printf("%n%s: %s%n", workload.name(), workload.description());
            double[][] imbalance = new double[specs.size()][seeds];
            for (int seed = 1; seed <= seeds; seed++) {
                List<Request> requestsOfSeed = workload.requests().apply(firstSeed - 1 + seed);
                for (int p = 0; p < specs.size(); p++) {
                    PolicyFactory.Instance instance =
                            PolicyFactory.create(specs.get(p), "oracle", firstSeed - 1 + seed);
                    SimulationResult result = Simulator.run(
                            requestsOfSeed,
                            workload.mode(),
                            workload.config(),
                            0,
                            instance.policy(),
                            instance.lookahead(),
                            null);
                    imbalance[p][seed - 1] = result.avgImbalance();
                }
            }
            double[] oracleGain = new double[seeds];
            for (int s = 0; s < seeds; s++) {
                oracleGain[s] = imbalance[0][s] - imbalance[1][s];
            }
            double medianOracleGain = median(oracleGain);
            System.out.printf(
                    Locale.ROOT,
                    "  %-40s %28s %26s %10s %s%n",
                    "policy",
                    "avg_imbalance",
                    "gain over h=0",
                    "recovered",
                    "worse than h=0");
            for (int p = 0; p < specs.size(); p++) {
                String gain = "";
                String recovered = "";
                String worse = "";
                if (p >= 1) {
                    double[] g = new double[seeds];
                    int worseSeeds = 0;
                    for (int s = 0; s < seeds; s++) {
                        g[s] = imbalance[0][s] - imbalance[p][s];
                        worseSeeds += imbalance[p][s] > imbalance[0][s] ? 1 : 0;
                    }
                    gain = spread(g, "%.0f");
                    recovered = p == 1 ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * median(g) / medianOracleGain);
                    worse = worseSeeds + "/" + seeds;
                }
                System.out.printf(
                        Locale.ROOT,
                        "  %-40s %28s %26s %10s %s%n",
                        specs.get(p).text(),
                        spread(imbalance[p], "%.0f"),
                        gain,
                        recovered,
                        worse);
            }
        }
    }

    /** The synthetic workloads: output distributions uncorrelated and correlated with the prompt. */
    static List<Synthetic> synthetics() {
        return List.of(
                new Synthetic(
                        "exp",
                        "outputs geometric mean 200, independent of the prompt",
                        170,
                        (prompt, r) -> geometric(200, r)),
                new Synthetic(
                        "lognormal",
                        "outputs lognormal mean 200 sigma 1.2 (heavy tail, max 8192), independent",
                        170,
                        (prompt, r) -> lognormal(200, 1.2, 8192, r)),
                new Synthetic(
                        "bimodal",
                        "outputs 60% ~30 +- 10, 40% ~450 +- 50, independent of the prompt",
                        170,
                        (prompt, r) -> r.nextDouble() < 0.6 ? normal(30, 10, r) : normal(450, 50, r)),
                new Synthetic(
                        "corr-lognormal",
                        "outputs lognormal around 6.3 sqrt(prompt) (mean ~180), sigma 0.4",
                        170,
                        (prompt, r) -> lognormal(6.3 * Math.sqrt(prompt), 0.4, 8192, r)),
                new Synthetic(
                        "corr-bimodal",
                        "outputs ~30 +- 10 for prompts under 600, ~450 +- 50 above (10% flipped)",
                        170,
                        (prompt, r) ->
                                (prompt < 600) ^ (r.nextDouble() < 0.1) ? normal(30, 10, r) : normal(450, 50, r)));
    }

    static List<Request> generate(Synthetic s, int n, long seed) {
        SplittableRandom root =
                new SplittableRandom(seed * 0x9E3779B97F4A7C15L + s.name().hashCode());
        SplittableRandom arrivals = root.split();
        SplittableRandom prompts = root.split();
        SplittableRandom outputs = root.split();
        List<Request> out = new ArrayList<>(n);
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += -Math.log(1 - arrivals.nextDouble()) / s.rate();
            int prompt = lognormal(1000, 1.0, 32768, prompts);
            out.add(new Request(s.name() + "-" + i, i, t, prompt, s.output().sample(prompt, outputs)));
        }
        return out;
    }

    /** Segment {@code index} of {@code count} consecutive equal segments, arrivals from 0. */
    static List<Request> segment(List<Request> trace, int index, int count) {
        int size = trace.size() / count;
        List<Request> part = trace.subList(index * size, (index + 1) * size);
        double start = part.get(0).arrival();
        List<Request> out = new ArrayList<>(size);
        for (int i = 0; i < part.size(); i++) {
            Request r = part.get(i);
            out.add(new Request(r.id(), i, r.arrival() - start, r.promptTokens(), r.outputTokens()));
        }
        return out;
    }

    /** The whole trace in input order, starting at segment {@code index} of {@code count} and wrapping around. */
    static List<Request> rotate(List<Request> trace, int index, int count) {
        int start = index * (trace.size() / count);
        List<Request> out = new ArrayList<>(trace.size());
        for (int i = 0; i < trace.size(); i++) {
            Request r = trace.get((start + i) % trace.size());
            out.add(new Request(r.id(), i, r.arrival(), r.promptTokens(), r.outputTokens()));
        }
        return out;
    }

    static int geometric(double mean, SplittableRandom r) {
        double p = 1 / mean;
        return 1 + (int) Math.floor(Math.log(1 - r.nextDouble()) / Math.log(1 - p));
    }

    /** Lognormal with the given mean and log-sd, clipped to [1, max]. */
    static int lognormal(double mean, double sigma, int max, SplittableRandom r) {
        double mu = Math.log(mean) - sigma * sigma / 2;
        double x = Math.exp(mu + sigma * gaussian(r));
        return (int) Math.max(1, Math.min(max, Math.round(x)));
    }

    static int normal(double mean, double sd, SplittableRandom r) {
        return (int) Math.max(1, Math.round(mean + sd * gaussian(r)));
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    static double median(double[] values) {
        return Percentiles.of(values, values.length, 50);
    }

    private static String spread(double[] values, String format) {
        double[] v = values.clone();
        Arrays.sort(v);
        return String.format(
                Locale.ROOT, format + " [" + format + ".." + format + "]", median(v), v[0], v[v.length - 1]);
    }

    static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException("lookahead-study: " + args[i - 1] + " needs a value");
        }
        return args[i];
    }

    static int positive(String flag, String v) {
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("lookahead-study: " + flag + " needs an integer >= 1, got '" + v + "'");
    }

    private LookaheadStudy() {}
}
