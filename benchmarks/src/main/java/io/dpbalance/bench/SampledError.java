package io.dpbalance.bench;

import io.dpbalance.engine.metrics.CostModel;
import io.dpbalance.engine.metrics.StepAggregate;
import io.dpbalance.engine.metrics.StepStats;
import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.ClusterConfig;
import io.dpbalance.engine.sim.SimulationListener;
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

/**
 * Issue 11 item 3: how close the metrics of a sampled log are to the full-step truth. Production logs sample the
 * cluster (SGLang one line per rank every {@code decode_log_interval} = 40 decode steps); the analytics job weights
 * each sample by the steps it stands for (docs/ingest.md). Over several workloads ("seeds": consecutive segments of
 * the shipped Azure trace) and log intervals, this compares
 * <ul>
 *   <li>the truth: the engine's roll-up of every step of the run (avg idle fraction, avg imbalance, total energy);</li>
 *   <li>the estimate: what the analytics job computes from the log of every N-th step: the engine's metrics of steps
 *       N, 2N, ..., each standing for N steps, timed as the job times a step without a measured time (the cost
 *       model on the busiest rank's load at the step's end, the only load a log line gives; energy is power times
 *       that time). The job computing exactly this from such a log is SampledLogKafkaITCase's known answer.</li>
 * </ul>
 * Interval 1 isolates what the step-time stand-in alone costs (idle fraction and imbalance are then exact).
 *
 * <pre>
 * bin/dpbalance bench sampled-error [--seeds 7] [--requests 1500] [--intervals 1,40,100] [--policy vllm]
 * </pre>
 */
public final class SampledError {

    static final int RANKS = 4;
    static final int BATCH = 16;
    static final double TIME_SCALE = 0.2;

    /** The truth and the estimate of one run and interval. */
    record Row(int seed, int interval, long steps, long samples, StepAggregate truth, StepAggregate estimate) {

        double idleFractionError() {
            return relative(estimate.avgIdleFraction(), truth.avgIdleFraction());
        }

        double imbalanceError() {
            return relative(estimate.avgImbalance(), truth.avgImbalance());
        }

        double energyError() {
            return relative(estimate.energyJoules, truth.energyJoules);
        }
    }

    static double relative(double estimate, double truth) {
        return truth == 0 ? Math.abs(estimate) : Math.abs(estimate - truth) / Math.abs(truth);
    }

    /** The rows of one run (one workload, one seed) for each interval. */
    static List<Row> run(List<Request> workload, int seed, String policy, int[] intervals) {
        ClusterConfig config = ClusterConfig.reference(RANKS, BATCH);
        CostModel cost = config.costModel();
        List<StepStats> steps = new ArrayList<>();
        PolicyFactory.Instance instance = PolicyFactory.create(PolicySpec.parse(policy), "hazard", seed);
        Simulator.run(
                workload,
                WorkloadMode.ARRIVAL,
                config,
                0,
                instance.policy(),
                instance.lookahead(),
                new SimulationListener() {
                    @Override
                    public void onStep(StepStats metrics) {
                        steps.add(metrics);
                    }
                });
        StepAggregate truth = new StepAggregate();
        steps.forEach(truth::add);
        List<Row> rows = new ArrayList<>();
        for (int interval : intervals) {
            StepAggregate estimate = new StepAggregate();
            for (StepStats m : steps) {
                if (m.step() % interval != 0) {
                    continue;
                }
                double seconds = cost.stepSeconds(m.maxLoad());
                double scale = m.stepSeconds() > 0 ? seconds / m.stepSeconds() : 0.0;
                estimate.add(
                        m.imbalance(),
                        m.idleFraction(),
                        m.tokens(),
                        seconds,
                        m.energyJoules() * scale,
                        m.idleEnergyJoules() * scale,
                        interval);
            }
            rows.add(new Row(seed, interval, steps.size(), estimate.samples(), truth, estimate));
        }
        return rows;
    }

    public static void main(String[] args) {
        int seeds = 7;
        int requests = 1500;
        int[] intervals = {1, 40, 100};
        String policy = "vllm";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seeds" -> seeds = LookaheadStudy.positive("--seeds", LookaheadStudy.value(args, ++i));
                case "--requests" -> requests = LookaheadStudy.positive("--requests", LookaheadStudy.value(args, ++i));
                case "--intervals" -> intervals = parseIntervals(LookaheadStudy.value(args, ++i));
                case "--policy" -> policy = LookaheadStudy.value(args, ++i);
                case "-h", "--help" -> {
                    System.out.println("usage: bin/dpbalance bench sampled-error [--seeds N (7)] [--requests N (1500 "
                            + "per seed)] [--intervals 1,40,100] [--policy vllm]");
                    return;
                }
                default ->
                    throw new IllegalArgumentException("sampled-error: unknown option '" + args[i]
                            + "'; expected --seeds, --requests, --intervals, --policy");
            }
        }
        PolicySpec.parse(policy);
        List<Request> trace = WorkloadReader.read(
                        ShippedTrace.find().orElseThrow(() -> new IllegalStateException(ShippedTrace.missingHint())),
                        WorkloadFormat.AZURE,
                        ReadOptions.defaults().withTimeScale(TIME_SCALE))
                .sortedByArrival();
        if ((long) seeds * requests > trace.size()) {
            throw new IllegalArgumentException("--seeds x --requests: " + seeds + " x " + requests + " > the trace's "
                    + trace.size() + " requests");
        }
        System.out.printf(
                Locale.ROOT,
                "sampled-error: shipped Azure trace at time scale %.2f, %d consecutive segments "
                        + "of %d requests (seeds), G=%d, B=%d, policy %s, arrival mode%n",
                TIME_SCALE,
                seeds,
                requests,
                RANKS,
                BATCH,
                policy);
        System.out.println("truth: the engine's metrics of every step; estimate: the analytics job's from a log of "
                + "every N-th step (a sample stands for N steps; step time from the cost model on the load at the "
                + "step's end); error = |estimate - truth| / truth");
        System.out.printf(
                Locale.ROOT,
                "%n%-4s %8s %6s %7s  %-25s  %-25s  %-25s%n",
                "seed",
                "interval",
                "steps",
                "samples",
                "avg idle fraction (err)",
                "avg imbalance (err)",
                "energy J (err)");
        List<Row> all = new ArrayList<>();
        for (int seed = 1; seed <= seeds; seed++) {
            List<Request> workload = segment(trace, seed - 1, requests);
            for (Row r : run(workload, seed, policy, intervals)) {
                all.add(r);
                System.out.printf(
                        Locale.ROOT,
                        "%-4d %8d %6d %7d  %.4f / %.4f (%5.2f%%)  %8.1f / %8.1f (%5.2f%%)  "
                                + "%9.1f / %9.1f (%5.2f%%)%n",
                        r.seed(),
                        r.interval(),
                        r.steps(),
                        r.samples(),
                        r.estimate().avgIdleFraction(),
                        r.truth().avgIdleFraction(),
                        100 * r.idleFractionError(),
                        r.estimate().avgImbalance(),
                        r.truth().avgImbalance(),
                        100 * r.imbalanceError(),
                        r.estimate().energyJoules,
                        r.truth().energyJoules,
                        100 * r.energyError());
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%nrelative error over %d seeds, max (median):%n%-8s  %-17s  %-17s  %-17s%n",
                seeds,
                "interval",
                "idle fraction",
                "imbalance",
                "energy");
        for (int interval : intervals) {
            List<Row> rows = all.stream().filter(r -> r.interval() == interval).toList();
            System.out.printf(
                    Locale.ROOT,
                    "%-8d  %-17s  %-17s  %-17s%n",
                    interval,
                    summary(rows.stream().mapToDouble(Row::idleFractionError).toArray()),
                    summary(rows.stream().mapToDouble(Row::imbalanceError).toArray()),
                    summary(rows.stream().mapToDouble(Row::energyError).toArray()));
        }
    }

    static String summary(double[] errors) {
        double[] sorted = errors.clone();
        Arrays.sort(sorted);
        return String.format(
                Locale.ROOT, "%.2f%% (%.2f%%)", 100 * sorted[sorted.length - 1], 100 * LookaheadStudy.median(errors));
    }

    static int[] parseIntervals(String text) {
        int[] out = Arrays.stream(text.split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
        if (out.length == 0 || Arrays.stream(out).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--intervals: steps between samples, each at least 1: " + text);
        }
        return out;
    }

    /** Requests [index * size, (index + 1) * size) of the trace, arrivals from 0. */
    static List<Request> segment(List<Request> trace, int index, int size) {
        List<Request> part = trace.subList(index * size, (index + 1) * size);
        double start = part.get(0).arrival();
        List<Request> out = new ArrayList<>(size);
        for (int i = 0; i < part.size(); i++) {
            Request r = part.get(i);
            out.add(new Request(r.id(), i, r.arrival() - start, r.promptTokens(), r.outputTokens()));
        }
        return out;
    }
}
