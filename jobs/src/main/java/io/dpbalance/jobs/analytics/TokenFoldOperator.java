package io.dpbalance.jobs.analytics;

import java.util.Arrays;
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

    private transient Map<ShareKey, Share> shares;
    private transient StreamRecord<RankLoad> reuse;

    private record ShareKey(String clusterId, int rank, long step) {}

    /** One rank's tokens of one step so far, in primitives until it goes out as a {@link RankLoad}. */
    private static final class Share {
        private final ShareKey key;
        private long time = Long.MAX_VALUE;
        private int running;
        private long kvTokens;
        private long enteringTokens;
        private String topic;
        private int[] partitions = new int[4];
        private long[] offsets = new long[4];

        Share(ShareKey key) {
            this.key = key;
        }

        void add(RequestToken token) {
            time = Math.min(time, token.time());
            if (running == offsets.length) {
                partitions = Arrays.copyOf(partitions, running * 2);
                offsets = Arrays.copyOf(offsets, running * 2);
            }
            // Where the token was read, for its dead letter should the share come after its step window closed.
            topic = token.topic();
            partitions[running] = token.partition();
            offsets[running] = token.offset();
            running++;
            // Before this token the request held its context less the token just generated.
            enteringTokens += token.contextTokens() - 1;
            // A request's last token leaves the rank at the end of the step: its KV cache is not resident afterwards.
            if (!token.last()) {
                kvTokens += token.contextTokens();
            }
        }

        RankLoad load() {
            RankLoad load = new RankLoad();
            load.clusterId = key.clusterId();
            load.rank = key.rank();
            load.step = key.step();
            load.time = time;
            load.running = running;
            load.kvTokens = kvTokens;
            load.records = running;
            load.enteringTokens = enteringTokens;
            load.sourceTopic = topic;
            load.tokenPartitions = Arrays.copyOf(partitions, running);
            load.tokenOffsets = Arrays.copyOf(offsets, running);
            return load;
        }
    }

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
        Share share = shares.get(key);
        if (share == null) {
            share = new Share(key);
            shares.put(key, share);
        }
        share.add(token);
        if (shares.size() >= MAX_SHARES) {
            emitShares();
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
        for (Share share : shares.values()) {
            RankLoad load = share.load();
            output.collect(reuse.replace(load, load.time));
        }
        shares.clear();
    }
}
