package io.dpbalance.datagen.sink;

import com.fasterxml.jackson.core.JsonGenerator;
import io.dpbalance.schemas.RecordJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Writes each topic to two files in one directory: {@code <topic>.avro}, an Avro object container file of the
 * generated record class, and {@code <topic>.jsonl}, one JSON object per line ({@link RecordJson}). Existing files
 * of those names are replaced. Keys are not written: they follow from the records' fields (docs/design.md §6).
 *
 * <p>Avro picks a random 16-byte sync marker for every container file; this sink derives it from the topic name
 * instead, so that the same generation writes byte-identical files.
 */
public final class FileRecordSink implements RecordSink {

    private static final int BUFFER_BYTES = 1 << 16;

    private final Path dir;
    private final List<RecordTopic<?>> topics;
    private final String[] names;
    private final DataFileWriter<SpecificRecord>[] avro;
    private final JsonGenerator[] json;
    private final long[] records;
    /** Written by the generating thread only; a release store keeps it readable elsewhere without a fence per record. */
    private final AtomicLong written = new AtomicLong();

    private boolean closed;

    /**
     * Creates {@code dir} if needed and opens the files of every topic.
     *
     * @param prefix put in front of each topic's spec name, as for Kafka topics
     * @throws IllegalArgumentException naming the directory or file that cannot be written
     */
    @SuppressWarnings("unchecked") // generic array creation; every element is a writer of SpecificRecord
    public FileRecordSink(Path dir, String prefix, List<RecordTopic<?>> topics) {
        this.dir = dir;
        this.topics = List.copyOf(topics);
        int slots = RecordTopic.ALL.size();
        this.names = new String[slots];
        this.avro = (DataFileWriter<SpecificRecord>[]) new DataFileWriter<?>[slots];
        this.json = new JsonGenerator[slots];
        this.records = new long[slots];
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + dir + ": cannot create the directory: " + e, e);
        }
        try {
            for (RecordTopic<?> topic : this.topics) {
                int i = topic.index();
                names[i] = prefix + topic.specName();
                avro[i] = openContainer(topic, avroFile(names[i]));
                json[i] = RecordJson.FACTORY.createGenerator(stream(jsonFile(names[i])));
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            throw new IllegalArgumentException(
                    "--out " + dir + ": cannot write the output files: " + e.getMessage(), e);
        }
    }

    /** The Avro container file of a topic: {@code <dir>/<prefix><topic>.avro}. */
    public Path avroFile(String topicName) {
        return dir.resolve(topicName + ".avro");
    }

    /** The JSON lines file of a topic: {@code <dir>/<prefix><topic>.jsonl}. */
    public Path jsonFile(String topicName) {
        return dir.resolve(topicName + ".jsonl");
    }

    private static OutputStream stream(Path file) throws IOException {
        return new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES);
    }

    @SuppressWarnings("unchecked") // the writer of a T is a writer of the SpecificRecords this sink hands it
    private DataFileWriter<SpecificRecord> openContainer(RecordTopic<?> topic, Path file) throws IOException {
        DataFileWriter<SpecificRecord> writer =
                new DataFileWriter<>((SpecificDatumWriter<SpecificRecord>) new SpecificDatumWriter<>(topic.type()));
        return writer.create(topic.codec().schema(), stream(file), syncMarker(topic.specName()));
    }

    /** A fixed marker per topic: the first 16 bytes of the SHA-256 of the topic's spec name. */
    private static byte[] syncMarker(String specName) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(specName.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public <T extends SpecificRecord> void write(RecordTopic<T> topic, byte[] key, T record) {
        int i = topic.index();
        if (avro[i] == null) {
            throw new IllegalStateException("this sink was not opened for " + topic);
        }
        try {
            avro[i].append(record);
            RecordJson.write(json[i], record);
            json[i].writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write " + names[i] + " records to " + dir + ": " + e.getMessage(), e);
        }
        records[i]++;
        written.lazySet(written.get() + 1);
    }

    @Override
    public long written() {
        return written.get();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = closeQuietly();
        if (failure != null) {
            throw new UncheckedIOException(
                    "cannot finish the output files in " + dir + ": " + failure.getMessage(), failure);
        }
    }

    /** Closes every open file; returns the first failure. */
    private IOException closeQuietly() {
        IOException first = null;
        for (int i = 0; i < avro.length; i++) {
            for (AutoCloseable c : new AutoCloseable[] {avro[i], json[i]}) {
                if (c == null) {
                    continue;
                }
                try {
                    c.close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e instanceof IOException io ? io : new IOException(e);
                    }
                }
            }
        }
        return first;
    }

    @Override
    public List<TopicCount> counts() {
        List<TopicCount> counts = new ArrayList<>();
        for (RecordTopic<?> topic : topics) {
            int i = topic.index();
            counts.add(new TopicCount(names[i], records[i], size(avroFile(names[i])) + size(jsonFile(names[i]))));
        }
        return counts;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public String destination() {
        return dir.toString();
    }
}
