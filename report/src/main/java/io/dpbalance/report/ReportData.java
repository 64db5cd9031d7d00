package io.dpbalance.report;

import io.dpbalance.schemas.Assignment;
import io.dpbalance.schemas.RankStep;
import io.dpbalance.schemas.StepMetrics;
import io.dpbalance.schemas.WindowMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a report is made from: the records of the two jobs (StepMetrics, WindowMetrics and Assignments, labelled by
 * policy; {@code observed} is the analytics job's), the per-rank decode log (RankStep: the only record with per-rank
 * loads), and rows of {@code simulate --json} / {@code sweep --json}. Immutable.
 *
 * @param notes what the reader should know about how the inputs were read (records ignored, topics absent, ...)
 */
public record ReportData(
        List<StepMetrics> stepMetrics,
        List<WindowMetrics> windowMetrics,
        List<Assignment> assignments,
        List<RankStep> rankSteps,
        List<SimRow> simRows,
        List<String> notes) {

    public ReportData {
        stepMetrics = List.copyOf(stepMetrics);
        windowMetrics = List.copyOf(windowMetrics);
        assignments = List.copyOf(assignments);
        rankSteps = List.copyOf(rankSteps);
        simRows = List.copyOf(simRows);
        notes = List.copyOf(notes);
    }

    /**
     * Reads job output and simulation rows from files or directories (searched recursively; hidden files, such as a
     * file sink's in-progress parts, are skipped). Each file's kind is told by its content: an Avro object container
     * file of a dpbalance record, or JSON lines of a dpbalance record (the jobs' {@code --output-files}, the datagen's
     * {@code .jsonl}) or of {@code simulate --json} / {@code sweep --json}.
     *
     * @throws IllegalArgumentException naming the file when it is none of those, or a line does not parse
     */
    public static ReportData fromFiles(List<Path> paths) {
        return InputFiles.read(paths);
    }

    /**
     * Reads the jobs' topics ({@code dp.step-metrics}, {@code dp.window-metrics}, {@code dp.assignments}) and the
     * per-rank decode log ({@code dp.rank-steps}) from their beginning up to their end offsets, as a
     * {@code read_committed} consumer (records of open or aborted transactions are not read). A topic that does not
     * exist is noted and skipped; a record that does not decode is counted in the notes.
     *
     * @param topicPrefix put in front of every topic name ({@code ""}, or e.g. {@code "demo."})
     * @param timeout how long to wait for the cluster and for the end offsets to be reached
     * @throws IllegalStateException when the cluster does not answer, or the end is not reached within the timeout
     */
    public static ReportData fromKafka(String bootstrap, String topicPrefix, Duration timeout) {
        return KafkaInput.read(bootstrap, topicPrefix, timeout);
    }

    /** Whether there is nothing to report. */
    public boolean isEmpty() {
        return stepMetrics.isEmpty()
                && windowMetrics.isEmpty()
                && assignments.isEmpty()
                && rankSteps.isEmpty()
                && simRows.isEmpty();
    }

    /** The cluster ids of the job records and rank-steps, sorted. */
    public List<String> clusters() {
        TreeSet<String> ids = new TreeSet<>();
        stepMetrics.forEach(m -> ids.add(m.getClusterId()));
        windowMetrics.forEach(m -> ids.add(m.getClusterId()));
        assignments.forEach(a -> ids.add(a.getClusterId()));
        rankSteps.forEach(r -> ids.add(r.getClusterId()));
        return List.copyOf(ids);
    }

    /** These data and {@code other}'s together. */
    public ReportData plus(ReportData other) {
        return new ReportData(
                concat(stepMetrics, other.stepMetrics),
                concat(windowMetrics, other.windowMetrics),
                concat(assignments, other.assignments),
                concat(rankSteps, other.rankSteps),
                concat(simRows, other.simRows),
                concat(notes, other.notes));
    }

    /** No records, no notes. */
    public static ReportData empty() {
        return new ReportData(List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    /** A mutable collector of records, for the readers. */
    static final class Builder {
        final List<StepMetrics> stepMetrics = new ArrayList<>();
        final List<WindowMetrics> windowMetrics = new ArrayList<>();
        final List<Assignment> assignments = new ArrayList<>();
        final List<RankStep> rankSteps = new ArrayList<>();
        final List<SimRow> simRows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        /** Records of kinds the report does not use (RequestArrival, TokenEvent, DeadLetter), by type name. */
        final Map<String, Long> ignored = new TreeMap<>();

        /** Adds a record of the topics; returns whether the report uses its kind. */
        boolean add(Object record) {
            Objects.requireNonNull(record);
            if (record instanceof StepMetrics m) {
                stepMetrics.add(m);
            } else if (record instanceof WindowMetrics m) {
                windowMetrics.add(m);
            } else if (record instanceof Assignment a) {
                assignments.add(a);
            } else if (record instanceof RankStep r) {
                rankSteps.add(r);
            } else {
                ignored.merge(record.getClass().getSimpleName(), 1L, Long::sum);
                return false;
            }
            return true;
        }

        ReportData build() {
            ignored.forEach((type, count) ->
                    notes.add(String.format("%d %s records were read but not used: no chart shows them", count, type)));
            return new ReportData(stepMetrics, windowMetrics, assignments, rankSteps, simRows, notes);
        }
    }
}
