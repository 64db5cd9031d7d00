package io.dpbalance.datagen.sink;

/**
 * What one topic received.
 *
 * @param topic   the topic's full name, prefix included
 * @param records records stored: acknowledged by Kafka, or appended to the files
 * @param bytes   Kafka: serialized key and value bytes of the acknowledged records (before compression); files: the
 *                sizes of the topic's Avro container and JSON lines files
 */
public record TopicCount(String topic, long records, long bytes) {}
