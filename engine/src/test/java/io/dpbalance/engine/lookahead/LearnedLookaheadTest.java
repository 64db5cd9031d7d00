package io.dpbalance.engine.lookahead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LearnedLookaheadTest {

    /** Geometric output with mean 50 for prompts under 1000 tokens, 400 from 1000 on. */
    private static int output(int prompt, SplittableRandom random) {
        double p = prompt < 1000 ? 1.0 / 50 : 1.0 / 400;
        return 1 + (int) Math.floor(Math.log(1 - random.nextDouble()) / Math.log(1 - p));
    }

    private static LearnedLookahead trained(LearnedLookahead learned, int requests, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < requests; i++) {
            int prompt = random.nextDouble() < 0.5 ? 300 + random.nextInt(300) : 2000 + random.nextInt(2000);
            learned.onFinished(prompt, output(prompt, random));
        }
        return learned;
    }

    @Test
    void learnsTheSurvivalOfEachPromptBucket() {
        LearnedLookahead learned = trained(new LearnedLookahead(), 100_000, 1);
        // geometric: P(O > a + h | O > a) = (1 - p)^h at every age, per prompt class
        for (int age : new int[] {0, 20, 60}) {
            assertThat(learned.survival(0, 400, age, 0, 20))
                    .as("short prompts, age %d", age)
                    .isCloseTo(Math.pow(1 - 1.0 / 50, 20), within(0.02));
            assertThat(learned.survival(0, 3000, age, 0, 20))
                    .as("long prompts, age %d", age)
                    .isCloseTo(Math.pow(1 - 1.0 / 400, 20), within(0.02));
        }
        // without a prompt: the pooled mixture, between the two
        double pooled = learned.survival(0, 0, 0, 20);
        assertThat(pooled).isGreaterThan(Math.pow(1 - 1.0 / 50, 20) + 0.05).isLessThan(Math.pow(1 - 1.0 / 400, 20));
        // the prompt tells who leaves soon, so the predictor has skill and BF-IO keeps its horizon
        assertThat(learned.skillAt(20)).isGreaterThan(0.1);
        assertThat(learned.horizon(20)).isEqualTo(20);
    }

    @Test
    void aSparseBucketLeansOnThePooledSurvival() {
        LearnedLookahead learned = trained(new LearnedLookahead(), 20_000, 2);
        learned.onFinished(100_000, 5);
        // one finished request in the bucket of 100k-token prompts: the prior (16 pseudo-requests) keeps it near
        // the pool, not at the single observation's S = 0 beyond 5 tokens
        double pooled = learned.survival(0, 0, 0, 10);
        assertThat(learned.survival(0, 100_000, 0, 0, 10)).isCloseTo(pooled * 16 / 17, within(1e-9));
    }

    @Test
    void anUninformativePredictorGivesBfioNoHorizon() {
        // memoryless lengths, independent of the prompt: every running request looks alike
        LearnedLookahead learned = new LearnedLookahead();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 50_000; i++) {
            learned.onFinished(1 + random.nextInt(4000), output(0, random));
        }
        assertThat(Math.abs(learned.skillAt(20))).isLessThan(0.01);
        assertThat(learned.horizon(20)).isZero();
    }

    @Test
    void noHorizonBeforeTheWarmupAndSurvivalOneBeforeAnyData() {
        LearnedLookahead learned = new LearnedLookahead();
        assertThat(learned.survival(0, 500, 10, 0, 5)).isEqualTo(1.0);
        assertThat(learned.remaining(0, 10, 0)).isEqualTo(Lookahead.UNKNOWN);
        trained(learned, LearnedLookahead.DEFAULT_WARMUP - 1, 4);
        assertThat(learned.horizon(20)).isZero();
    }

    @Test
    void neverReadsTheTrueLengthOfARunningRequest() {
        LearnedLookahead learned = trained(new LearnedLookahead(), 5_000, 5);
        for (int age : new int[] {0, 7, 100}) {
            double s = learned.survival(9, 700, age, 1, 10);
            assertThat(learned.survival(9, 700, age, 100_000, 10)).isEqualTo(s);
            assertThat(learned.remaining(9, age, 1)).isEqualTo(learned.remaining(9, age, 100_000));
        }
    }

    @Test
    void savedStateRestoresTheSamePredictionsAndHorizon() {
        LearnedLookahead learned = trained(new LearnedLookahead(), 3_000, 6);
        learned.onFinished(0, 77);
        LearnedLookahead copy = new LearnedLookahead();
        copy.restoreState(learned.saveState());
        assertThat(copy.observations()).isEqualTo(learned.observations());
        assertThat(copy.horizon(20)).isEqualTo(learned.horizon(20));
        assertThat(copy.skillAt(20)).isEqualTo(learned.skillAt(20));
        for (int prompt : new int[] {0, 400, 3000}) {
            for (int age : new int[] {0, 30, 300}) {
                assertThat(copy.survival(0, prompt, age, 0, 20)).isEqualTo(learned.survival(0, prompt, age, 0, 20));
            }
        }
        // and both go on learning alike
        learned.onFinished(500, 12);
        copy.onFinished(500, 12);
        assertThat(copy.skillAt(5)).isEqualTo(learned.skillAt(5));
    }

    @Test
    void parsesItsParametersAndNamesTheFlagAtFault() {
        assertThat(Lookahead.parse("learned", 1).name()).isEqualTo("learned");
        assertThat(Lookahead.parse("learned:prior=4:min-skill=0.2", 1).name())
                .isEqualTo("learned:prior=4:min-skill=0.2");
        assertThatThrownBy(() -> Lookahead.parse("learned:depth=3", 1))
                .hasMessageContaining("learned has no parameter 'depth'");
        assertThatThrownBy(() -> Lookahead.parse("learned:prior=x", 1)).hasMessageContaining("prior needs a number");
        assertThatThrownBy(() -> Lookahead.parse("learned:ratio=1", 1)).hasMessageContaining("ratio must be > 1");
        assertThatThrownBy(() -> Lookahead.parse("learned:min-skill=2", 1)).hasMessageContaining("min-skill");
        assertThat(Lookahead.parse("learned:tail=16", 1).name()).isEqualTo("learned:tail=16");
        assertThatThrownBy(() -> Lookahead.parse("learned:tail=-1", 1)).hasMessageContaining("tail must be");
    }

    /**
     * Without {@code tail} a request near the longest length seen so far is predicted to leave by then for sure; with
     * {@code tail=m} (m requests that never finish in every bucket and the pool) it leans toward "keeps running"
     * where few finished requests reached its age, and barely changes where many did.
     */
    @Test
    void theTailKeepsRequestsNearTheLongestSeenRunning() {
        LearnedLookahead plain = new LearnedLookahead();
        LearnedLookahead tailed = new LearnedLookahead(16, 2, 0.03, 200, 16);
        for (LearnedLookahead l : new LearnedLookahead[] {plain, tailed}) {
            for (int i = 0; i < 900; i++) {
                l.onFinished(0, 10 + i % 90); // lengths 10..99, 10 of each, pooled only
            }
        }
        // age 95: 40 of 900 finished requests got there (96..99), none beyond 115
        assertThat(plain.survival(0, 95, 0, 20)).isZero();
        assertThat(tailed.survival(0, 95, 0, 20)).isCloseTo(16.0 / (40 + 16), within(1e-12));
        // age 0, 5 steps on: every finished request is still running at 5, with or without the tail
        assertThat(tailed.survival(0, 0, 0, 5))
                .isEqualTo(plain.survival(0, 0, 0, 5))
                .isEqualTo(1.0);
        // age 20, 10 steps on: 690 of the 790 that got there; the tail moves it by under 0.3 %
        assertThat(plain.survival(0, 20, 0, 10)).isCloseTo(690.0 / 790, within(1e-12));
        assertThat(tailed.survival(0, 20, 0, 10)).isCloseTo((690.0 + 16) / (790 + 16), within(1e-12));
        // a bucket's own estimate gets the same pseudo-requests: prompts of 400 tokens, lengths 10..99 again
        for (int i = 0; i < 900; i++) {
            tailed.onFinished(400, 10 + i % 90);
        }
        double pooled = tailed.survival(0, 95, 0, 20);
        assertThat(tailed.survival(0, 400, 95, 0, 20))
                .isCloseTo((0 + 16 + 16 * pooled) / (40 + 16 + 16), within(1e-12));
    }
}
