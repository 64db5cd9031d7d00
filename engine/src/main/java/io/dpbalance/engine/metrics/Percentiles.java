package io.dpbalance.engine.metrics;

import java.util.Arrays;

/** Percentiles by linear interpolation between closest ranks (numpy's default), over a copy of the data. */
public final class Percentiles {

    private Percentiles() {}

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

    /**
     * {@link #ofSorted} of the sequence in which {@code sorted[i]} repeats {@code w_i} times, without making it:
     * {@code cumulative[i]} is {@code w_0 + ... + w_i} (every weight at least 1).
     */
    public static double ofWeightedSorted(double[] sorted, long[] cumulative, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        long total = cumulative[cumulative.length - 1];
        double pos = (q / 100.0) * (total - 1);
        long lo = (long) Math.floor(pos);
        long hi = Math.min(total - 1, lo + 1);
        double frac = pos - lo;
        double low = valueAt(sorted, cumulative, lo);
        return low + (valueAt(sorted, cumulative, hi) - low) * frac;
    }

    /** The {@code index}-th (0-based) entry of the expanded sequence. */
    private static double valueAt(double[] sorted, long[] cumulative, long index) {
        int at = Arrays.binarySearch(cumulative, index + 1);
        if (at < 0) {
            at = -at - 1;
        } else {
            // the first entry whose cumulative count reaches index + 1
            while (at > 0 && cumulative[at - 1] == index + 1) {
                at--;
            }
        }
        return sorted[at];
    }

    public static double[] sortedCopy(double[] values, int count) {
        double[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        return sorted;
    }
}
