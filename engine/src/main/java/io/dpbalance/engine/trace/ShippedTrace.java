package io.dpbalance.engine.trace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The Azure 2023 conversation trace shipped in the repository ({@value #RELATIVE_PATH}, CC-BY 4.0; see
 * {@code data/azure-llm-2023/README.md}): the workload of every command that is given none.
 *
 * <p>The launcher runs commands from the project root, where the relative path resolves as is; a JVM started in a
 * module's folder (Maven's tests) finds it by walking up to the folder that holds {@code data/azure-llm-2023}.
 */
public final class ShippedTrace {

    /** The trace's path relative to the project root. */
    public static final String RELATIVE_PATH = "data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv";

    private ShippedTrace() {}

    /** The shipped trace seen from the working directory or one of its parents, if there is one. */
    public static Optional<Path> find() {
        return findFrom(Path.of(""));
    }

    /** The shipped trace seen from {@code start} or one of its parents, if there is one. */
    public static Optional<Path> findFrom(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(RELATIVE_PATH);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The file a {@code --workload} flag names: the flag's path when it exists; when the flag holds the default
     * relative path and it is not in the working directory, the shipped trace found from a parent folder; else the
     * path unchanged (the caller reports it missing).
     */
    public static Path resolve(Path workload) {
        if (!Files.exists(workload) && workload.normalize().equals(Path.of(RELATIVE_PATH))) {
            return find().orElse(workload);
        }
        return workload;
    }

    /** What to tell a user whose default workload is missing. */
    public static String missingHint() {
        return "the default workload is the trace shipped in the repository, " + RELATIVE_PATH
                + ", looked up from " + Path.of("").toAbsolutePath() + " and its parents; run from a checkout of "
                + "the project or name a file with --workload FILE";
    }
}
