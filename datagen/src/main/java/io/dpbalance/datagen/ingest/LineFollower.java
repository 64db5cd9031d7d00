package io.dpbalance.datagen.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * Reads one file's lines from where it last stopped: {@link #poll} hands every complete line ({@code \n}-terminated;
 * a {@code \r} before it is dropped) appended since the last call. Rotation: when the path names another file than
 * before (replaced: another file key) the new file is read from its start; when the file got shorter than what was
 * read (truncated) it is read again from its start. {@link #finish} also hands a last line without a newline.
 */
public final class LineFollower implements AutoCloseable {

    /** Where lines go: the file's path, the line's 0-based number in the current file, its text. */
    public interface LineSink {
        void line(String source, long lineNumber, String text);
    }

    private final Path path;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
    private FileChannel channel;
    private Object fileKey;
    private long position;
    private long lineNumber;
    private int rotations;

    public LineFollower(Path path) {
        this.path = Objects.requireNonNull(path);
    }

    /** Opens the file now; a missing file is an error naming it. */
    public void open() {
        try {
            reopen();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("FILE " + path + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException("FILE " + path + " cannot be read: " + e.getMessage(), e);
        }
    }

    private void reopen() throws IOException {
        closeChannel();
        channel = FileChannel.open(path, StandardOpenOption.READ);
        fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        position = 0;
        lineNumber = 0;
        partial.reset();
    }

    /** Hands the complete lines appended since the last call; returns how many. */
    public int poll(LineSink sink) {
        try {
            checkRotation(sink);
            return readLines(sink);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Like {@link #poll}, then the last line even without a newline. */
    public int finish(LineSink sink) {
        int n = poll(sink);
        if (partial.size() > 0) {
            emit(sink);
            n++;
        }
        return n;
    }

    /** How often the file was replaced or truncated while followed. */
    public int rotations() {
        return rotations;
    }

    private void checkRotation(LineSink sink) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return; // between the rename and the new file's creation: keep the old one until the new one appears
        }
        Object key = attributes.fileKey();
        if (key != null && !key.equals(fileKey)) {
            readLines(sink); // what the old file got before it was replaced
            if (partial.size() > 0) {
                emit(sink);
            }
            rotations++;
            reopen();
        } else if (channel.size() < position) {
            rotations++;
            reopen();
        }
    }

    private int readLines(LineSink sink) throws IOException {
        if (channel != null && !channel.isOpen()) {
            // An interrupt closed the (interruptible) channel mid-read; positional reads consumed nothing: the same
            // file again from where it was.
            channel = FileChannel.open(path, StandardOpenOption.READ);
        }
        int lines = 0;
        while (true) {
            buffer.clear();
            int n = channel.read(buffer, position);
            if (n <= 0) {
                return lines;
            }
            position += n;
            byte[] bytes = buffer.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] == '\n') {
                    partial.write(bytes, start, i - start);
                    emit(sink);
                    lines++;
                    start = i + 1;
                }
            }
            partial.write(bytes, start, n - start);
        }
    }

    private void emit(LineSink sink) {
        String text = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        sink.line(path.toString(), lineNumber++, text);
    }

    private void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    @Override
    public void close() {
        try {
            closeChannel();
        } catch (IOException e) {
            // nothing was written through it
        }
    }
}
