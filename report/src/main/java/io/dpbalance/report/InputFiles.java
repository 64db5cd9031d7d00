package io.dpbalance.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dpbalance.schemas.AvroCodec;
import io.dpbalance.schemas.Codecs;
import io.dpbalance.schemas.RecordJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/** Reads report inputs from files, telling each file's kind from its content. */
final class InputFiles {

    private static final byte[] AVRO_CONTAINER_MAGIC = {'O', 'b', 'j', 1};
    private static final ObjectMapper JSON = new ObjectMapper();

    private InputFiles() {}

    static ReportData read(List<Path> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("no input files given");
        }
        ReportData.Builder data = new ReportData.Builder();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                for (Path file : filesUnder(path, data)) {
                    readFile(file, data);
                }
            } else if (Files.isRegularFile(path)) {
                readFile(path, data);
            } else {
                throw new IllegalArgumentException(path + ": no such file or directory");
            }
        }
        return data.build();
    }

    /**
     * The regular files under a directory, sorted, without hidden ones (a file sink's in-progress parts). Where the
     * datagen wrote a topic twice ({@code X.avro} and {@code X.jsonl}) only the Avro file is read, so no record counts
     * twice.
     */
    private static List<Path> filesUnder(Path dir, ReportData.Builder data) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        List<Path> kept = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (name.endsWith(".jsonl")) {
                Path avro = file.resolveSibling(name.substring(0, name.length() - ".jsonl".length()) + ".avro");
                if (files.contains(avro)) {
                    data.notes.add(file + " skipped: " + avro.getFileName() + " beside it holds the same records");
                    continue;
                }
            }
            kept.add(file);
        }
        return kept;
    }

    private static void readFile(Path file, ReportData.Builder data) {
        try {
            byte[] head = new byte[4];
            int n;
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, 4);
            }
            if (n == 0) {
                data.notes.add(file + " is empty");
            } else if (n == 4 && Arrays.equals(head, AVRO_CONTAINER_MAGIC)) {
                readAvroContainer(file, data);
            } else {
                readJsonLines(file, data);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void readAvroContainer(Path file, ReportData.Builder data) throws IOException {
        Schema writer;
        try (DataFileStream<GenericRecord> peek =
                new DataFileStream<>(Files.newInputStream(file), new GenericDatumReader<>())) {
            writer = peek.getSchema();
        }
        Class<? extends SpecificRecord> type = Codecs.all().stream()
                .filter(c -> c.schema().getFullName().equals(writer.getFullName()))
                .<Class<? extends SpecificRecord>>map(AvroCodec::type)
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException(file + ": an Avro container file of " + writer.getFullName()
                                + ", which is not a dpbalance record (expected one of " + recordNames() + ")"));
        readContainerAs(file, type, data);
    }

    private static <T extends SpecificRecord> void readContainerAs(Path file, Class<T> type, ReportData.Builder data)
            throws IOException {
        try (DataFileStream<T> records =
                new DataFileStream<>(Files.newInputStream(file), new SpecificDatumReader<>(type))) {
            for (T record : records) {
                data.add(record);
            }
        }
    }

    private static void readJsonLines(Path file, ReportData.Builder data) throws IOException {
        try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            Class<? extends SpecificRecord> fileType = null;
            boolean simulationRows = false;
            while ((line = lines.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file + ":" + number;
                boolean firstObject = fileType == null && !simulationRows;
                JsonNode object = parse(line, file, where, firstObject);
                if (firstObject) {
                    if (SimRowJson.isSimulationRow(object)) {
                        simulationRows = true;
                    } else {
                        Optional<Class<? extends SpecificRecord>> type = RecordJson.typeOf(object);
                        if (type.isEmpty()) {
                            throw unknown(
                                    file,
                                    "its first line is a JSON object with fields " + SimRowJson.fieldNames(object));
                        }
                        fileType = type.get();
                    }
                }
                if (simulationRows) {
                    data.simRows.add(SimRowJson.toSimRow(object, where));
                } else {
                    data.add(RecordJson.read(object, fileType, where));
                }
            }
        }
    }

    /** One line's JSON object; a first line that is not JSON means the file is not a report input at all. */
    private static JsonNode parse(String line, Path file, String where, boolean first) {
        JsonNode object;
        try {
            object = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            if (first) {
                throw unknown(file, "its first line is not JSON");
            }
            throw new IllegalArgumentException(where + ": not a JSON object: " + e.getOriginalMessage());
        }
        if (object == null || !object.isObject()) {
            throw new IllegalArgumentException(where + ": expected one JSON object per line");
        }
        return object;
    }

    private static IllegalArgumentException unknown(Path file, String why) {
        return new IllegalArgumentException(file + ": not a report input (" + why + "); expected an Avro container "
                + "file or JSON lines of a dpbalance record (" + recordNames()
                + "), as the jobs' --output-files and the "
                + "datagen write them, or the output of `bin/dpbalance simulate --json` / `sweep --json`");
    }

    private static String recordNames() {
        return String.join(
                ", ", Codecs.all().stream().map(c -> c.type().getSimpleName()).toList());
    }
}
