package io.dpbalance.datagen.generate;

import java.util.List;
import java.util.stream.IntStream;

/** The ids of the clusters a generation writes for. */
public final class Clusters {

    private Clusters() {}

    /** {@code prefix + 0} .. {@code prefix + (count - 1)}. */
    public static List<String> ids(String prefix, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("--clusters must be at least 1, not " + count);
        }
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    static String describe(List<String> ids) {
        return ids.size() == 1 ? ids.get(0) : ids.get(0) + " .. " + ids.get(ids.size() - 1);
    }
}
