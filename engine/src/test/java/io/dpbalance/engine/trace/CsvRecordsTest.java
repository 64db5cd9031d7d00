package io.dpbalance.engine.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain-file reader yields what Commons CSV yields, record by record and line by line. */
class CsvRecordsTest {

    @TempDir
    Path dir;

    /** Each record's fields and the line it starts on, then the line reported at the end. */
    private static List<String> records(CsvRecords csv) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> fields;
        while ((fields = csv.next()) != null) {
            out.add(csv.recordLine() + " " + fields);
        }
        return out;
    }

    private void assertSameAsCommons(String content) throws IOException {
        Path file = Files.write(dir.resolve("t.csv"), content.getBytes(StandardCharsets.UTF_8));
        assertThat(CsvRecords.Plain.of(Files.readAllBytes(file)))
                .as("plain: %s", content)
                .isNotNull();
        List<String> plain;
        try (CsvRecords csv = CsvRecords.open(file, "t.csv")) {
            plain = records(csv);
        }
        List<String> commons;
        try (CsvRecords csv = CsvRecords.openCommons(file, "t.csv")) {
            commons = records(csv);
        }
        assertThat(plain)
                .as("records of %s", content.replace("\r", "\\r").replace("\n", "\\n"))
                .isEqualTo(commons);
    }

    @Test
    void readsPlainFilesAsCommonsCsvDoes() throws IOException {
        for (String content : new String[] {
            "",
            "\n",
            "a,b,c\n1,2,3\n",
            "a,b,c\r\n1,2,3\r\n",
            "a,b,c\n1,2,3",
            "\uFEFFa,b\n1,2\n",
            "\n\na,b\n\n  \n\t\n1,2\n\n",
            "a,b\n,\n,,\n 1 , 2 \n1,2,3,4\n1\n",
            "a,b\r\n\r\n1,2\r\n",
        }) {
            assertSameAsCommons(content);
        }
    }

    @Test
    void readsRandomPlainFilesAsCommonsCsvDoes() throws IOException {
        String[] pieces = {"a", "7", ",", " ", "\t", "\n", "\r\n", "2023-11-16 18:15:46.6805900", "x.y"};
        Random random = new Random(12);
        for (int n = 0; n < 300; n++) {
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? "\uFEFF" : "");
            int parts = random.nextInt(40);
            for (int i = 0; i < parts; i++) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            assertSameAsCommons(sb.toString());
        }
    }

    @Test
    void leavesQuotesLoneCarriageReturnsAndNonAsciiToCommonsCsv() {
        for (String content : new String[] {"a,\"b,c\"\n", "a,b\r1,2\n", "a,b\n1,2\r", "a,é\n"}) {
            assertThat(CsvRecords.Plain.of(content.getBytes(StandardCharsets.UTF_8)))
                    .as(content)
                    .isNull();
        }
    }
}
