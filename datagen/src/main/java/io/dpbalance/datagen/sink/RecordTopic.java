package io.dpbalance.datagen.sink;

import io.dpbalance.datagen.kafka.SpecTopics;
import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.DeadLetter;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.RequestArrival;
import io.dpbalance.schemas.TokenEvent;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/**
 * One of the topics the generators write: its spec name (docs/design.md §6), the record it holds and that record's codec. The
 * index numbers the topics from 0 so that sinks keep their per-topic state in arrays.
 *
 * @param <T> the generated record class
 */
public final class RecordTopic<T extends SpecificRecord> {

    public static final RecordTopic<RequestArrival> REQUESTS =
            new RecordTopic<>(0, SpecTopics.REQUESTS, Codecs.REQUEST_ARRIVAL);
    public static final RecordTopic<TokenEvent> TOKEN_EVENTS =
            new RecordTopic<>(1, SpecTopics.TOKEN_EVENTS, Codecs.TOKEN_EVENT);
    public static final RecordTopic<RankStep> RANK_STEPS =
            new RecordTopic<>(2, SpecTopics.RANK_STEPS, Codecs.RANK_STEP);

    /** Lines {@code ingest} could not read (docs/ingest.md). */
    public static final RecordTopic<DeadLetter> DEAD_LETTER =
            new RecordTopic<>(3, SpecTopics.DEAD_LETTER, Codecs.DEAD_LETTER);

    /** Every topic a generator or {@code ingest} writes, by index. */
    public static final List<RecordTopic<?>> ALL = List.of(REQUESTS, TOKEN_EVENTS, RANK_STEPS, DEAD_LETTER);

    private final int index;
    private final String specName;
    private final AvroCodec<T> codec;

    private RecordTopic(int index, String specName, AvroCodec<T> codec) {
        this.index = index;
        this.specName = specName;
        this.codec = codec;
    }

    /** Position in {@link #ALL}. */
    public int index() {
        return index;
    }

    /** The topic's default name, e.g. {@code dp.token-events}; deployments put a prefix in front. */
    public String specName() {
        return specName;
    }

    public AvroCodec<T> codec() {
        return codec;
    }

    public Class<T> type() {
        return codec.type();
    }

    @Override
    public String toString() {
        return specName;
    }
}
