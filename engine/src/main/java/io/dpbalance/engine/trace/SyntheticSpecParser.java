package io.dpbalance.engine.trace;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the text syntax of {@link SyntheticWorkload}; every error names the key or value at fault. */
final class SyntheticSpecParser {

    private static final String COUNT = "n";
    private static final String ARRIVAL = "arrival";
    private static final String PROMPT = "prompt";
    private static final String OUTPUT = "output";
    private static final String SEED = "seed";
    private static final List<String> KEYS = List.of(COUNT, ARRIVAL, PROMPT, OUTPUT, SEED);
    /** A top-level key after a comma: the mistake of separating top-level keys with commas. */
    private static final Pattern COMMA_BEFORE_KEY = Pattern.compile(",\\s*(" + String.join("|", KEYS) + ")\\s*=");

    /** Traces read for empirical distributions, so that prompt and output lengths of one trace read it once. */
    private final Map<String, Workload> traces = new HashMap<>();

    private SyntheticSpecParser() {}

    static SyntheticWorkload parse(String spec) {
        return new SyntheticSpecParser().parseSpec(spec);
    }

    private SyntheticWorkload parseSpec(String spec) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals < 0) {
                throw error("expected key=value, got '" + entry.trim() + "'");
            }
            String key = entry.substring(0, equals).trim();
            if (!KEYS.contains(key)) {
                throw error("unknown key '" + key + "'; expected one of " + String.join(", ", KEYS));
            }
            if (entries.putIfAbsent(key, entry.substring(equals + 1).trim()) != null) {
                throw error("key '" + key + "' is given twice");
            }
        }
        entries.forEach((key, value) -> {
            Matcher commaKey = COMMA_BEFORE_KEY.matcher(value);
            if (commaKey.find()) {
                throw error(key + ": the value '" + value + "' holds '"
                        + commaKey.group().trim() + "'; separate top-level keys with ';'");
            }
        });
        for (String key : List.of(COUNT, PROMPT, OUTPUT)) {
            if (!entries.containsKey(key)) {
                throw error("missing key '" + key + "'");
            }
        }
        int count = parseNumber(COUNT, entries.get(COUNT), "an integer >= 1", Integer::parseInt);
        if (count < 1) {
            throw error(COUNT + ": expected an integer >= 1, got '" + entries.get(COUNT) + "'");
        }
        ArrivalProcess arrivals =
                entries.containsKey(ARRIVAL) ? arrival(entries.get(ARRIVAL)) : new ArrivalProcess.None();
        LengthDistribution prompt = length(PROMPT, entries.get(PROMPT));
        LengthDistribution output = length(OUTPUT, entries.get(OUTPUT));
        long seed = entries.containsKey(SEED) ? parseNumber(SEED, entries.get(SEED), "an integer", Long::parseLong) : 0;
        return new SyntheticWorkload(count, arrivals, prompt, output, seed);
    }

    private ArrivalProcess arrival(String value) {
        Kind kind = Kind.of(ARRIVAL, value);
        try {
            return switch (kind.name) {
                case "none" -> {
                    kind.params(List.of()); // rejects any parameter
                    yield new ArrivalProcess.None();
                }
                case "poisson" -> {
                    Params params = kind.params(List.of("rate"));
                    yield new ArrivalProcess.Poisson(params.requiredDouble("rate"));
                }
                case "bursty" -> {
                    Params params = kind.params(List.of("rate", "cv"));
                    yield new ArrivalProcess.Bursty(params.requiredDouble("rate"), params.requiredDouble("cv"));
                }
                case "schedule" -> new ArrivalProcess.Schedule(schedulePieces(kind));
                default ->
                    throw error(ARRIVAL + ": unknown arrival process '" + kind.name
                            + "'; expected none, poisson, bursty or schedule");
            };
        } catch (IllegalArgumentException e) {
            throw kind.wrap(e);
        }
    }

    private static List<ArrivalProcess.RatePiece> schedulePieces(Kind kind) {
        List<ArrivalProcess.RatePiece> pieces = new ArrayList<>();
        for (String pair : kind.paramText.split(",")) {
            String[] timeAndRate = pair.split(":");
            if (timeAndRate.length != 2) {
                throw kind.error("expected TIME:RATE pairs such as 0:10,60:50, got '" + pair.trim() + "'");
            }
            pieces.add(new ArrivalProcess.RatePiece(
                    kind.number("time", timeAndRate[0]), kind.number("rate", timeAndRate[1])));
        }
        return pieces;
    }

    private LengthDistribution length(String key, String value) {
        Kind kind = Kind.of(key, value);
        try {
            return switch (kind.name) {
                case "lognormal" -> {
                    Params params = kind.params(List.of("mean", "sigma", "max"));
                    yield new LengthDistribution.LogNormal(
                            params.requiredDouble("mean"), params.requiredDouble("sigma"), params.max());
                }
                case "geometric" -> {
                    Params params = kind.params(List.of("mean", "max"));
                    yield new LengthDistribution.Geometric(params.requiredDouble("mean"), params.max());
                }
                case "constant" ->
                    new LengthDistribution.Constant(
                            kind.params(List.of("value")).requiredInt("value"));
                case "uniform" -> {
                    Params params = kind.params(List.of("low", "high"));
                    yield new LengthDistribution.Uniform(params.requiredInt("low"), params.requiredInt("high"));
                }
                case "empirical" -> empirical(key, kind);
                default ->
                    throw error(key + ": unknown length distribution '" + kind.name
                            + "'; expected lognormal, geometric, constant, uniform or empirical");
            };
        } catch (IllegalArgumentException e) {
            throw kind.wrap(e);
        }
    }

    private LengthDistribution empirical(String key, Kind kind) {
        Params params = kind.params(List.of("trace", "format", "max"));
        String trace = params.required("trace");
        WorkloadFormat format = params.values.containsKey("format")
                ? WorkloadFormat.parse(params.values.get("format"))
                : WorkloadFormat.AUTO;
        String traceSpec = "trace=" + trace + (format == WorkloadFormat.AUTO ? "" : ",format=" + format.cliName());
        Workload workload = traces.computeIfAbsent(
                traceSpec, ignored -> WorkloadReader.read(Path.of(trace), format, ReadOptions.defaults()));
        return key.equals(PROMPT)
                ? LengthDistribution.Empirical.ofPrompts(workload, params.max(), traceSpec)
                : LengthDistribution.Empirical.ofOutputs(workload, params.max(), traceSpec);
    }

    private static <T> T parseNumber(String key, String text, String expected, Function<String, T> parser) {
        try {
            return parser.apply(text.trim());
        } catch (NumberFormatException e) {
            throw error(key + ": expected " + expected + ", got '" + text + "'");
        }
    }

    private static SpecException error(String message) {
        return new SpecException("synthetic workload spec: " + message);
    }

    /** An error this parser made, already naming the key: told apart from the errors of the constructors it calls. */
    private static final class SpecException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        SpecException(String message) {
            super(message);
        }
    }

    /** A value {@code name:paramText} of the key {@code key}. */
    private record Kind(String key, String name, String paramText) {

        static Kind of(String key, String value) {
            int colon = value.indexOf(':');
            return colon < 0
                    ? new Kind(key, value.trim(), "")
                    : new Kind(key, value.substring(0, colon).trim(), value.substring(colon + 1));
        }

        Params params(List<String> allowed) {
            Map<String, String> values = new LinkedHashMap<>();
            if (!paramText.isBlank()) {
                for (String param : paramText.split(",")) {
                    int equals = param.indexOf('=');
                    if (equals < 0) {
                        throw error("expected param=value, got '" + param.trim() + "'");
                    }
                    String name = param.substring(0, equals).trim();
                    if (!allowed.contains(name)) {
                        throw error("unknown parameter '" + name + "'; expected "
                                + (allowed.isEmpty() ? "none" : String.join(", ", allowed)));
                    }
                    if (values.putIfAbsent(name, param.substring(equals + 1).trim()) != null) {
                        throw error("parameter '" + name + "' is given twice");
                    }
                }
            }
            return new Params(this, values);
        }

        double number(String what, String text) {
            try {
                return new BigDecimal(text.trim()).doubleValue();
            } catch (NumberFormatException e) {
                throw error(what + ": expected a number, got '" + text.trim() + "'");
            }
        }

        SpecException error(String message) {
            return SyntheticSpecParser.error(key + "=" + name + ": " + message);
        }

        /** Names the key and kind in an error from a constructor. */
        IllegalArgumentException wrap(IllegalArgumentException e) {
            return e instanceof SpecException ? e : error(e.getMessage());
        }
    }

    /** The {@code param=value} parameters of one {@link Kind}. */
    private record Params(Kind kind, Map<String, String> values) {

        String required(String name) {
            String value = values.get(name);
            if (value == null) {
                throw kind.error("missing parameter '" + name + "'");
            }
            return value;
        }

        double requiredDouble(String name) {
            return kind.number(name, required(name));
        }

        int requiredInt(String name) {
            return integer(name, required(name));
        }

        int max() {
            return values.containsKey("max") ? integer("max", values.get("max")) : LengthDistribution.NO_MAX;
        }

        private int integer(String name, String text) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw kind.error(name + ": expected an integer, got '" + text + "'");
            }
        }
    }
}
