package io.dpbalance.jobs.analytics;

import io.dpbalance.schemas.TokenEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by (cluster, rank, step): folds the token events of one rank in one step into its {@link RankLoad} (running =
 * tokens, load = context tokens of the requests that stay), and emits it when the watermark passes the earliest token
 * time. A token of the same rank and step that comes later still (out of order within the bound) starts a new share,
 * which the step window adds to the first.
 */
final class RankStepFoldFunction extends KeyedProcessFunction<String, TokenEvent, RankLoad> {

  private transient ValueState<RankLoad> fold;

  @Override
  public void open(OpenContext openContext) {
    fold = getRuntimeContext().getState(new ValueStateDescriptor<>("rank-step-fold", RankLoad.class));
  }

  @Override
  public void processElement(TokenEvent token, Context ctx, Collector<RankLoad> out) throws Exception {
    RankLoad load = fold.value();
    long time = token.getEventTime().toEpochMilli();
    if (load == null) {
      load = RankLoad.of(token);
      ctx.timerService().registerEventTimeTimer(time);
    } else {
      if (time < load.time) {
        ctx.timerService().deleteEventTimeTimer(load.time);
        ctx.timerService().registerEventTimeTimer(time);
      }
      load.add(token);
    }
    fold.update(load);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<RankLoad> out) throws Exception {
    out.collect(fold.value());
    // The share is on its way to the step window: keeping it would hold one fold per rank and step forever.
    fold.clear();
  }
}
