package io.dpbalance.engine.trace;

import io.dpbalance.engine.model.Request;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The requests of one workload, in file order (pool mode serves them in that order), with what was skipped on the
 * way.
 *
 * @param source      the file name, or the spec of a synthetic workload
 * @param format      the format the requests were read in (never {@link WorkloadFormat#AUTO})
 * @param timed       whether arrivals come from the source; false for the lengths format, where every arrival is 0
 * @param requests    the requests in file order, {@code sequence} counting from 0
 * @param skipReasons how many rows were skipped, by reason, in the order the reasons first occurred
 */
public record Workload(
        String source, WorkloadFormat format, boolean timed, List<Request> requests, Map<String, Integer> skipReasons) {

    public Workload {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(format, "format");
        if (format == WorkloadFormat.AUTO) {
            throw new IllegalArgumentException("a workload has a concrete format, not " + format);
        }
        requests = List.copyOf(requests);
        skipReasons = Collections.unmodifiableMap(new LinkedHashMap<>(skipReasons));
    }

    /** Rows skipped, over all reasons. */
    public int skipped() {
        return skipReasons.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The requests by arrival; requests arriving together keep their file order. */
    public List<Request> sortedByArrival() {
        List<Request> sorted = new ArrayList<>(requests);
        sorted.sort(Comparator.comparingDouble(Request::arrival));
        return Collections.unmodifiableList(sorted);
    }
}
