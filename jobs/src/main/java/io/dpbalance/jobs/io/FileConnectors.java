package io.dpbalance.jobs.io;

import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.BasePathBucketAssigner;

/** Bounded file sources and JSON-lines file sinks of dpbalance records, for batch runs. */
public final class FileConnectors {

    private FileConnectors() {}

    /** Reads one Avro object container file of {@code decoder}'s record type. */
    public static <T extends SpecificRecord> FileSource<InputRecord<T>> avroContainer(
            Path file, InputDecoder<T> decoder) {
        return FileSource.forRecordStreamFormat(new AvroContainerFormat<>(decoder, file.toString()), file)
                .build();
    }

    /**
     * Writes records as JSON lines into the directory {@code dir}, as part files {@code <name>-<n>-<m>.jsonl} (one or
     * more per parallel writer; in batch mode they are complete when the job finishes).
     */
    public static <T extends SpecificRecord> FileSink<T> jsonLines(Path dir, String name) {
        return FileSink.forRowFormat(dir, new JsonLinesEncoder<T>())
                .withBucketAssigner(new BasePathBucketAssigner<>())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix(name)
                        .withPartSuffix(".jsonl")
                        .build())
                .build();
    }
}
