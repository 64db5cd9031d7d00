package io.dpbalance.engine.trace;

import io.dpbalance.engine.model.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A generated workload (docs/design.md §9 "synthetic"): {@code count} requests with arrival times from an
 * {@link ArrivalProcess} and prompt and output lengths from {@link LengthDistribution}s. The same seed gives the same
 * workload.
 *
 * <p>The text syntax ({@link #parse}), for the command line's {@code --synthetic}: top-level {@code key=value}
 * entries separated by {@code ;}, a distribution written {@code kind:param=value,param=value}.
 * <pre>
 * n=60000;arrival=poisson:rate=20;prompt=lognormal:mean=1000,sigma=1;output=geometric:mean=128;seed=7
 * </pre>
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code n}</td><td>number of requests, an integer &gt;= 1 (required)</td></tr>
 *   <tr><td>{@code arrival}</td><td>{@code none} (default: every request at 0, for pool mode),
 *       {@code poisson:rate=R} (R requests/s),
 *       {@code bursty:rate=R,cv=C} (Gamma gaps, mean 1/R, coefficient of variation C),
 *       {@code schedule:T:R,T:R,...} (piecewise-constant Poisson: from T seconds on, R requests/s; the first T is 0,
 *       the last R holds to the end), e.g. {@code schedule:0:10,60:50,120:10}</td></tr>
 *   <tr><td>{@code prompt}, {@code output}</td><td>a length distribution (both required):
 *       {@code lognormal:mean=M,sigma=S} (M the mean length, S the standard deviation of ln length),
 *       {@code geometric:mean=M} (on 1, 2, ...; M &gt;= 1),
 *       {@code constant:value=V},
 *       {@code uniform:low=A,high=B} (integers A..B, both included),
 *       {@code empirical:trace=PATH} (the prompt, respectively output, lengths of a trace, optionally with
 *       {@code format=auto|azure|mooncake|burstgpt|lengths}; the path may not hold {@code ,} or {@code ;});
 *       lognormal, geometric and empirical take {@code max=X} to clip lengths to [1, X]</td></tr>
 *   <tr><td>{@code seed}</td><td>an integer (default 0)</td></tr>
 * </table>
 * Spaces around keys and values are ignored; names are case-sensitive.
 *
 * @param count    number of requests, {@code >= 1}
 * @param arrivals when requests arrive
 * @param prompt   prompt lengths
 * @param output   output lengths
 * @param seed     seeds every random draw
 */
public record SyntheticWorkload(
        int count, ArrivalProcess arrivals, LengthDistribution prompt, LengthDistribution output, long seed) {

    public SyntheticWorkload {
        if (count < 1) {
            throw new IllegalArgumentException("a synthetic workload needs n >= 1 requests, got " + count);
        }
        Objects.requireNonNull(arrivals, "arrivals");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(output, "output");
    }

    /**
     * Parses the syntax above; an {@code empirical} distribution reads its trace here.
     *
     * @throws IllegalArgumentException naming the key or value at fault and what was expected
     * @throws WorkloadException        if an empirical trace cannot be read
     */
    public static SyntheticWorkload parse(String spec) {
        return SyntheticSpecParser.parse(spec);
    }

    /** The workload in the syntax of {@link #parse}; parsing it gives this workload back. */
    public String spec() {
        return "n=" + count + ";arrival=" + arrivals.spec() + ";prompt=" + prompt.spec() + ";output=" + output.spec()
                + ";seed=" + seed;
    }

    /** The requests, ids {@code synthetic-<sequence>}; the workload's source is {@link #spec()}. */
    public Workload generate() {
        SplittableRandom root = new SplittableRandom(seed);
        // One stream each, so that changing the output distribution, say, leaves arrivals and prompts as they were.
        SplittableRandom arrivalRandom = root.split();
        SplittableRandom promptRandom = root.split();
        SplittableRandom outputRandom = root.split();

        double[] times = arrivals.arrivals(count, arrivalRandom);
        List<Request> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(new Request(
                    "synthetic-" + i, i, times[i], prompt.sample(promptRandom), output.sample(outputRandom)));
        }
        return new Workload(spec(), WorkloadFormat.SYNTHETIC, arrivals.timed(), requests, Map.of());
    }
}
