package io.dpbalance.engine.metrics;

import java.util.Arrays;

/** Percentiles by linear interpolation between closest ranks (numpy's default), over a copy of the data. */
public final class Percentiles {

    private Percentiles() {
    }

    /** {@code q} in [0, 100]; NaN for no data. */
    public static double of(double[] values, int count, double q) {
        if (count == 0) {
            return Double.NaN;
        }
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return ofSorted(sorted, q);
    }

    public static double ofSorted(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        double pos = (q / 100.0) * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    public static double[] sortedCopy(double[] values, int count) {
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return sorted;
    }
}
