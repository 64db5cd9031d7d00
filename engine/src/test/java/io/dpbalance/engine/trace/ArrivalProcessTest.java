package io.dpbalance.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ArrivalProcessTest {

    private static final int COUNT = 100_000;

    private static double[] gaps(double[] times) {
        double[] gaps = new double[times.length];
        double previous = 0;
        for (int i = 0; i < times.length; i++) {
            gaps[i] = times[i] - previous;
            previous = times[i];
        }
        return gaps;
    }

    private static double coefficientOfVariation(double[] values) {
        double mean = Arrays.stream(values).average().orElseThrow();
        double variance = Arrays.stream(values)
                        .map(value -> (value - mean) * (value - mean))
                        .sum()
                / values.length;
        return Math.sqrt(variance) / mean;
    }

    private static long countIn(double[] times, double from, double to) {
        return Arrays.stream(times).filter(time -> time >= from && time < to).count();
    }

    @Test
    void poissonArrivesAtTheGivenRateWithExponentialGaps() {
        double[] times = new ArrivalProcess.Poisson(20).arrivals(COUNT, new SplittableRandom(1));

        assertThat(COUNT / times[COUNT - 1]).isCloseTo(20, withinPercentage(1));
        assertThat(coefficientOfVariation(gaps(times))).isCloseTo(1, withinPercentage(2));
        assertThat(times).isSorted();
        assertThat(times[0]).isPositive();
    }

    @Test
    void burstyKeepsTheRateAndHasTheGivenVariation() {
        double[] bursty = new ArrivalProcess.Bursty(20, 3).arrivals(COUNT, new SplittableRandom(2));
        double[] regular = new ArrivalProcess.Bursty(20, 0.5).arrivals(COUNT, new SplittableRandom(3));

        assertThat(COUNT / bursty[COUNT - 1]).isCloseTo(20, withinPercentage(4));
        assertThat(coefficientOfVariation(gaps(bursty))).isCloseTo(3, withinPercentage(5));
        assertThat(COUNT / regular[COUNT - 1]).isCloseTo(20, withinPercentage(1));
        assertThat(coefficientOfVariation(gaps(regular))).isCloseTo(0.5, withinPercentage(2));
    }

    @Test
    void scheduleFollowsEachPieceAndKeepsTheLastRate() {
        ArrivalProcess schedule = new ArrivalProcess.Schedule(List.of(
                new ArrivalProcess.RatePiece(0, 10),
                new ArrivalProcess.RatePiece(60, 50),
                new ArrivalProcess.RatePiece(120, 10)));

        double[] times = schedule.arrivals(10_000, new SplittableRandom(4));

        assertThat(times).isSorted();
        assertThat((double) countIn(times, 0, 60)).isCloseTo(600, withinPercentage(10));
        assertThat((double) countIn(times, 60, 120)).isCloseTo(3000, withinPercentage(6));
        double lastPieceRate = countIn(times, 120, Double.MAX_VALUE) / (times[times.length - 1] - 120);
        assertThat(lastPieceRate).isCloseTo(10, withinPercentage(4));
    }

    @Test
    void scheduleLeavesAZeroRatePieceEmpty() {
        ArrivalProcess schedule = new ArrivalProcess.Schedule(List.of(
                new ArrivalProcess.RatePiece(0, 10),
                new ArrivalProcess.RatePiece(10, 0),
                new ArrivalProcess.RatePiece(20, 10)));

        double[] times = schedule.arrivals(500, new SplittableRandom(5));

        assertThat(countIn(times, 10, 20)).isZero();
        assertThat(countIn(times, 0, 10)).isPositive();
    }

    @Test
    void noneArrivesAllAtZero() {
        ArrivalProcess none = new ArrivalProcess.None();

        assertThat(none.arrivals(5, new SplittableRandom(6))).containsOnly(0.0);
        assertThat(none.timed()).isFalse();
    }

    @Test
    void refusesSchedulesThatDoNotStartAtZeroIncreaseOrEnd() {
        assertThatThrownBy(() -> new ArrivalProcess.Schedule(List.of(new ArrivalProcess.RatePiece(5, 10))))
                .hasMessageStartingWith("a rate schedule starts with a piece at time 0");
        assertThatThrownBy(() -> new ArrivalProcess.Schedule(
                        List.of(new ArrivalProcess.RatePiece(0, 10), new ArrivalProcess.RatePiece(0, 5))))
                .hasMessageStartingWith("rate schedule times must increase");
        assertThatThrownBy(() -> new ArrivalProcess.Schedule(
                        List.of(new ArrivalProcess.RatePiece(0, 10), new ArrivalProcess.RatePiece(60, 0))))
                .hasMessageStartingWith("the last rate of a schedule must be > 0");
        assertThatThrownBy(() -> new ArrivalProcess.Poisson(0)).hasMessage("rate must be a finite number > 0, got 0.0");
    }
}
