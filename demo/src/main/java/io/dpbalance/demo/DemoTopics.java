package io.dpbalance.demo;

import io.dpbalance.datagen.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The demo's topics: the spec's dp.* topics under the demo prefix (made by {@code topics create}, one partition each:
 * one cluster's records are ordered in one partition anyway, and no empty partition holds the jobs' watermarks back),
 * and one more for the shadow's input.
 */
final class DemoTopics {

    static final String REQUESTS = "dp.requests";
    static final String TOKEN_EVENTS = "dp.token-events";
    static final String RANK_STEPS = "dp.rank-steps";
    static final String STEP_METRICS = "dp.step-metrics";
    static final String WINDOW_METRICS = "dp.window-metrics";
    static final String ASSIGNMENTS = "dp.assignments";
    static final String DEAD_LETTER = "dp.dead-letter";

    /**
     * The prefix of the shadow's input within the demo prefix. Production's decode log carries its own dp.requests (each
     * request at arrival without its output length, then again when it finished); the shadow instead reads the same
     * requests replayed with the output length known at arrival, so that it needs no long lag and shows results
     * within seconds.
     */
    static final String SHADOW_INPUT = "shadow-in.";

    private DemoTopics() {}

    static void create(String bootstrap, String prefix) {
        StringWriter out = new StringWriter();
        int exit = Main.commandLine()
                .setOut(new PrintWriter(out))
                .setErr(new PrintWriter(out))
                .execute("topics", "create", "--bootstrap", bootstrap, "--prefix", prefix, "--partitions", "1");
        if (exit != 0) {
            throw new IllegalStateException("creating the demo's topics failed (exit " + exit + "):\n" + out);
        }
        String shadowInput = prefix + SHADOW_INPUT + REQUESTS;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(shadowInput, 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("creating topic " + shadowInput + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + shadowInput, e);
        }
    }
}
