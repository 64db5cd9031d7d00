package io.dpbalance.datagen.generate;

import io.dpbalance.datagen.sink.RecordSink;
import io.dpbalance.datagen.sink.RecordTopic;
import java.util.List;

/** Makes the records of one datagen subcommand and hands them to a sink, in order per cluster. */
public interface Generator {

    /** The topics it writes, in the order the summary lists them. */
    List<RecordTopic<?>> topics();

    /** One line saying what is generated, for the summary: the workload, the clusters, the simulated setup. */
    String description();

    /**
     * Work done so far in the generator's own unit (requests replayed, tokens decoded), for progress; read on the
     * generating thread.
     */
    long workDone();

    /** The work of the whole run in the same unit, for the ETA. */
    long workTotal();

    /**
     * Generates until done or until {@code control} says to stop. Called once, on the thread that writes the sink.
     * Each cluster's records reach the sink in the order the cluster produced them.
     */
    void run(RecordSink sink, RunControl control);
}
