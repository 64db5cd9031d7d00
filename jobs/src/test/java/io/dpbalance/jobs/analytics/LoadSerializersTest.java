package io.dpbalance.jobs.analytics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Objects;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * The stream serializers of RankLoad and StepLoads carry every public field: each field is set to a distinct
 * non-default value by reflection, so a field added to RankLoad and forgotten in the serializer fails here.
 */
class LoadSerializersTest {

    private static RankLoad everyFieldSet(String clusterId, long step, long seed) throws IllegalAccessException {
        RankLoad load = new RankLoad();
        long value = seed;
        for (Field field : RankLoad.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            Class<?> type = field.getType();
            if (type == long.class || type == Long.class) {
                field.set(load, ++value);
            } else if (type == int.class || type == Integer.class) {
                field.set(load, (int) ++value);
            } else if (type == boolean.class || type == Boolean.class) {
                field.set(load, true);
            } else if (type == byte[].class) {
                field.set(load, new byte[] {(byte) ++value, (byte) 0x80, 0, -1});
            } else if (type == int[].class) {
                field.set(load, new int[] {(int) ++value, 0, 7});
            } else if (type == long[].class) {
                // Offsets going back and far apart, as a share's tokens of several partitions can be.
                field.set(load, new long[] {++value, Long.MAX_VALUE - value, 0});
            } else if (type == String.class) {
                field.set(load, "c-" + (++value));
            } else {
                throw new AssertionError("RankLoad field of a type this test does not know: " + field);
            }
        }
        load.clusterId = clusterId;
        load.step = step;
        return load;
    }

    private static void assertSameFields(RankLoad expected, RankLoad actual) throws IllegalAccessException {
        for (Field field : RankLoad.class.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                assertTrue(Objects.deepEquals(field.get(expected), field.get(actual)), "RankLoad." + field.getName());
            }
        }
    }

    @Test
    void aRankLoadRoundTripsWithEveryField() throws Exception {
        RankLoad load = everyFieldSet("cluster-a", 17, 100);
        LoadSerializers.RankLoadSerializer serializer = new LoadSerializers.RankLoadSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(load, out);
        RankLoad back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertSameFields(load, back);
        assertSameFields(load, serializer.copy(load));
    }

    @Test
    void aRankLoadWithNullOptionalsRoundTrips() throws Exception {
        RankLoad load = new RankLoad();
        load.clusterId = "c";
        load.step = 3;
        load.rank = 2;
        LoadSerializers.RankLoadSerializer serializer = new LoadSerializers.RankLoadSerializer();
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(load, out);
        assertSameFields(load, serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())));
    }

    @Test
    void stepLoadsRoundTripWithTheirRanksOwnAndForeignSteps() throws Exception {
        RankLoad own = everyFieldSet("cluster-a", 9, 200);
        RankLoad foreign = everyFieldSet("cluster-b", 8, 300);
        StepLoads step = StepLoads.of("cluster-a", 9, 12345L, new RankLoad[] {own, foreign});
        LoadSerializers.StepLoadsSerializer serializer = new LoadSerializers.StepLoadsSerializer();
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(step, out);
        StepLoads back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertEquals("cluster-a", back.clusterId);
        assertEquals(9, back.step);
        assertEquals(12345L, back.stepStart);
        assertEquals(2, back.ranks.length);
        assertSameFields(own, back.ranks[0]);
        assertSameFields(foreign, back.ranks[1]);
        StepLoads copy = serializer.copy(step);
        assertSameFields(own, copy.ranks[0]);
        assertSameFields(foreign, copy.ranks[1]);
    }

    @Test
    void aTopicItsPreviousRankSharesIsWrittenOnce() throws Exception {
        RankLoad first = everyFieldSet("cluster-a", 9, 200);
        RankLoad same = everyFieldSet("cluster-a", 9, 300);
        RankLoad none = everyFieldSet("cluster-a", 9, 400);
        RankLoad after = everyFieldSet("cluster-a", 9, 500);
        first.sourceTopic = "/data/in/dp.rank-steps.avro";
        same.sourceTopic = new String(first.sourceTopic);
        // a share that carries no topic carries no position either
        none.sourceTopic = null;
        none.sourcePartition = 0;
        none.sourceOffset = 0;
        none.tokenPartitions = null;
        none.tokenOffsets = null;
        after.sourceTopic = first.sourceTopic;
        LoadSerializers.StepLoadsSerializer serializer = new LoadSerializers.StepLoadsSerializer();
        DataOutputSerializer out = new DataOutputSerializer(128);
        serializer.serialize(StepLoads.of("cluster-a", 9, 1L, new RankLoad[] {first, same, none, after}), out);
        StepLoads back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertSameFields(first, back.ranks[0]);
        assertSameFields(same, back.ranks[1]);
        assertSameFields(none, back.ranks[2]);
        assertSameFields(after, back.ranks[3]);

        same.sourceTopic = "/data/in/dp.rank-steps.avrX";
        DataOutputSerializer distinct = new DataOutputSerializer(128);
        serializer.serialize(StepLoads.of("cluster-a", 9, 1L, new RankLoad[] {first, same, none, after}), distinct);
        assertEquals(first.sourceTopic.length(), distinct.length() - out.length(), "bytes saved by the back-reference");
    }
}
