# Shared by the end-to-end scripts (.ci/flink-e2e.sh, .ci/flink-crash-e2e.sh, .ci/appmode-e2e.sh); sourced, not run.
# The sourcing script sets E2E_NAME (how its failures are labelled) first.

# Fails the script with a message on stderr.
fail() {
  E2E_FAILURE="$*"
  echo "${E2E_NAME:-e2e}: FAILED: $*" >&2
  exit 1
}

# A port nothing listens on, picked at random in 20000-29999 (checked again by the start commands).
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 10000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  fail "no free port found"
}

# After a failure: the Flink cluster's jobs and the last WARN/ERROR lines of each of its logs (FLINK_DIR), on stderr.
show_flink_failure() { # FLINK_DIR
  echo "== $E2E_NAME failed; the cluster's view and its logs' last lines:" >&2
  bin/dpbalance flink jobs --dir "$1" >&2 || true
  for log in "$1"/log/*.log "$1"/log/*.out; do
    [[ -s "$log" ]] || continue
    echo "--- $log (WARN/ERROR, last 30)" >&2
    grep -E ' (WARN|ERROR) |Exception' "$log" | grep -v 'Name collision' | tail -n 30 | cut -c1-400 >&2 || true
  done
  # Once more after the logs, so that the tail of a CI log still says what failed.
  [[ -z "${E2E_FAILURE:-}" ]] || echo "$E2E_NAME: FAILED: $E2E_FAILURE (the cluster's logs above)" >&2
}
