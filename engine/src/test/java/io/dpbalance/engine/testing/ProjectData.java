package io.dpbalance.engine.testing;

import io.dpbalance.engine.trace.ShippedTrace;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real data shipped in the repository, found from the working directory (a module's folder under Maven) upwards.
 * Tests that need it fail when it is missing: a skipped known-answer test would pass nothing.
 */
public final class ProjectData {

    private ProjectData() {}

    /** The project root: the nearest folder, from the working directory up, with the root pom.xml and the data. */
    public static Path root() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("pom.xml")) && Files.isDirectory(dir.resolve("data/azure-llm-2023"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no folder holding pom.xml and data/azure-llm-2023 in "
                + Path.of("").toAbsolutePath() + " or any parent: tests run inside a checkout of the project");
    }

    /** The Azure 2023 conversation trace (19,366 requests, CC-BY 4.0). */
    public static Path azureConversationTrace() {
        Path trace = root().resolve(ShippedTrace.RELATIVE_PATH);
        if (!Files.isRegularFile(trace)) {
            throw new IllegalStateException("the shipped trace " + trace + " is missing");
        }
        return trace;
    }
}
