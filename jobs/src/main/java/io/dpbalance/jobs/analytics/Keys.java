package io.dpbalance.jobs.analytics;

/**
 * The String keys of the job's keyed streams (conventions: key by strings, never by a record). Free-text parts are
 * length-prefixed, so that two different tuples never make the same key whatever characters their ids hold; numeric
 * parts come last, after a '/'.
 */
final class Keys {

  private Keys() {}

  /** One request of one cluster. */
  static String request(String clusterId, String requestId) {
    return clusterId.length() + ":" + clusterId + requestId;
  }

  /** One step of one cluster: its step window. */
  static String step(String clusterId, long step) {
    return clusterId.length() + ":" + clusterId + "/" + step;
  }

  /** One cluster under one policy. */
  static String clusterPolicy(String clusterId, String policy) {
    return clusterId.length() + ":" + clusterId + policy;
  }
}
