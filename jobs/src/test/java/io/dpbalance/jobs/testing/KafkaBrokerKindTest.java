package io.dpbalance.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dpbalance.jobs.testing.KafkaBrokerExtension.Kind;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class KafkaBrokerKindTest {

    private static final BooleanSupplier DOCKER = () -> true;
    private static final BooleanSupplier NO_DOCKER = () -> false;

    @Test
    void takesTheContainerWhereADockerEngineAnswersAndTheInJvmBrokerElsewhere() {
        assertThat(Kind.select(null, DOCKER)).isEqualTo(Kind.CONTAINER);
        assertThat(Kind.select(null, NO_DOCKER)).isEqualTo(Kind.IN_JVM);
        assertThat(Kind.select(" ", NO_DOCKER)).isEqualTo(Kind.IN_JVM);
    }

    @Test
    void aForcedKindWinsWithoutAskingDocker() {
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier counting = () -> {
            asked.incrementAndGet();
            return true;
        };

        assertThat(Kind.select("in-jvm", counting)).isEqualTo(Kind.IN_JVM);
        assertThat(Kind.select("Container", NO_DOCKER)).isEqualTo(Kind.CONTAINER);
        assertThat(asked).hasValue(0);
    }

    @Test
    void rejectsAnUnknownForcedKindNamingTheProperty() {
        assertThatThrownBy(() -> Kind.select("docker", DOCKER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Ddpbalance.test.kafka=docker: expected container or in-jvm");
    }
}
