package io.dpbalance.jobs.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Reading the REST API's answers: a job's tasks by state, the slots it needs, and when the cluster lacks them. */
class ClusterSubmissionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The parts of GET /jobs/<id> the submitter reads (Flink 2.2): vertices with parallelism and tasks by state. */
    private static JsonNode job(String... vertices) throws Exception {
        return JSON.readTree("{\"jid\":\"x\",\"state\":\"RUNNING\",\"vertices\":[" + String.join(",", vertices) + "]}");
    }

    private static String vertex(int parallelism, String tasks) {
        return "{\"id\":\"v\",\"parallelism\":" + parallelism + ",\"status\":\"RUNNING\",\"tasks\":{" + tasks + "}}";
    }

    @Test
    void aJobRunsOnlyWhenEveryTaskRuns() throws Exception {
        ClusterSubmission.Tasks starting = ClusterSubmission.tasks(
                job(vertex(2, "\"RUNNING\":1,\"INITIALIZING\":1,\"SCHEDULED\":0"), vertex(1, "\"RUNNING\":1")));
        assertThat(starting.total()).isEqualTo(3);
        assertThat(starting.allRunning()).isFalse();

        ClusterSubmission.Tasks running =
                ClusterSubmission.tasks(job(vertex(2, "\"RUNNING\":2,\"CREATED\":0"), vertex(1, "\"RUNNING\":1")));
        assertThat(running.allRunning()).isTrue();
        assertThat(running.byState()).containsOnlyKeys("RUNNING");
    }

    @Test
    void saysWhenTheClusterHasTooFewSlots() throws Exception {
        ClusterSubmission.Tasks waiting =
                ClusterSubmission.tasks(job(vertex(4, "\"SCHEDULED\":4"), vertex(2, "\"CREATED\":2")));
        assertThat(waiting.slotsNeeded()).isEqualTo(4);
        assertThat(waiting.waiting()).isEqualTo(6);
        JsonNode overview = JSON.readTree("{\"taskmanagers\":1,\"slots-total\":2,\"slots-available\":1}");
        assertThat(ClusterSubmission.slotShortage(overview, waiting))
                .startsWith(
                        "waiting for task slots: the job needs 4 (its largest parallelism), the cluster has 2 on 1 TaskManager(s), "
                                + "1 of them free now; 6 of 6 tasks wait");
        JsonNode roomy = JSON.readTree("{\"taskmanagers\":2,\"slots-total\":8,\"slots-available\":8}");
        assertThat(ClusterSubmission.slotShortage(roomy, waiting)).isNull();
    }
}
