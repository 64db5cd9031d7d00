package io.dpbalance.engine.trace;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The formats a workload comes in (docs/design.md §9). {@link #AUTO} asks {@link WorkloadReader} to detect the format of a
 * file; {@link #SYNTHETIC} marks a workload made by {@link SyntheticWorkload} and is not a file format, so
 * {@link #parse} does not accept it.
 */
public enum WorkloadFormat {
    AUTO("auto"),
    /** Azure LLM inference trace CSV (2023/2024): {@code TIMESTAMP}, {@code ContextTokens}, {@code GeneratedTokens}. */
    AZURE("azure"),
    /** Mooncake trace JSONL: {@code timestamp} (ms), {@code input_length}, {@code output_length}. */
    MOONCAKE("mooncake"),
    /** BurstGPT CSV: {@code Timestamp} (s), {@code Request tokens}, {@code Response tokens}. */
    BURSTGPT("burstgpt"),
    /** Lengths JSON without times: {@code {"data": [{"input_length": n, "output_length": m}, ...]}} or a bare list. */
    LENGTHS("lengths"),
    SYNTHETIC("synthetic");

    private final String cliName;

    WorkloadFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The {@code --format} choices, as {@code auto|azure|mooncake|burstgpt|lengths}. */
    public static String choices() {
        return Arrays.stream(values())
                .filter(format -> format != SYNTHETIC)
                .map(WorkloadFormat::cliName)
                .collect(Collectors.joining("|"));
    }

    /** A {@code --format} value, case-insensitively. */
    public static WorkloadFormat parse(String text) {
        String name = text.trim().toLowerCase(Locale.ROOT);
        for (WorkloadFormat format : values()) {
            if (format != SYNTHETIC && format.cliName.equals(name)) {
                return format;
            }
        }
        throw new IllegalArgumentException("unknown workload format '" + text + "'; expected one of " + choices());
    }
}
