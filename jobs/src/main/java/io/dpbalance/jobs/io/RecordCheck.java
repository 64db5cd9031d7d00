package io.dpbalance.jobs.io;

import java.io.Serializable;

/**
 * A range check of a decoded record that needs no state (counts not negative, rank inside the roster, …). Sources run
 * it as they read, so that an invalid record is marked before its timestamp can move the watermark.
 *
 * @param <T> the record type
 */
@FunctionalInterface
public interface RecordCheck<T> extends Serializable {

    /** @return null if the record passes, else the dead-letter reason ({@code CODE} or {@code CODE: detail}) */
    String problem(T record);
}
