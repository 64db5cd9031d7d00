#!/usr/bin/env bash
# Smoke test of the local Kafka broker as a user drives it: start, status, topics create/describe, a second start
# that must not launch a second broker, stop, status. Uses its own folder and ports so a developer's broker on
# 9092 is left alone, and always stops its broker on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

# Ports below the kernel's ephemeral range (32768-60999 here): a port inside it can be an outgoing connection's own
# source port, and a client that dials it before the broker listens connects to itself (seen once: the broker's
# admin client read its own ApiVersions request back, CorrelationIdMismatchException, and the start failed).
PORT="${KAFKA_SMOKE_PORT:-28092}"
CONTROLLER_PORT="${KAFKA_SMOKE_CONTROLLER_PORT:-28093}"
DIR="$(mktemp -d "${TMPDIR:-/tmp}/dpbalance-kafka-smoke.XXXXXX")"
BOOTSTRAP="127.0.0.1:$PORT"

cleanup() {
  bin/dpbalance kafka stop --dir "$DIR" >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

fail() {
  echo "kafka-smoke: FAILED: $*" >&2
  exit 1
}

echo "== kafka start"
bin/dpbalance kafka start --dir "$DIR" --port "$PORT" --controller-port "$CONTROLLER_PORT"
PID="$(cat "$DIR/kafka.pid")"
echo "broker RSS: $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$PID/status")"

echo "== kafka status"
bin/dpbalance kafka status --dir "$DIR" | tee "$DIR/status.txt"
grep -q "bootstrap $BOOTSTRAP" "$DIR/status.txt" || fail "status does not show $BOOTSTRAP"

echo "== topics create"
bin/dpbalance topics create --bootstrap "$BOOTSTRAP" --partitions 2 --partitions-for dp.token-events=4

echo "== topics describe"
bin/dpbalance topics describe --bootstrap "$BOOTSTRAP" | tee "$DIR/describe.txt"
[[ "$(grep -c '^dp\.' "$DIR/describe.txt")" == 7 ]] || fail "describe does not list the 7 spec topics"
grep -Eq '^dp\.token-events +4 +1 ' "$DIR/describe.txt" || fail "dp.token-events does not have 4 partitions"

echo "== kafka start (again: must not start a second broker)"
bin/dpbalance kafka start --dir "$DIR" --port "$PORT" --controller-port "$CONTROLLER_PORT" | tee "$DIR/again.txt"
grep -q "already running: pid $PID" "$DIR/again.txt" || fail "second start did not find the running broker $PID"
[[ "$(pgrep -fc "kafka.Kafka $DIR/server.properties")" == 1 ]] || fail "more than one broker runs on $DIR"

echo "== kafka stop"
bin/dpbalance kafka stop --dir "$DIR"
[[ ! -e "/proc/$PID" ]] || fail "broker pid $PID still runs after stop"
[[ ! -e "$DIR/kafka.pid" ]] || fail "pid file left after stop"

echo "== kafka status (expect exit 3)"
set +e
bin/dpbalance kafka status --dir "$DIR"
status=$?
set -e
[[ $status == 3 ]] || fail "status after stop exited $status, expected 3"

echo "kafka-smoke: passed"
