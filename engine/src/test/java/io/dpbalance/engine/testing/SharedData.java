package io.dpbalance.engine.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared real data ({@code ../shared/data} beside the checkout), found from the working directory
 * upwards. Tests that need it fail when it is missing: a skipped known-answer test would pass nothing.
 */
public final class SharedData {

    public static final String AZURE_CONV_TRACE = "shared/data/azure-llm-2023/AzureLLMInferenceTrace_conv.csv";

    private SharedData() {
    }

    /** The Azure 2023 conversation trace (19,366 requests, CC-BY 4.0). */
    public static Path azureConversationTrace() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(AZURE_CONV_TRACE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the shared trace " + AZURE_CONV_TRACE + " was not found in "
                + Path.of("").toAbsolutePath() + " or any parent; tests need ../shared beside the checkout");
    }
}
