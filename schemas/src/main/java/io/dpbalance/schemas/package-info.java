/**
 * The Avro records of dpbalance's Kafka topics and their single-object codec.
 *
 * <p>The record classes ({@link io.dpbalance.schemas.RequestArrival}, {@link io.dpbalance.schemas.TokenEvent},
 * {@link io.dpbalance.schemas.RankStep}, {@link io.dpbalance.schemas.StepMetrics},
 * {@link io.dpbalance.schemas.WindowMetrics}, {@link io.dpbalance.schemas.Assignment},
 * {@link io.dpbalance.schemas.DeadLetter}) are generated at build time from {@code src/main/avro/*.avsc}, with
 * {@code String} for Avro strings and {@link java.time.Instant} for {@code timestamp-millis} fields. Accessors are
 * camel-cased from the snake_case field names ({@code cluster_id} becomes {@code getClusterId()}); the field
 * {@code final} of {@link io.dpbalance.schemas.TokenEvent}, a Java keyword, becomes {@code getFinal$()} and
 * {@code setFinal$(boolean)}.
 *
 * <p>{@link io.dpbalance.schemas.Codecs} holds a codec per record; it reads payloads written with every schema
 * version kept under {@code history/} on the classpath. This package depends on Avro only, not on Flink or Kafka.
 */
package io.dpbalance.schemas;
