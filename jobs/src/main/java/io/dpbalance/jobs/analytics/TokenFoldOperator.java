package io.dpbalance.jobs.analytics;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Folds the tokens that pass the request check into per-(cluster, rank, step) {@link RankLoad} shares (running =
 * tokens, load = context tokens of the requests that stay), chained to {@link RequestStepOrderFunction} in its task, so
 * that one record per rank and step leaves the task instead of one per token.
 *
 * <p>The check releases tokens only when a watermark passes their time; this fold emits what it holds before it
 * forwards that watermark, so its shares reach the step windows ahead of the watermark that can close them, exactly
 * where the tokens would have been. A step window adds up the shares of one rank (the parallel checks make one share
 * each, and a token released by a later watermark makes another): the sums are those of the tokens. It also emits
 * before a checkpoint barrier (it keeps no state), at the end of the input, and when it holds {@link #MAX_SHARES}
 * (bounded memory in batch mode, where no watermark comes until the end).
 */
final class TokenFoldOperator extends AbstractStreamOperator<RankLoad>
    implements OneInputStreamOperator<RequestToken, RankLoad> {

  static final int MAX_SHARES = 10_000;

  private transient Map<ShareKey, RankLoad> shares;
  private transient StreamRecord<RankLoad> reuse;

  private record ShareKey(String clusterId, int rank, long step) {}

  @Override
  public void open() throws Exception {
    super.open();
    shares = new HashMap<>();
    reuse = new StreamRecord<>(null);
  }

  @Override
  public void processElement(StreamRecord<RequestToken> element) {
    RequestToken token = element.getValue();
    ShareKey key = new ShareKey(token.clusterId(), token.rank(), token.step());
    RankLoad share = shares.get(key);
    if (share == null) {
      shares.put(key, RankLoad.of(token));
      if (shares.size() >= MAX_SHARES) {
        emitShares();
      }
    } else {
      share.add(token);
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    emitShares();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    emitShares();
    super.prepareSnapshotPreBarrier(checkpointId);
  }

  @Override
  public void finish() throws Exception {
    emitShares();
    super.finish();
  }

  /** Each share goes out timestamped with its earliest token's time. */
  private void emitShares() {
    for (RankLoad share : shares.values()) {
      output.collect(reuse.replace(share, share.time));
    }
    shares.clear();
  }
}
