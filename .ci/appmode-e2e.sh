#!/usr/bin/env bash
# End-to-end test of the trace analytics job in Flink application mode, as docker-compose.yml runs it, without Docker:
# the images' contents built by deploy/build.sh (as the Dockerfile's build stage); a Kafka broker process; the topics
# and a decode log paced in real time by the tools image's `dpbalance` on the tools image's jars; a TaskManager process
# and an application-mode JobManager process (StandaloneApplicationClusterEntryPoint, what the Flink image's
# `standalone-job` runs, from the flink-container artifact) with the shaded job jar in <flink home>/usrlib, started by
# deploy/flink/application-jobmanager.sh (the compose file's JobManager command) under a fixed job id, checkpoints on a
# folder both processes share. Mid-stream the JobManager is killed with SIGKILL and started again by the same script,
# which finds the newest retained checkpoint and resumes the job from it; the job (exactly-once) must then commit
# exactly one StepMetrics per simulated step with the log's tokens -- what an unbroken run commits (.ci/flink-e2e.sh):
# no step lost, none twice. Uses its own folder and free ports, always stops what it started (by pid). Fails, never
# skips.
set -euo pipefail
cd "$(dirname "$0")/.."

WORK="$(mktemp -d "${TMPDIR:-/tmp}/dpbalance-appmode-e2e.XXXXXX")"
RANKS=4
CLUSTERS=2
JOB_ID=a1a1a1000000000000000000000000a1
RESULT_TIMEOUT="${APPMODE_E2E_RESULT_TIMEOUT:-240}"
JM_PID=""
TM_PID=""
DATAGEN_PID=""

E2E_NAME=appmode-e2e
# shellcheck source=.ci/lib.sh
source .ci/lib.sh

KAFKA_PORT="$(free_port)"
KAFKA_CONTROLLER_PORT="$(free_port)"
REST_PORT="$(free_port)"
RPC_PORT="$(free_port)"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
REST="http://127.0.0.1:$REST_PORT"
FLINK="$WORK/flink"

stop_pid() {
  local pid="$1"
  [[ -n "$pid" ]] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 30); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 1
  done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  if [[ $status != 0 ]]; then
    echo "== appmode-e2e failed; the logs' last lines:" >&2
    for log in "$FLINK"/log/*.log "$FLINK"/log/*.out; do
      [[ -s "$log" ]] || continue
      echo "--- $log (WARN/ERROR, last 30)" >&2
      grep -E ' (WARN|ERROR) |Exception|application-jobmanager' "$log" | tail -n 30 | cut -c1-400 >&2 || true
    done
  fi
  stop_pid "$DATAGEN_PID"
  stop_pid "$JM_PID"
  stop_pid "$TM_PID"
  bin/dpbalance kafka stop --dir "$WORK/kafka" >/dev/null 2>&1 || true
  if [[ $status != 0 && -n "${APPMODE_E2E_KEEP:-}" ]]; then
    echo "(kept $WORK)" >&2
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT

echo "== build: the images' contents (deploy/build.sh), the local services module (mvn package), the entry point"
mvn -q -B -DskipTests -pl localservices,datagen -am package || fail "the build failed"
deploy/build.sh || fail "deploy/build.sh failed"
for command in kafka datagen; do
  bin/dpbalance "$command" --help >/dev/null
done
# The tools image's command on the tools image's jars: topic creation and the decode logs run as compose runs them.
tools() {
  DPBALANCE_LIB="$PWD/datagen/target/image-lib" deploy/tools/dpbalance "$@"
}
flink_version="$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' pom.xml | head -n 1)"
mkdir -p "$FLINK"/{conf,lib,usrlib,log,tmp,plugins} "$WORK/flink-data"/{checkpoints,savepoints}
# StandaloneApplicationClusterEntryPoint: the one class of flink-dist's lib/ that the cluster classpath lacks.
mvn -q -B -N dependency:copy -Dartifact="org.apache.flink:flink-container:$flink_version" \
  -DoutputDirectory="$FLINK/lib" || fail "cannot fetch org.apache.flink:flink-container:$flink_version"
job_jar="$(ls jobs/target/dpbalance-jobs-*-job.jar | head -n 1)"
cp "$job_jar" "$FLINK/usrlib/"
CP="$(cat localservices/target/cluster-classpath.txt):$(ls "$FLINK"/lib/flink-container-*.jar)"
cp localservices/src/main/resources/dpbalance-flink-log4j.properties "$FLINK/conf/log4j.properties"
cat >"$FLINK/conf/config.yaml" <<YAML
jobmanager.rpc.address: 127.0.0.1
jobmanager.rpc.port: $RPC_PORT
jobmanager.bind-host: 127.0.0.1
jobmanager.memory.process.size: 1024m
taskmanager.bind-host: 127.0.0.1
taskmanager.host: 127.0.0.1
taskmanager.memory.process.size: 1536m
taskmanager.numberOfTaskSlots: 2
cluster.registration.error-delay: 1s
parallelism.default: 2
rest.address: 127.0.0.1
rest.bind-address: 127.0.0.1
rest.port: $REST_PORT
io.tmp.dirs: $FLINK/tmp
web.tmpdir: $FLINK/tmp/web
execution.checkpointing.dir: file://$WORK/flink-data/checkpoints
execution.checkpointing.savepoint-dir: file://$WORK/flink-data/savepoints
execution.checkpointing.externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
execution.checkpointing.num-retained: 3
YAML
OPENS="$(printf -- '--add-opens=java.base/%s=ALL-UNNAMED ' java.lang java.net java.io java.nio sun.nio.ch \
  java.lang.reflect java.text java.time java.util java.util.concurrent java.util.concurrent.atomic \
  java.util.concurrent.locks) --add-exports=java.base/sun.net.util=ALL-UNNAMED \
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED"

# What flink-dist's scripts do: BashJavaUtils derives the JVM memory flags and dynamic properties from config.yaml.
resource_params() {
  java -Xmx128m -cp "$CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$FLINK/conf" \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p' | tail -n 2
}
mapfile -t jm_params < <(resource_params GET_JM_RESOURCE_PARAMS)
mapfile -t tm_params < <(resource_params GET_TM_RESOURCE_PARAMS)
[[ ${#jm_params[@]} == 2 && ${#tm_params[@]} == 2 ]] || fail "BashJavaUtils derived no memory settings"
# The Flink image's `standalone-job` for this machine: the application entry point with the cluster's lib/ on the
# classpath and FLINK_LIB_DIR naming it, so that <flink home>/usrlib holds the user jar.
cat >"$FLINK/standalone-job" <<SH
#!/usr/bin/env bash
export FLINK_LIB_DIR="$FLINK/lib" FLINK_PLUGINS_DIR="$FLINK/plugins"
exec java ${jm_params[0]} $OPENS -Dlog.file="\$DPBALANCE_JM_LOG" -Dlog4j.configuration="file:$FLINK/conf/log4j.properties" \\
  -Dlog4j.configurationFile="file:$FLINK/conf/log4j.properties" -cp "$CP" \\
  org.apache.flink.container.entrypoint.StandaloneApplicationClusterEntryPoint --configDir "$FLINK/conf" \\
  ${jm_params[1]} "\$@"
SH
chmod +x "$FLINK/standalone-job"

# The compose file's JobManager command, with this machine's folders and entry point.
start_jobmanager() {
  local run="$1"
  DPBALANCE_JM_LOG="$FLINK/log/jobmanager-$run.log" FLINK_APPLICATION_ENTRYPOINT="$FLINK/standalone-job" \
    FLINK_CHECKPOINTS="$WORK/flink-data/checkpoints" FLINK_SAVEPOINTS="$WORK/flink-data/savepoints" \
    deploy/flink/application-jobmanager.sh "$JOB_ID" io.dpbalance.jobs.analytics.TraceAnalyticsJob \
    --bootstrap "$BOOTSTRAP" --parallelism 2 --delivery-guarantee exactly-once --checkpoint-interval 2s \
    --transactional-id-prefix "appmode-e2e-$$" --group-id appmode-e2e --starting-offsets earliest \
    </dev/null >"$FLINK/log/jobmanager-$run.out" 2>&1 &
  JM_PID=$!
}

job_state() {
  curl -fsS "$REST/jobs/$JOB_ID" 2>/dev/null | python3 -c '
import json, sys
job = json.load(sys.stdin)
tasks = sum(v["parallelism"] for v in job["vertices"])
running = sum(v["tasks"].get("RUNNING", 0) for v in job["vertices"])
print(job["state"] + (" all-tasks-running" if running == tasks else ""))' 2>/dev/null || echo UNKNOWN
}

await_running() {
  local t0=$SECONDS state
  while true; do
    state="$(job_state)"
    [[ "$state" == "RUNNING all-tasks-running" ]] && break
    kill -0 "$JM_PID" 2>/dev/null || fail "the JobManager exited (see $FLINK/log/jobmanager-$1.out)"
    ((SECONDS - t0 < 180)) || fail "job $JOB_ID is '$state' 180 s after the JobManager started"
    sleep 1
  done
  echo "(job $JOB_ID runs every task $((SECONDS - t0)) s after the JobManager started)"
}

count_steps() {
  bin/dpbalance datagen tail --bootstrap "$BOOTSTRAP" --topic dp.step-metrics --from-beginning --max 10000000 \
    >"$WORK/step-metrics.jsonl" || return 1
  grep -c '"cluster_id":"e2e-' "$WORK/step-metrics.jsonl" || true
}

started_at=$SECONDS
echo "== kafka start (127.0.0.1:$KAFKA_PORT), topics"
bin/dpbalance kafka start --dir "$WORK/kafka" --port "$KAFKA_PORT" --controller-port "$KAFKA_CONTROLLER_PORT" \
  --wait 120 >/dev/null
tools topics create --bootstrap "$BOOTSTRAP" --partitions 2 >/dev/null

echo "== a TaskManager, and the application's JobManager (REST $REST, job id $JOB_ID)"
java ${tm_params[0]} -XX:+UseG1GC $OPENS -Dlog.file="$FLINK/log/taskmanager.log" \
  -Dlog4j.configuration="file:$FLINK/conf/log4j.properties" -Dlog4j.configurationFile="file:$FLINK/conf/log4j.properties" \
  -cp "$CP" org.apache.flink.runtime.taskexecutor.TaskManagerRunner --configDir "$FLINK/conf" ${tm_params[1]} \
  </dev/null >"$FLINK/log/taskmanager.out" 2>&1 &
TM_PID=$!
start_jobmanager 1
await_running 1
grep -h "application-jobmanager:" "$FLINK/log/jobmanager-1.out"
grep -q "starting it fresh" "$FLINK/log/jobmanager-1.out" || fail "the first start did not start the job fresh"

echo "== a decode log of $CLUSTERS clusters x $RANKS ranks, paced in real time (about 90 s)"
tools datagen decode-log --bootstrap "$BOOTSTRAP" \
  --synthetic "n=800;arrival=poisson:rate=10;prompt=lognormal:mean=400,sigma=1,max=4000;output=geometric:mean=48;seed=11" \
  --ranks "$RANKS" --batch 16 --clusters "$CLUSTERS" --cluster-prefix e2e- --start-time 2026-01-01T00:00:00Z \
  >"$WORK/decode-log.txt" 2>&1 &
DATAGEN_PID=$!
datagen_started=$SECONDS

echo "== waiting for a completed checkpoint and committed output, then kill -9 the JobManager mid-stream"
while true; do
  completed="$( { find "$WORK/flink-data/checkpoints/$JOB_ID" -path '*/chk-*/_metadata' 2>/dev/null || true; } | wc -l)"
  count="$(count_steps)" || fail "reading dp.step-metrics failed"
  kill -0 "$DATAGEN_PID" 2>/dev/null || fail "datagen ended before the JobManager was killed: not mid-stream"
  if [[ "$completed" -gt 0 && "$count" -gt 0 && $((SECONDS - datagen_started)) -ge 20 ]]; then
    break
  fi
  ((SECONDS - datagen_started < 120)) || fail "no checkpoint or no committed output 120 s into the stream"
  sleep 2
done
kill -9 "$JM_PID"
wait "$JM_PID" 2>/dev/null || true
killed_at=$SECONDS
echo "killed the JobManager (pid $JM_PID) $((SECONDS - datagen_started)) s into the stream: $count StepMetrics" \
  "committed, newest checkpoint $(ls -d "$WORK/flink-data/checkpoints/$JOB_ID"/chk-* | sort -t- -k2 -n | tail -n 1)"

echo "== the JobManager started again by deploy/flink/application-jobmanager.sh (what the compose restart policy does)"
sleep 2
start_jobmanager 2
grep -q . "$FLINK/log/jobmanager-2.out" || sleep 1
await_running 2
grep -h "application-jobmanager:" "$FLINK/log/jobmanager-2.out"
restored="$(sed -n 's/^application-jobmanager: resuming job [0-9a-f]* from //p' "$FLINK/log/jobmanager-2.out")"
[[ -n "$restored" ]] || fail "the restarted JobManager did not resume from a retained checkpoint"
grep -q "Restoring job $JOB_ID from Checkpoint\|Starting job $JOB_ID from savepoint\|from savepoint" \
  "$FLINK/log/jobmanager-2.log" || fail "the JobManager's log does not say it restored the job from $restored"
echo "(job running again $((SECONDS - killed_at)) s after the kill)"

echo "== waiting for datagen to finish the log"
wait "$DATAGEN_PID" || { cat "$WORK/decode-log.txt" >&2; fail "datagen failed"; }
DATAGEN_PID=""
rank_steps="$(awk '$1 == "dp.rank-steps" {print $2}' "$WORK/decode-log.txt")"
token_events="$(awk '$1 == "dp.token-events" {print $2}' "$WORK/decode-log.txt")"
[[ "$rank_steps" =~ ^[0-9]+$ && "$rank_steps" -gt 0 && "$token_events" =~ ^[0-9]+$ ]] \
  || fail "no rank-steps or token-events count in datagen's summary"
expected=$((rank_steps / RANKS))
echo "datagen finished after $((SECONDS - datagen_started)) s; expecting $expected StepMetrics generating" \
  "$token_events tokens"
# The last steps close only when event time moves past them: a later log of another cluster, an hour on.
tools datagen decode-log --bootstrap "$BOOTSTRAP" --as-fast-as-possible \
  --synthetic "n=20;prompt=constant:value=32;output=constant:value=8" \
  --ranks 8 --batch 4 --cluster-prefix later- --start-time 2026-01-01T01:00:00Z >/dev/null

echo "== waiting for $expected committed StepMetrics (at most $RESULT_TIMEOUT s)"
t0=$SECONDS
while true; do
  count="$(count_steps)" || fail "reading dp.step-metrics failed"
  echo "  $((SECONDS - t0)) s: $count"
  [[ "$count" -ge "$expected" ]] && break
  kill -0 "$JM_PID" 2>/dev/null || fail "the restarted JobManager exited"
  ((SECONDS - t0 <= RESULT_TIMEOUT)) || fail "only $count of $expected StepMetrics after $RESULT_TIMEOUT s"
  sleep 3
done
sleep 5 # one more checkpoint: a duplicate would show now
count="$(count_steps)"
[[ "$count" == "$expected" ]] || fail "$count StepMetrics of the e2e clusters, expected exactly $expected"
distinct="$(grep -o '"cluster_id":"e2e-[0-9]*","policy":"observed","step":[0-9]*' "$WORK/step-metrics.jsonl" \
  | sort -u | wc -l)"
[[ "$distinct" == "$expected" ]] || fail "$distinct distinct (cluster, step) StepMetrics, expected $expected"
step_tokens="$(grep '"cluster_id":"e2e-' "$WORK/step-metrics.jsonl" | grep -o '"tokens":[0-9]*' | cut -d: -f2 \
  | awk '{s += $1} END {print s + 0}')"
[[ "$step_tokens" == "$token_events" ]] || fail "the StepMetrics count $step_tokens tokens, expected $token_events"
newest="$(ls -d "$WORK/flink-data/checkpoints/$JOB_ID"/chk-* | sed 's/.*chk-//' | sort -n | tail -n 1)"
echo "committed: $count StepMetrics ($distinct distinct (cluster, step)), $step_tokens tokens: equal to the log;" \
  "restored from ${restored##*/}, newest checkpoint now chk-$newest"

echo "appmode-e2e: passed in $((SECONDS - started_at)) s (after the build)"
