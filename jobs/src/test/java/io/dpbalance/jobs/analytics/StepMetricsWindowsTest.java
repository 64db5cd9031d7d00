package io.dpbalance.jobs.analytics;

import static io.dpbalance.jobs.analytics.LogFixtures.T0;
import static io.dpbalance.jobs.analytics.LogFixtures.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dpbalance.jobs.common.Keys;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

/**
 * The window rules of the step metrics operator, which rolls its steps up into tumbling windows (formerly
 * WindowMetricsFunctionTest, when a separate operator did): a window closes when the watermark passes its end plus the
 * step spread; late records count in the earliest open window and a closed window never changes; a restored window
 * keeps its steps; a window is never split; windows of the previous state layout are carried over.
 */
class StepMetricsWindowsTest {

    private static final long DELAY = LogFixtures.SPREAD.toMillis();
    private static final long SIZE = 10_000;
    private static final long CLOSE = T0 + SIZE - 1 + DELAY;
    private static final AnalyticsSettings SETTINGS = LogFixtures.settings().withWindow(Duration.ofMillis(SIZE));

    private static KeyedTwoInputStreamOperatorTestHarness<String, StepLoads, StepOutcome, StepOutcome> harness()
            throws Exception {
        return StepMetricsFunctionTest.unopened(SETTINGS);
    }

    /** Step {@code step} of cluster a starting at {@code start}, its two ranks with loads 10 and 4. */
    private static void step(
            KeyedTwoInputStreamOperatorTestHarness<String, StepLoads, StepOutcome, StepOutcome> h,
            long step,
            long start)
            throws Exception {
        StepLoads loads = StepLoads.of(
                "a", step, start, new RankLoad[] {load("a", 0, step, start, 2, 10), load("a", 1, step, start, 1, 4)});
        h.processElement1(loads, start + DELAY);
    }

    private static List<WindowMetrics> windows(
            KeyedTwoInputStreamOperatorTestHarness<String, StepLoads, StepOutcome, StepOutcome> h) {
        var windows = h.getSideOutput(StepMetricsFunction.WINDOWS);
        return windows == null
                ? List.of()
                : windows.stream().map(StreamRecord::getValue).toList();
    }

    private static long openWindows(
            KeyedTwoInputStreamOperatorTestHarness<String, StepLoads, StepOutcome, StepOutcome> h) throws Exception {
        try (var keys = h.getOperator().<String>getKeyedStateBackend().getKeys("windows", VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /** The window the step outcomes {@code h} emitted roll up into: what its window metrics must be. */
    private static WindowMetrics rollUp(List<StepOutcome> steps, long start, long late) {
        WindowAggregate window = new WindowAggregate("a", "observed");
        steps.forEach(s -> window.add(s.metrics, s.missingRankSteps));
        window.addLate(late);
        return window.toRecord(start, start + SIZE);
    }

    @Test
    void rollsStepsUpIntoATumblingWindowThatClosesAfterItsEndPlusTheDelay() throws Exception {
        try (var h = harness()) {
            h.open();
            step(h, 1, T0);
            step(h, 2, T0 + 20);
            step(h, 3, T0 + SIZE);
            h.processBothWatermarks(new Watermark(CLOSE - 1));
            assertThat(h.extractOutputValues()).hasSize(2);
            assertThat(windows(h)).isEmpty();

            h.processBothWatermarks(new Watermark(CLOSE));

            assertThat(windows(h)).singleElement().satisfies(w -> {
                assertThat(w.getWindowStart()).isEqualTo(Instant.ofEpochMilli(T0));
                assertThat(w.getWindowEnd()).isEqualTo(Instant.ofEpochMilli(T0 + SIZE));
                assertThat(w.getSteps()).isEqualTo(2);
                assertThat(w).isEqualTo(rollUp(h.extractOutputValues(), T0, 0));
            });
            assertThat(openWindows(h))
                    .as("step 3 is not due yet: no window holds anything")
                    .isZero();
            h.processBothWatermarks(new Watermark(CLOSE + 1));
            assertThat(openWindows(h))
                    .as("step 3 is handled: its window is open")
                    .isEqualTo(1);
        }
    }

    @Test
    void countsLateRecordsInTheEarliestOpenWindowAndNeverChangesAClosedOne() throws Exception {
        try (var h = harness()) {
            h.open();
            step(h, 1, T0);
            h.processBothWatermarks(new Watermark(CLOSE));
            h.processElement2(StepOutcome.late("a", "observed", T0 + 5, 3), CLOSE);
            h.processBothWatermarks(new Watermark(CLOSE + SIZE));

            assertThat(windows(h))
                    .extracting(WindowMetrics::getWindowStart, WindowMetrics::getLateRecords, WindowMetrics::getSteps)
                    .containsExactly(
                            tuple(Instant.ofEpochMilli(T0), 0L, 1L), tuple(Instant.ofEpochMilli(T0 + SIZE), 3L, 0L));
            assertThat(openWindows(h)).isZero();
        }
    }

    @Test
    void restoredWindowKeepsTheStepsOfBeforeTheSnapshot() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            step(h, 1, T0);
            h.processBothWatermarks(new Watermark(T0 + DELAY));
            assertThat(h.extractOutputValues()).hasSize(1);
            snapshot = h.snapshot(1L, T0 + DELAY);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            step(restored, 2, T0 + 20);
            restored.processBothWatermarks(new Watermark(CLOSE));

            assertThat(windows(restored))
                    .singleElement()
                    .satisfies(w -> assertThat(w.getSteps()).isEqualTo(2));
        }
    }

    /**
     * The crash-test split: the steps input is idle while the late-records input carries the watermark past the
     * window's close, and a step of the window is still buffered (its close is the window's close). When a separate
     * operator rolled windows up, its watermark passed the close without the step, which then landed in the next
     * window. Here the same timers handle the step first and close the window after: one record, with the step.
     */
    @Test
    void aWindowIsNotSplitWhenTheLateInputCarriesTheWatermarkPastAStepStillBuffered() throws Exception {
        try (var h = harness()) {
            h.open();
            step(h, 1, T0);
            step(h, 2, T0 + SIZE - 1); // closes with the window: CLOSE
            step(h, 3, T0 + SIZE); // the next window's
            h.processWatermark1(new Watermark(T0 + DELAY));
            h.processWatermarkStatus1(WatermarkStatus.IDLE);
            h.processElement2(StepOutcome.late("a", "observed", T0 + 5, 1), T0 + DELAY);
            h.processWatermark2(new Watermark(CLOSE + 2 * SIZE));

            assertThat(h.extractOutputValues())
                    .extracting(o -> o.metrics.getStep())
                    .containsExactly(1L, 2L, 3L);
            List<StepOutcome> steps = h.extractOutputValues();
            assertThat(windows(h))
                    .containsExactly(rollUp(steps.subList(0, 2), T0, 1), rollUp(steps.subList(2, 3), T0 + SIZE, 0));
        }
    }

    /** Writes a window in the previous layout's state: the window operator's "windows" and a timer at its close. */
    private static final class PreviousLayoutWindow extends KeyedProcessFunction<String, StepOutcome, Void> {
        private transient MapState<Long, WindowAggregate> windows;

        @Override
        public void open(OpenContext openContext) {
            windows = getRuntimeContext().getMapState(CarriedWindowsOperator.windowsDescriptor());
        }

        @Override
        public void processElement(StepOutcome step, Context ctx, Collector<Void> out) throws Exception {
            WindowAggregate window = new WindowAggregate(step.clusterId, step.policy);
            window.add(step.metrics, step.missingRankSteps);
            window.addLate(2);
            windows.put(T0, window);
            ctx.timerService().registerEventTimeTimer(CLOSE);
        }
    }

    /**
     * A savepoint of the previous layout holds an open window under uid window-metrics: the operator kept there hands
     * it on before its first watermark, and the step metrics operator closes it with the steps that follow, as if the
     * window had been rolled up there from the start.
     */
    @Test
    void carriesAWindowOfThePreviousLayoutIntoTheStepMetricsWindow() throws Exception {
        List<StepOutcome> steps;
        try (var h = harness()) {
            h.open();
            step(h, 1, T0);
            step(h, 2, T0 + 20);
            h.processBothWatermarks(new Watermark(CLOSE));
            steps = h.extractOutputValues();
        }
        OperatorSubtaskState previous;
        try (var old = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PreviousLayoutWindow()),
                (StepOutcome o) -> Keys.clusterPolicy(o.clusterId, o.policy),
                Types.STRING)) {
            old.open();
            old.processElement(steps.get(0), T0 + DELAY);
            previous = old.snapshot(1L, T0 + DELAY);
        }
        List<StepOutcome> carried;
        try (var legacy = new KeyedOneInputStreamOperatorTestHarness<>(
                new CarriedWindowsOperator(),
                (StepOutcome o) -> Keys.clusterPolicy(o.clusterId, o.policy),
                Types.STRING)) {
            legacy.initializeState(previous);
            legacy.open();
            legacy.processWatermark(new Watermark(CLOSE));

            assertThat(legacy.getOutput())
                    .as("the carried window, then the watermark")
                    .hasSize(2)
                    .last()
                    .isEqualTo(new Watermark(CLOSE));
            carried = legacy.extractOutputValues();
            assertThat(carried)
                    .singleElement()
                    .satisfies(o -> assertThat(o.carried).isNotNull());
            assertThat(legacy.numKeyedStateEntries())
                    .as("handed on and forgotten")
                    .isZero();
            assertThat(legacy.numEventTimeTimers())
                    .as("the old timer fired into nothing")
                    .isZero();
        }
        try (var h = harness()) {
            h.open();
            h.processElement2(carried.get(0), CLOSE);
            step(h, 2, T0 + 20);
            h.processBothWatermarks(new Watermark(CLOSE));

            assertThat(windows(h)).containsExactly(rollUp(steps, T0, 2));
        }
    }

    /** Started afresh, the operator kept under the previous layout's uid only forwards the late counts. */
    @Test
    void freshCarriedWindowsOperatorOnlyForwards() throws Exception {
        try (var legacy = new KeyedOneInputStreamOperatorTestHarness<>(
                new CarriedWindowsOperator(),
                (StepOutcome o) -> Keys.clusterPolicy(o.clusterId, o.policy),
                Types.STRING)) {
            legacy.open();
            StepOutcome late = StepOutcome.late("a", "observed", T0, 1);
            legacy.processElement(late, T0);
            legacy.processWatermark(new Watermark(CLOSE));

            assertThat(legacy.extractOutputValues())
                    .extracting(o -> o.time, o -> o.lateRecords, o -> o.carried)
                    .containsExactly(tuple(T0, 1L, null));
            assertThat(legacy.numKeyedStateEntries()).isZero();
        }
    }
}
