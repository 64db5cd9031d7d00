package io.dpbalance.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.dpbalance.engine.testing.ProjectData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the trace shipped in the repository from the project root, a module folder, or nowhere. */
class ShippedTraceTest {

    @Test
    void isFoundFromAModuleFolderBelowTheProjectRoot() throws IOException {
        // Maven runs this test in engine/, one level below the root that holds data/azure-llm-2023.
        Path found = ShippedTrace.find().orElseThrow();
        assertThat(found).isEqualTo(ProjectData.root().resolve(ShippedTrace.RELATIVE_PATH));
        assertThat(Files.readAllLines(found).get(0)).isEqualTo("TIMESTAMP,ContextTokens,GeneratedTokens");
    }

    @Test
    void isFoundFromAnyFolderUnderARootThatHoldsIt(@TempDir Path root) throws IOException {
        Path trace = root.resolve(ShippedTrace.RELATIVE_PATH);
        Files.createDirectories(trace.getParent());
        Files.writeString(trace, "TIMESTAMP,ContextTokens,GeneratedTokens\n");
        Path deep = Files.createDirectories(root.resolve("a/b/c"));
        assertThat(ShippedTrace.findFrom(deep)).contains(trace);
        assertThat(ShippedTrace.findFrom(root)).contains(trace);
    }

    @Test
    void isMissingOutsideACheckout(@TempDir Path elsewhere) {
        assertThat(ShippedTrace.findFrom(elsewhere)).isEmpty();
    }

    @Test
    void resolveLeavesNamedFilesAloneAndLooksUpOnlyTheDefault(@TempDir Path dir) throws IOException {
        Path named = Files.writeString(dir.resolve("mine.csv"), "x");
        assertThat(ShippedTrace.resolve(named)).isEqualTo(named);
        Path missing = dir.resolve("nope.csv");
        assertThat(ShippedTrace.resolve(missing)).isEqualTo(missing);
        assertThat(ShippedTrace.resolve(Path.of(ShippedTrace.RELATIVE_PATH)))
                .isEqualTo(ShippedTrace.find().orElseThrow());
    }
}
