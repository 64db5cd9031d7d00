package io.dpbalance.engine.sim;

import io.dpbalance.engine.model.Request;

/**
 * Sees a step at the granularity of production decode logs: every token of every running request, then every
 * rank's share of the step. Opt-in ({@link ClusterSimulation#observeDecode}), since it costs a call per token.
 */
public interface DecodeObserver {

    /**
     * One token of one request, after it was generated and before departures.
     *
     * @param contextTokens prompt plus tokens generated so far, this one included
     * @param last          the request's last token: it leaves its rank at the end of this step
     */
    void onToken(
            Request request,
            int rank,
            long step,
            double stepStart,
            double stepSeconds,
            int contextTokens,
            boolean last);

    /**
     * One rank's share of one step, after departures.
     *
     * @param running  requests that ran on the rank in this step (one token each)
     * @param kvTokens resident tokens at the end of the step: after its token, without the requests that finished
     */
    void onRankStep(int rank, long step, double stepStart, double stepSeconds, int running, long kvTokens);
}
