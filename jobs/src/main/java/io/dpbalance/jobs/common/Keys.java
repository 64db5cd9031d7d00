package io.dpbalance.jobs.common;

/**
 * The String keys of the job's keyed streams (conventions: key by strings, never by a record). Free-text parts are
 * length-prefixed, so that two different tuples never make the same key whatever characters their ids hold; numeric
 * parts come last, after a '/'.
 */
public final class Keys {

    private Keys() {}

    /** One request of one cluster. */
    public static String request(String clusterId, String requestId) {
        return clusterId.length() + ":" + clusterId + requestId;
    }

    /** One step of one cluster: its step window. */
    public static String step(String clusterId, long step) {
        return clusterId.length() + ":" + clusterId + "/" + step;
    }

    /** One cluster under one policy. */
    public static String clusterPolicy(String clusterId, String policy) {
        return clusterId.length() + ":" + clusterId + policy;
    }

    /** The cluster part of a {@link #clusterPolicy} key. */
    public static String clusterOf(String clusterPolicyKey) {
        int colon = clusterPolicyKey.indexOf(':');
        int length = Integer.parseInt(clusterPolicyKey.substring(0, colon));
        return clusterPolicyKey.substring(colon + 1, colon + 1 + length);
    }

    /** The policy part of a {@link #clusterPolicy} key. */
    public static String policyOf(String clusterPolicyKey) {
        int colon = clusterPolicyKey.indexOf(':');
        int length = Integer.parseInt(clusterPolicyKey.substring(0, colon));
        return clusterPolicyKey.substring(colon + 1 + length);
    }
}
