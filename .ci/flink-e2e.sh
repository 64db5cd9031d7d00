#!/usr/bin/env bash
# End-to-end test of the trace analytics job on a real Flink cluster, driven as a user drives it: a Kafka broker
# process, a Flink session cluster of one JobManager and two TaskManager processes, a decode log from datagen, the
# shaded job jar submitted with `analytics --jobmanager` (parallelism 2, so records cross between the TaskManagers;
# exactly-once, so the count read back with read_committed is exact), then one StepMetrics per simulated step, with
# the log's tokens, awaited in dp.step-metrics, the job cancelled and everything stopped. Uses its own folder and free
# ports, so a developer's broker and cluster are left alone, and always stops what it started. Fails, never skips.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dpbalance-flink-e2e.XXXXXX")"
RANKS=4
CLUSTERS=2
# How long the job may take to write every step's metrics once it runs (84 s seen on a machine at load 20).
RESULT_TIMEOUT="${FLINK_E2E_RESULT_TIMEOUT:-300}"

E2E_NAME=flink-e2e
# shellcheck source=.ci/lib.sh
source .ci/lib.sh

KAFKA_PORT="${FLINK_E2E_KAFKA_PORT:-$(free_port)}"
KAFKA_CONTROLLER_PORT="${FLINK_E2E_KAFKA_CONTROLLER_PORT:-$(free_port)}"
REST_PORT="${FLINK_E2E_REST_PORT:-$(free_port)}"
RPC_PORT="${FLINK_E2E_RPC_PORT:-$(free_port)}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
JOBMANAGER="127.0.0.1:$REST_PORT"

cleanup() {
  local status=$?
  if [[ $status != 0 ]]; then
    show_flink_failure "$WORK/flink"
  fi
  bin/dpbalance flink stop --dir "$WORK/flink" >/dev/null 2>&1 || true
  bin/dpbalance kafka stop --dir "$WORK/kafka" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT

echo "== build (the launcher builds what each command needs; not part of the timings below)"
for command in kafka flink topics analytics; do
  bin/dpbalance "$command" --help >/dev/null
done
started_at=$SECONDS

echo "== kafka start (127.0.0.1:$KAFKA_PORT) and flink start (REST $JOBMANAGER), side by side"
t0=$SECONDS
# Generous waits: on a 2-core machine shared with other builds, each start has been seen to take 40 s.
bin/dpbalance kafka start --dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" \
  --wait 120 >"$WORK/kafka-start.txt" 2>&1 &
kafka_start=$!
bin/dpbalance flink start --dir "$WORK/flink" --taskmanagers 2 --slots 1 --taskmanager-memory 1280m \
  --rest-port "$REST_PORT" --rpc-port "$RPC_PORT" --wait 180
if ! wait "$kafka_start"; then
  cat "$WORK/kafka-start.txt" >&2
  fail "kafka start failed"
fi
cat "$WORK/kafka-start.txt"
echo "(both ready after $((SECONDS - t0)) s)"
bin/dpbalance flink status --dir "$WORK/flink" | tee "$WORK/status.txt"
grep -q "2 TaskManagers registered, 2 of 2 slots free" "$WORK/status.txt" || fail "the cluster does not show 2 TaskManagers"

echo "== topics and a decode log of $CLUSTERS clusters x $RANKS ranks"
bin/dpbalance topics create --bootstrap "$BOOTSTRAP" --partitions 2 >/dev/null
bin/dpbalance datagen decode-log --bootstrap "$BOOTSTRAP" --as-fast-as-possible \
  --synthetic "n=400;arrival=poisson:rate=40;prompt=lognormal:mean=400,sigma=1,max=4000;output=geometric:mean=48;seed=11" \
  --ranks "$RANKS" --batch 16 --clusters "$CLUSTERS" --cluster-prefix e2e- --start-time 2026-01-01T00:00:00Z \
  | tee "$WORK/decode-log.txt"
rank_steps="$(awk '$1 == "dp.rank-steps" {print $2}' "$WORK/decode-log.txt")"
token_events="$(awk '$1 == "dp.token-events" {print $2}' "$WORK/decode-log.txt")"
[[ "$rank_steps" =~ ^[0-9]+$ && "$rank_steps" -gt 0 && "$token_events" =~ ^[0-9]+$ ]] \
  || fail "no rank-steps or token-events count in datagen's summary"
# One rank-step per rank per step, idle ranks included: the steps the clusters made, each one StepMetrics. One token
# event per running request per step: the tokens the steps generated.
expected=$((rank_steps / RANKS))
echo "expecting $expected StepMetrics (the steps of e2e-0 and e2e-1) generating $token_events tokens"
# The last steps of a log close only when event time moves past them: a later log of another cluster, an hour on, in
# both partitions, moves the watermark past every step of the first.
bin/dpbalance datagen decode-log --bootstrap "$BOOTSTRAP" --as-fast-as-possible \
  --synthetic "n=20;prompt=constant:value=32;output=constant:value=8" \
  --ranks 8 --batch 4 --cluster-prefix later- --start-time 2026-01-01T01:00:00Z >/dev/null

echo "== analytics --jobmanager $JOBMANAGER"
t0=$SECONDS
bin/dpbalance analytics --jobmanager "$JOBMANAGER" --bootstrap "$BOOTSTRAP" --parallelism 2 \
  --delivery-guarantee exactly-once --checkpoint-interval 2s --transactional-id-prefix "flink-e2e-$$" \
  --group-id flink-e2e --starting-offsets earliest | tee "$WORK/submit.txt"
job_id="$(sed -n 's/^submitted job \([0-9a-f]\{32\}\) to .*/\1/p' "$WORK/submit.txt")"
[[ -n "$job_id" ]] || fail "analytics did not print the submitted job's id"
grep -q "^job $job_id is RUNNING" "$WORK/submit.txt" || fail "analytics did not report job $job_id running"
echo "(submitted and running after $((SECONDS - t0)) s)"

echo "== a second job while the first holds both slots: its submitter must say that it waits for slots"
set +e
bin/dpbalance shadow --jobmanager "$JOBMANAGER" --bootstrap "$BOOTSTRAP" --parallelism 1 --group-id flink-e2e-shadow \
  --submission-timeout 8s >"$WORK/submit-shadow.txt" 2>&1
status=$?
set -e
grep -v '^\s*at ' "$WORK/submit-shadow.txt" | head -n 3 | cut -c1-300
[[ $status != 0 ]] || fail "shadow --jobmanager on a cluster without free slots did not fail"
grep -q "waiting for task slots: the job needs 1 (its largest parallelism), the cluster has 2 on 2 TaskManager(s), 0" \
  "$WORK/submit-shadow.txt" || fail "shadow --jobmanager did not say that the cluster lacks slots"
shadow_id="$(sed -n 's/^submitted job \([0-9a-f]\{32\}\) to .*/\1/p' "$WORK/submit-shadow.txt")"
[[ -n "$shadow_id" ]] || fail "shadow did not print the submitted job's id"
bin/dpbalance flink cancel "$shadow_id" --dir "$WORK/flink" >/dev/null

echo "== waiting for $expected committed StepMetrics in dp.step-metrics (at most $RESULT_TIMEOUT s)"
t0=$SECONDS
count_steps() {
  bin/dpbalance datagen tail --bootstrap "$BOOTSTRAP" --topic dp.step-metrics --from-beginning --max 10000000 \
    >"$WORK/step-metrics.jsonl" || return 1
  grep -c '"cluster_id":"e2e-' "$WORK/step-metrics.jsonl" || true
}
while true; do
  count="$(count_steps)" || fail "reading dp.step-metrics failed"
  echo "  $((SECONDS - t0)) s: $count"
  if [[ "$count" -ge "$expected" ]]; then
    break
  fi
  state="$(bin/dpbalance flink jobs --dir "$WORK/flink" | awk -v id="$job_id" '$1 == id {print $2}')"
  [[ "$state" == RUNNING ]] || fail "job $job_id is ${state:-unknown} before writing every step's metrics"
  if ((SECONDS - t0 > RESULT_TIMEOUT)); then
    fail "only $count of $expected StepMetrics after $RESULT_TIMEOUT s"
  fi
  sleep 2
done
echo "(all committed $((SECONDS - t0)) s after the job started running)"
[[ "$count" == "$expected" ]] || fail "$count StepMetrics of the e2e clusters, expected exactly $expected"
distinct="$(grep -o '"cluster_id":"e2e-[0-9]*","policy":"observed","step":[0-9]*' "$WORK/step-metrics.jsonl" \
  | sort -u | wc -l)"
[[ "$distinct" == "$expected" ]] || fail "$distinct distinct (cluster, step) StepMetrics, expected $expected"
sum_tokens() {
  grep '"cluster_id":"e2e-' "$1" | grep -o '"tokens":[0-9]*' | cut -d: -f2 | awk '{s += $1} END {print s + 0}'
}
step_tokens="$(sum_tokens "$WORK/step-metrics.jsonl")"
[[ "$step_tokens" == "$token_events" ]] || fail "the StepMetrics count $step_tokens tokens, expected $token_events"

echo "== window metrics and dead letters"
bin/dpbalance datagen tail --bootstrap "$BOOTSTRAP" --topic dp.window-metrics --from-beginning --max 10000000 \
  >"$WORK/window-metrics.jsonl"
window_steps="$(grep '"cluster_id":"e2e-' "$WORK/window-metrics.jsonl" \
  | sed -n 's/.*"steps":\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')"
window_tokens="$(sum_tokens "$WORK/window-metrics.jsonl")"
echo "window metrics of the e2e clusters: $(grep -c '"cluster_id":"e2e-' "$WORK/window-metrics.jsonl") windows," \
  "$window_steps steps, $window_tokens tokens"
[[ "$window_steps" == "$expected" ]] || fail "the e2e clusters' windows hold $window_steps steps, expected $expected"
[[ "$window_tokens" == "$token_events" ]] || fail "the e2e clusters' windows count $window_tokens tokens, expected" \
  "$token_events"
dead_letters="$(bin/dpbalance datagen tail --bootstrap "$BOOTSTRAP" --topic dp.dead-letter --from-beginning \
  --max 10000000 | wc -l)"
[[ "$dead_letters" == 0 ]] || fail "$dead_letters dead letters from a clean decode log"

echo "== flink cancel $job_id"
bin/dpbalance flink cancel "$job_id" --dir "$WORK/flink"
bin/dpbalance flink jobs --dir "$WORK/flink" | tee "$WORK/jobs.txt"
grep -Eq "^$job_id +CANCELED " "$WORK/jobs.txt" || fail "job $job_id is not CANCELED"

echo "== flink stop, kafka stop"
bin/dpbalance flink stop --dir "$WORK/flink"
bin/dpbalance kafka stop --dir "$WORK/kafka"
set +e
bin/dpbalance flink status --dir "$WORK/flink" >/dev/null
status=$?
set -e
[[ $status == 3 ]] || fail "flink status after stop exited $status, expected 3"

echo "flink-e2e: passed in $((SECONDS - started_at)) s (after the build)"
