package io.dpbalance.jobs.analytics;

import java.util.List;

/**
 * What {@link RequestStepOrderFunction} keeps per request besides its waiting tokens: the last step it passed, and the
 * timers it has registered, so that it registers one release timer per watermark advance rather than one per token.
 * A Flink POJO.
 */
public final class RequestProgress {

    /** No release timer is registered. */
    static final long NO_TIMER = Long.MAX_VALUE;

    public String clusterId;
    public String requestId;
    /** The topic of the request's tokens (each waiting token that came from it leaves its own null). */
    public String topic;
    /** Whether a token passed and the request is remembered: not before its first, nor once it is forgotten. */
    public boolean passed;
    /** Step of the last token passed; meaningful while {@link #passed}. */
    public long lastStep;
    /** Event time of the last token passed, epoch milliseconds; meaningful while {@link #passed}. */
    public long lastTime;
    /** Time of the registered release timer that has not fired yet, at or before every waiting token's; else NO_TIMER. */
    public long releaseAt = NO_TIMER;
    /** Time of the latest idle-check timer registered. */
    public long idleCheckAt = Long.MIN_VALUE;
    /** Latest event time among the waiting tokens; Long.MIN_VALUE when none waits. */
    public long latestWaiting = Long.MIN_VALUE;
    /** How many tokens wait. */
    public int waitingTokens;
    /**
     * Whether the waiting tokens are in event-time order, as they are unless one arrived out of order: the ones a
     * watermark passes are then the first of the list, and the check reads no further.
     */
    public boolean waitingInTimeOrder = true;

    public RequestProgress() {}

    static RequestProgress of(RequestToken first) {
        RequestProgress progress = new RequestProgress();
        progress.clusterId = first.clusterId();
        progress.requestId = first.requestId();
        progress.topic = first.topic();
        return progress;
    }

    /** The token as it waits in state: without the strings this progress holds once. */
    RequestToken waiting(RequestToken token) {
        return token.withStrings(null, null, topic.equals(token.topic()) ? null : token.topic());
    }

    /** A token that waited, whole again. */
    RequestToken released(RequestToken waiting) {
        return waiting.withStrings(clusterId, requestId, waiting.topic() == null ? topic : waiting.topic());
    }

    /** A token of this time joins the waiting ones, at the end. */
    void waits(long time) {
        waitingTokens++;
        if (time < latestWaiting) {
            waitingInTimeOrder = false;
        } else {
            latestWaiting = time;
        }
    }

    /** The tokens that wait from now on, in event-time order. */
    void waitingNow(List<RequestToken> tokens) {
        waitingTokens = tokens.size();
        waitingInTimeOrder = true;
        latestWaiting = tokens.isEmpty()
                ? Long.MIN_VALUE
                : tokens.get(tokens.size() - 1).time();
    }

    /** Forgets the request's last step: the request went quiet (finished or not) for the idle timeout. */
    void forget() {
        passed = false;
        lastStep = 0;
        lastTime = 0;
    }
}
