package io.dpbalance.engine.trace;

import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * When the requests of a synthetic workload arrive. A timed process runs from time 0, so its first request arrives
 * after one gap, not at 0; {@link None} puts every request at 0 for pool mode.
 */
public sealed interface ArrivalProcess {

    /** {@code count} non-decreasing arrival times in seconds. */
    double[] arrivals(int count, RandomGenerator random);

    /** Whether the process gives times; false for {@link None}. */
    boolean timed();

    /** The process in the syntax of {@link SyntheticWorkload}. */
    String spec();

    /** Every request at time 0. */
    record None() implements ArrivalProcess {

        @Override
        public double[] arrivals(int count, RandomGenerator random) {
            return new double[count];
        }

        @Override
        public boolean timed() {
            return false;
        }

        @Override
        public String spec() {
            return "none";
        }
    }

    /** Poisson arrivals: independent exponential gaps with mean {@code 1 / rate}. */
    record Poisson(double rate) implements ArrivalProcess {

        public Poisson {
            requirePositive("rate", rate);
        }

        @Override
        public double[] arrivals(int count, RandomGenerator random) {
            return renewal(count, () -> random.nextExponential() / rate);
        }

        @Override
        public boolean timed() {
            return true;
        }

        @Override
        public String spec() {
            return "poisson:rate=" + SpecNumbers.format(rate);
        }
    }

    /**
     * Bursty arrivals: independent Gamma-distributed gaps with mean {@code 1 / rate} and coefficient of variation
     * {@code cv} (shape {@code 1 / cv^2}). {@code cv = 1} is Poisson; above 1 requests come in bursts, below 1 more
     * evenly than Poisson.
     */
    record Bursty(double rate, double cv) implements ArrivalProcess {

        public Bursty {
            requirePositive("rate", rate);
            requirePositive("cv", cv);
        }

        @Override
        public double[] arrivals(int count, RandomGenerator random) {
            double shape = 1 / (cv * cv);
            double scale = cv * cv / rate;
            return renewal(count, () -> GammaSampler.sample(shape, random) * scale);
        }

        @Override
        public boolean timed() {
            return true;
        }

        @Override
        public String spec() {
            return "bursty:rate=" + SpecNumbers.format(rate) + ",cv=" + SpecNumbers.format(cv);
        }
    }

    /**
     * Poisson arrivals at a piecewise-constant rate: each piece's rate holds from its start to the next piece's; the
     * last rate holds until every request has arrived.
     */
    record Schedule(List<RatePiece> pieces) implements ArrivalProcess {

        public Schedule {
            pieces = List.copyOf(pieces);
            if (pieces.isEmpty() || pieces.get(0).startSeconds() != 0) {
                throw new IllegalArgumentException("a rate schedule starts with a piece at time 0, got " + pieces);
            }
            for (int i = 1; i < pieces.size(); i++) {
                if (!(pieces.get(i).startSeconds() > pieces.get(i - 1).startSeconds())) {
                    throw new IllegalArgumentException("rate schedule times must increase, got " + pieces);
                }
            }
            if (!(pieces.get(pieces.size() - 1).rate() > 0)) {
                throw new IllegalArgumentException(
                        "the last rate of a schedule must be > 0, or requests never all" + " arrive; got " + pieces);
            }
        }

        @Override
        public double[] arrivals(int count, RandomGenerator random) {
            double[] times = new double[count];
            double time = 0;
            int piece = 0;
            for (int i = 0; i < count; i++) {
                while (true) {
                    double rate = pieces.get(piece).rate();
                    double end =
                            piece + 1 < pieces.size() ? pieces.get(piece + 1).startSeconds() : Double.POSITIVE_INFINITY;
                    double gap = rate > 0 ? random.nextExponential() / rate : Double.POSITIVE_INFINITY;
                    if (time + gap < end) {
                        time += gap;
                        break;
                    }
                    // Gaps are memoryless: restarting the draw at the boundary with the next rate is exact.
                    time = end;
                    piece++;
                }
                times[i] = time;
            }
            return times;
        }

        @Override
        public boolean timed() {
            return true;
        }

        @Override
        public String spec() {
            return "schedule:"
                    + pieces.stream()
                            .map(piece ->
                                    SpecNumbers.format(piece.startSeconds()) + ":" + SpecNumbers.format(piece.rate()))
                            .collect(Collectors.joining(","));
        }
    }

    /** From {@code startSeconds} on, requests arrive at {@code rate} per second ({@code >= 0}). */
    record RatePiece(double startSeconds, double rate) {

        public RatePiece {
            if (!(startSeconds >= 0) || Double.isInfinite(startSeconds)) {
                throw new IllegalArgumentException("a rate piece starts at a finite time >= 0, got " + startSeconds);
            }
            if (!(rate >= 0) || Double.isInfinite(rate)) {
                throw new IllegalArgumentException("a rate is a finite number >= 0, got " + rate);
            }
        }
    }

    /** The arrival times of a renewal process: the running sums of {@code count} independent gaps. */
    private static double[] renewal(int count, DoubleSupplier gap) {
        double[] times = new double[count];
        double time = 0;
        for (int i = 0; i < count; i++) {
            time += gap.getAsDouble();
            times[i] = time;
        }
        return times;
    }

    private static void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a finite number > 0, got " + value);
        }
    }
}
