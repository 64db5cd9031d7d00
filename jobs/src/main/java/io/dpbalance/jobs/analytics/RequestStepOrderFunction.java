package io.dpbalance.jobs.analytics;

import io.dpbalance.jobs.io.InputRecord;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.TokenEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by (cluster, request): rejects a token whose step does not follow the request's previous token in event time
 * ({@code STEP_BACKWARDS}, {@code STEP_REPEATED}) and passes the others on, in event-time order.
 *
 * <p>The check is made in event-time order, not arrival order, so that tokens that arrive out of order within the
 * bound are not mistaken for a step going backwards: tokens wait in state until the watermark passes their time, then
 * go through in (time, step) order. A token that arrives after its step window has closed (the watermark passed its
 * time plus the max step spread) is counted on {@link #LATE} instead.
 */
final class RequestStepOrderFunction extends KeyedProcessFunction<String, InputRecord<TokenEvent>, TokenEvent> {

  static final String STEP_BACKWARDS = "STEP_BACKWARDS";
  static final String STEP_REPEATED = "STEP_REPEATED";
  static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("request-dead-letters") {};
  static final OutputTag<StepOutcome> LATE = new OutputTag<>("late-tokens") {};

  private final long maxStepSpreadMillis;
  private final long idleTimeoutMillis;

  private transient MapState<Long, List<InputRecord<TokenEvent>>> waiting;
  private transient ValueState<Long> lastStep;
  private transient ValueState<Long> lastTime;
  private transient Counter lateRecords;

  RequestStepOrderFunction(AnalyticsSettings settings) {
    this.maxStepSpreadMillis = settings.maxStepSpread().toMillis();
    this.idleTimeoutMillis = settings.requestIdleTimeout().toMillis();
  }

  @Override
  public void open(OpenContext openContext) {
    waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>(
        "waiting-tokens", Types.LONG, Types.LIST(InputRecord.typeInfo(TokenEvent.class))));
    lastStep = getRuntimeContext().getState(new ValueStateDescriptor<>("last-step", Types.LONG));
    lastTime = getRuntimeContext().getState(new ValueStateDescriptor<>("last-token-time", Types.LONG));
    lateRecords = getRuntimeContext().getMetricGroup().counter("lateRecords");
  }

  @Override
  public void processElement(InputRecord<TokenEvent> record, Context ctx, Collector<TokenEvent> out)
      throws Exception {
    long time = record.value.getEventTime().toEpochMilli();
    if (ctx.timerService().currentWatermark() >= time + maxStepSpreadMillis) {
      lateRecords.inc();
      ctx.output(LATE, StepOutcome.late(record.value.getClusterId(), AnalyticsSettings.OBSERVED, time, 1));
      return;
    }
    List<InputRecord<TokenEvent>> atTime = waiting.get(time);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
      ctx.timerService().registerEventTimeTimer(time);
    }
    atTime.add(record);
    waiting.put(time, atTime);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<TokenEvent> out) throws Exception {
    List<InputRecord<TokenEvent>> due = waiting.get(timestamp);
    if (due != null) {
      // The tokens of this time leave the wait: without this the map would keep every token of the request.
      waiting.remove(timestamp);
      due.sort(Comparator.comparingLong(record -> record.value.getStep()));
      for (InputRecord<TokenEvent> record : due) {
        pass(record, timestamp, ctx, out);
      }
    }
    Long last = lastTime.value();
    if (last != null && timestamp >= last + idleTimeoutMillis) {
      // The request went quiet without a final token (a truncated log): forget it, or its state stays forever.
      lastStep.clear();
      lastTime.clear();
    }
  }

  private void pass(InputRecord<TokenEvent> record, long time, OnTimerContext ctx, Collector<TokenEvent> out)
      throws Exception {
    TokenEvent token = record.value;
    Long previous = lastStep.value();
    if (previous != null && token.getStep() <= previous) {
      String code = token.getStep() < previous ? STEP_BACKWARDS : STEP_REPEATED;
      ctx.output(DEAD_LETTERS, DeadLetters.of(record, code + ": request '" + token.getRequestId() + "' at step "
          + token.getStep() + " after step " + previous, System.currentTimeMillis()));
      return;
    }
    out.collect(token);
    if (token.getFinal$()) {
      // The request has left its rank: nothing of it needs remembering.
      lastStep.clear();
      lastTime.clear();
      return;
    }
    lastStep.update(token.getStep());
    lastTime.update(time);
    ctx.timerService().registerEventTimeTimer(idleCheckTime(time));
  }

  /** Rounded up to the second, so that a request's idle checks share timers instead of adding one per token. */
  private long idleCheckTime(long time) {
    long due = time + idleTimeoutMillis;
    return due + Math.floorMod(-due, 1000L);
  }
}
