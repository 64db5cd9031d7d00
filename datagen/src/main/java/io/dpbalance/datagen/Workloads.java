package io.dpbalance.datagen;

import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.trace.SyntheticWorkload;
import io.dpbalance.engine.trace.Workload;
import java.io.PrintWriter;
import java.util.List;

/** Synthetic workloads on the command line, and the note about skipped rows that every subcommand prints. */
final class Workloads {

    /** The help of {@code --synthetic}. */
    static final String SYNTHETIC_HELP = "The workload, top-level keys separated by ';', e.g. "
            + "'n=60000;arrival=poisson:rate=20;prompt=lognormal:mean=1000,sigma=1;output=geometric:mean=128;seed=7'. "
            + "n, prompt and output are required; arrival is none (all at time 0), poisson:rate=R, bursty:rate=R,cv=C "
            + "or schedule:T:R,T:R,...; lengths are lognormal:mean=M,sigma=S, geometric:mean=M, constant:value=V, "
            + "uniform:low=A,high=B or empirical:trace=PATH[,format=F], optionally with max=X; seed defaults to 0.";

    private Workloads() {}

    /**
     * The engine's synthetic workload of {@code spec} (syntax of {@link SyntheticWorkload#parse}), its arrival times
     * multiplied by {@code timeScale} as a trace's are, and cut to the first {@code limit} requests if given.
     */
    static Workload synthetic(String spec, double timeScale, Long limit) {
        requireTimeScale(timeScale);
        requireLimit(limit);
        Workload generated;
        try {
            generated = SyntheticWorkload.parse(spec).generate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--synthetic: " + e.getMessage(), e);
        }
        List<Request> requests = generated.requests();
        if (limit != null && limit < requests.size()) {
            requests = requests.subList(0, (int) (long) limit);
        }
        if (timeScale != 1.0) {
            requests = requests.stream()
                    .map(r -> new Request(
                            r.id(), r.sequence(), r.arrival() * timeScale, r.promptTokens(), r.outputTokens()))
                    .toList();
        }
        return new Workload(
                generated.source(), generated.format(), generated.timed(), requests, generated.skipReasons());
    }

    static void requireTimeScale(double timeScale) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("--time-scale must be a finite number > 0, not " + timeScale);
        }
    }

    static void requireLimit(Long limit) {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, not " + limit);
        }
    }

    /** Says on standard error how many rows the reader skipped, by reason, if any. */
    static void reportSkipped(Workload workload, String command, PrintWriter err) {
        if (workload.skipped() > 0) {
            err.println("dpbalance datagen " + command + ": skipped " + workload.skipped() + " rows of "
                    + workload.source() + ": " + workload.skipReasons());
            err.flush();
        }
    }
}
