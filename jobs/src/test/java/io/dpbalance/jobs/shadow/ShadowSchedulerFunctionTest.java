package io.dpbalance.jobs.shadow;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.model.Request;
import io.dpbalance.engine.policy.PolicyFactory;
import io.dpbalance.engine.policy.PolicySpec;
import io.dpbalance.engine.sim.PendingArrival;
import io.dpbalance.engine.sim.ShadowRun;
import io.dpbalance.engine.sim.ShadowState;
import io.dpbalance.engine.testing.ProjectData;
import io.dpbalance.engine.trace.ReadOptions;
import io.dpbalance.engine.trace.WorkloadFormat;
import io.dpbalance.engine.trace.WorkloadReader;
import io.dpbalance.jobs.analytics.WindowAggregate;
import io.dpbalance.jobs.common.Keys;
import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The shadow function in a test harness: its output, timers, state types, state size, and snapshot → restore. */
class ShadowSchedulerFunctionTest {

    private static final long T0 = 1_767_225_600_000L;
    private static final String CLUSTER = "cluster-a";

    private static List<ShadowInput> azure;

    @BeforeAll
    static void readTrace() {
        List<Request> requests = WorkloadReader.read(
                        ProjectData.azureConversationTrace(),
                        WorkloadFormat.AZURE,
                        ReadOptions.defaults().withLimit(400).withTimeScale(0.2))
                .requests();
        azure = inputs(requests, "least-tokens");
    }

    private static List<ShadowInput> inputs(List<Request> requests, String policy) {
        List<ShadowInput> out = new ArrayList<>();
        for (Request r : requests) {
            ShadowInput in = new ShadowInput();
            in.clusterId = CLUSTER;
            in.policy = policy;
            in.requestId = "r" + r.id();
            in.arrivalMillis = T0 + (long) Math.floor(r.arrival() * 1000);
            in.promptTokens = r.promptTokens();
            in.outputTokens = r.outputTokens();
            out.add(in);
        }
        return out;
    }

    private static ShadowSettings settings(String policy) {
        return ShadowSettings.defaults()
                .withPolicies(List.of(policy))
                .withClusters(Map.of(), new ClusterSpec(4, 16, "reference", "reference"))
                .withTiming(Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(2));
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ShadowInput, StepMetrics> harness(String policy)
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ShadowSchedulerFunction(settings(policy))),
                (ShadowInput in) -> Keys.clusterPolicy(in.clusterId, in.policy),
                Types.STRING);
    }

    /** Feeds the inputs in order, the watermark at each record's time less 2 s, then the end of input. */
    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, ShadowInput, StepMetrics> h,
            List<ShadowInput> inputs,
            int from,
            int to,
            boolean end)
            throws Exception {
        for (int i = from; i < to; i++) {
            ShadowInput in = inputs.get(i);
            h.processElement(in, in.arrivalMillis);
            h.processWatermark(in.arrivalMillis - 2_000);
        }
        if (end) {
            h.processWatermark(Long.MAX_VALUE);
        }
    }

    @Test
    void runsStepsOnlyAsTheWatermarkLessTheLagAllowsAndLeavesNothingBehind() throws Exception {
        try (var h = harness("least-tokens")) {
            h.open();
            ShadowInput first = azure.get(0);
            h.processElement(first, first.arrivalMillis);
            h.processWatermark(first.arrivalMillis + 4_999);
            assertThat(h.extractOutputValues()).as("lag 5 s: not yet").isEmpty();
            h.processWatermark(first.arrivalMillis + 5_000);
            assertThat(h.extractOutputValues())
                    .as("the stream is complete up to the first arrival")
                    .isNotEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(1);

            feed(h, azure, 1, azure.size(), true);
            List<StepMetrics> steps = h.extractOutputValues();
            assertThat(steps).hasSizeGreaterThan(1000);
            assertThat(steps)
                    .extracting(StepMetrics::getStep)
                    .containsExactlyElementsOf(() -> java.util.stream.LongStream.rangeClosed(1, steps.size())
                            .iterator());
            assertThat(h.getSideOutput(ShadowSchedulerFunction.ASSIGNMENTS)).hasSize(azure.size());
            List<WindowMetrics> windows = h.getSideOutput(ShadowSchedulerFunction.WINDOWS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(windows.stream().mapToLong(WindowMetrics::getSteps).sum())
                    .isEqualTo(steps.size());
            assertThat(windows)
                    .extracting(w -> w.getWindowStart().toEpochMilli())
                    .isSorted()
                    .doesNotHaveDuplicates();

            // Finished: no pending request, no open window, no timer; only the run's (empty) state is left.
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Test
    void snapshotAndRestoreContinueExactlyLikeAnUnbrokenRun() throws Exception {
        String policy = "bfio:h=20,lookahead=hazard";
        List<ShadowInput> inputs = inputs(
                WorkloadReader.read(
                                ProjectData.azureConversationTrace(),
                                WorkloadFormat.AZURE,
                                ReadOptions.defaults().withLimit(400).withTimeScale(0.2))
                        .requests(),
                policy);
        List<StepMetrics> unbroken;
        List<Assignment> unbrokenAssignments;
        try (var h = harness(policy)) {
            h.open();
            feed(h, inputs, 0, inputs.size(), true);
            unbroken = h.extractOutputValues();
            unbrokenAssignments = h.getSideOutput(ShadowSchedulerFunction.ASSIGNMENTS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
        }
        List<StepMetrics> restored = new ArrayList<>();
        List<Assignment> restoredAssignments = new ArrayList<>();
        OperatorSubtaskState snapshot;
        int half = inputs.size() / 2;
        try (var h = harness(policy)) {
            h.open();
            feed(h, inputs, 0, half, false);
            snapshot = h.snapshot(1, 1);
            restored.addAll(h.extractOutputValues());
            h.getSideOutput(ShadowSchedulerFunction.ASSIGNMENTS).forEach(r -> restoredAssignments.add(r.getValue()));
        }
        try (var h = harness(policy)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, inputs, half, inputs.size(), true);
            restored.addAll(h.extractOutputValues());
            h.getSideOutput(ShadowSchedulerFunction.ASSIGNMENTS).forEach(r -> restoredAssignments.add(r.getValue()));
        }
        assertThat(unbroken).hasSizeGreaterThan(1000);
        assertThat(restored).isEqualTo(unbroken);
        assertThat(restoredAssignments).isEqualTo(unbrokenAssignments);
    }

    /**
     * A snapshot taken before the watermark ever let the shadow run (a job stopped with a savepoint while its sources
     * were still idle-waiting) keeps the requests heard so far: the restored run emits what an unbroken one does.
     */
    @Test
    void snapshotBeforeTheFirstAdvanceKeepsTheRequestsHeard() throws Exception {
        List<StepMetrics> unbroken;
        try (var h = harness("least-tokens")) {
            h.open();
            feed(h, azure, 0, azure.size(), true);
            unbroken = h.extractOutputValues();
        }
        int heard = 50;
        OperatorSubtaskState snapshot;
        try (var h = harness("least-tokens")) {
            h.open();
            for (ShadowInput in : azure.subList(0, heard)) {
                h.processElement(in, in.arrivalMillis);
            }
            assertThat(h.extractOutputValues())
                    .as("no watermark yet: nothing run")
                    .isEmpty();
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness("least-tokens")) {
            h.initializeState(snapshot);
            h.open();
            feed(h, azure, heard, azure.size(), true);
            assertThat(h.getSideOutput(ShadowSchedulerFunction.ASSIGNMENTS)).hasSize(azure.size());
            assertThat(h.extractOutputValues()).isEqualTo(unbroken);
        }
    }

    /** The keyed state's types are Flink POJOs all the way down: with generic types disabled they still serialize. */
    @Test
    void stateTypesAreSerializedWithoutKryo() throws Exception {
        SerializerConfigImpl noKryo = new SerializerConfigImpl();
        noKryo.setGenericTypes(false);
        List<StateDescriptor<?, ?>> descriptors = List.of(
                ShadowSchedulerFunction.runStateDescriptor(),
                ShadowSchedulerFunction.pendingDescriptor(),
                ShadowSchedulerFunction.windowsDescriptor());
        for (TypeInformation<?> type : List.of(
                TypeInformation.of(ShadowState.class),
                TypeInformation.of(PendingArrival.class),
                TypeInformation.of(WindowAggregate.class))) {
            assertThat(type).as(type.toString()).isInstanceOf(PojoTypeInfo.class);
            type.createSerializer(noKryo);
        }
        org.apache.flink.api.common.ExecutionConfig execution = new org.apache.flink.api.common.ExecutionConfig();
        ((SerializerConfigImpl) execution.getSerializerConfig()).setGenericTypes(false);
        descriptors.forEach(d -> d.initializeSerializerUnlessSet(execution));

        // A real mid-run state survives its serializer.
        PolicyFactory.Instance p = PolicyFactory.create(PolicySpec.parse("bfio:h=20,lookahead=hazard"), "oracle", 1);
        ShadowRun run = new ShadowRun(
                settings("vllm").cluster(CLUSTER).config(),
                p.policy(),
                p.lookahead(),
                60_000,
                new ShadowRun.Listener() {});
        for (ShadowInput in : azure.subList(0, 200)) {
            run.offer(in.requestId, in.arrivalMillis, in.promptTokens, in.outputTokens);
        }
        run.advance(azure.get(150).arrivalMillis);
        ShadowState state = run.snapshot();
        assertThat(state.cluster.inFlight()).isPositive();
        assertThat(state.queuedId).isNotEmpty();
        @SuppressWarnings("unchecked")
        TypeSerializer<ShadowState> serializer = (TypeSerializer<ShadowState>)
                TypeInformation.of(ShadowState.class).createSerializer(noKryo);
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        serializer.serialize(state, out);
        ShadowState copy = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(copy).usingRecursiveComparison().isEqualTo(state);
    }

    /**
     * A long replay (the whole Azure trace, about 19,000 requests, at twice its rate) keeps the keyed state flat:
     * finished requests leave it, closed windows leave it. Snapshots taken at each quarter weigh about the same.
     */
    @Test
    void keyedStateStaysFlatOverALongReplay() throws Exception {
        List<Request> all = WorkloadReader.read(
                        ProjectData.azureConversationTrace(),
                        WorkloadFormat.AZURE,
                        ReadOptions.defaults().withTimeScale(0.5))
                .requests();
        List<ShadowInput> inputs = inputs(all, "least-tokens");
        assertThat(inputs).hasSizeGreaterThan(15_000);
        List<Long> sizes = new ArrayList<>();
        try (var h = harness("least-tokens")) {
            h.open();
            int quarter = inputs.size() / 4;
            for (int q = 0; q < 4; q++) {
                feed(h, inputs, q * quarter, (q + 1) * quarter, false);
                h.getOutput().clear();
                sizes.add(h.snapshot(q, q).getManagedKeyedState().getStateSize());
            }
        }
        System.out.println("keyed state size at each quarter of " + inputs.size() + " requests: " + sizes + " bytes");
        long first = sizes.get(0);
        assertThat(first).isPositive();
        // In flight at any time: a few dozen requests; the whole trace would be hundreds of KB.
        sizes.forEach(s -> assertThat(s)
                .as("state size %s vs %s at the first quarter", s, first)
                .isLessThan(first * 3)
                .isLessThan(64 * 1024));
    }

    private static ShadowInput request(String id, long arrival, int prompt, int output) {
        ShadowInput in = new ShadowInput();
        in.clusterId = CLUSTER;
        in.policy = "fcfs";
        in.requestId = id;
        in.arrivalMillis = arrival;
        in.promptTokens = prompt;
        in.outputTokens = output;
        return in;
    }

    /**
     * A request whose output length never comes holds the shadow until max-hold past its arrival (beyond the lag), then
     * is left out and counted in the window's late_records; the shadow goes on. A completion that comes in time lets
     * the held request in. A record ordered before what the shadow let in is counted late.
     */
    @Test
    void heldRequestsAreLetInWhenTheirLengthComesAbandonedAfterMaxHoldAndNeverSilentlyDropped() throws Exception {
        try (var h = harness("fcfs")) {
            h.open();
            h.processElement(request("held", T0, 100, PendingArrival.UNKNOWN_OUTPUT), T0);
            h.processElement(request("lost", T0 + 100, 100, PendingArrival.UNKNOWN_OUTPUT), T0 + 100);
            h.processElement(request("known", T0 + 200, 100, 3), T0 + 200);
            // lag 5 s: the stream is complete past every arrival, but "held" has no length: nothing is decided.
            h.processWatermark(T0 + 5_500);
            assertThat(h.extractOutputValues()).isEmpty();
            // Its completion comes: it is let in and runs; "lost" now holds the shadow.
            h.processElement(request("held", T0, 100, 2), T0 + 6_000);
            h.processWatermark(T0 + 6_000);
            assertThat(h.extractOutputValues()).extracting(StepMetrics::getStep).containsExactly(1L, 2L);
            // max-hold 10 min past the arrival of "lost": it is left out and "known" runs.
            h.processWatermark(T0 + 100 + 5_000 + 600_000);
            assertThat(h.extractOutputValues()).extracting(StepMetrics::getStep).containsExactly(1L, 2L);
            h.processWatermark(T0 + 100 + 5_000 + 600_001);
            assertThat(h.extractOutputValues()).hasSize(2 + 3);
            // Ordered before "known", which the shadow let in: late.
            h.processElement(request("straggler", T0 + 150, 100, 4), T0 + 150);
            h.processWatermark(Long.MAX_VALUE);

            assertThat(h.getSideOutput(ShadowSchedulerFunction.ASSIGNMENTS))
                    .extracting(r -> r.getValue().getRequestId())
                    .containsExactly("held", "known");
            List<WindowMetrics> windows = h.getSideOutput(ShadowSchedulerFunction.WINDOWS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(windows.stream().mapToLong(WindowMetrics::getLateRecords).sum())
                    .as("lost + straggler")
                    .isEqualTo(2);
            assertThat(windows.stream().mapToLong(WindowMetrics::getSteps).sum())
                    .isEqualTo(5);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        }
    }
}
