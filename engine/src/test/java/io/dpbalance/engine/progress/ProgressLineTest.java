package io.dpbalance.engine.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void drawsInPlaceAndNotAgainWithinHalfASecond() {
        line.update(elapsed -> "first");
        line.update(elapsed -> "second");

        assertThat(printed()).isEqualTo("\rfirst   ");
    }

    @Test
    void clearsTheLineWhenDoneOnlyIfItDrewOne() {
        line.done();
        assertThat(printed()).isEmpty();

        line.update(elapsed -> "x");
        line.done();

        assertThat(printed()).isEqualTo("\rx   \r" + " ".repeat(120) + "\r");
    }

    @Test
    void givesTheTextTheSecondsSinceItWasMade() {
        line.update(elapsed -> String.valueOf(elapsed >= 0 && elapsed < 60));

        assertThat(printed()).isEqualTo("\rtrue   ");
    }

    @Test
    void withoutATerminalDrawsNothing() {
        ProgressLine silent = new ProgressLine(null);

        silent.update(elapsed -> "never");
        silent.done();

        assertThat(silent.draws()).isFalse();
        assertThat(line.draws()).isTrue();
    }
}
