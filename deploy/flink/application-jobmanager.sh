#!/usr/bin/env bash
# The JobManager of one dpbalance job in Flink application mode, as docker-compose.yml runs it (one JobManager per job,
# the job jar in /opt/flink/usrlib, the flink-playgrounds way), resumed from the job's newest retained checkpoint or
# savepoint when there is one.
#
#   application-jobmanager.sh JOB_ID JOB_CLASS [job flags...]
#
# Why: standalone Flink has no JobManager high availability without ZooKeeper or Kubernetes (Flink 2.x offers no
# file-based HA store), so a restarted JobManager knows nothing of the job it ran and application mode would start the
# job afresh, its state lost. Here the job runs under a fixed id (--job-id), so its checkpoints sit in
# <execution.checkpointing.dir>/<JOB_ID>/chk-N (retained on cancellation, and anyway left behind by a killed
# JobManager); on every start this picks the newest complete one (a non-empty _metadata file), or a newer savepoint of
# this job (savepoint-<first 6 hex of JOB_ID>-*) in the savepoint folder, and passes it as --fromSavepoint
# (execution.state-recovery.path, NO_CLAIM: the restored checkpoint is left for the operator to delete). The first
# start finds none and starts the job fresh. The job's Kafka offsets and its exactly-once transactions restore with it.
#
# Environment:
#   FLINK_CHECKPOINTS             local path of execution.checkpointing.dir (default /flink-data/checkpoints)
#   FLINK_SAVEPOINTS              local path of execution.checkpointing.savepoint-dir (default /flink-data/savepoints)
#   FLINK_APPLICATION_ENTRYPOINT  the command that starts the application cluster, given standalone-job's arguments
#                                 (default: the Flink image's `/docker-entrypoint.sh standalone-job`;
#                                 .ci/appmode-e2e.sh runs StandaloneApplicationClusterEntryPoint directly)
set -euo pipefail

if [[ $# -lt 2 || ! "$1" =~ ^[0-9a-f]{32}$ ]]; then
  echo "usage: $0 JOB_ID(32 hex digits) JOB_CLASS [job flags...]" >&2
  exit 2
fi
job_id="$1"
job_class="$2"
shift 2
checkpoints="${FLINK_CHECKPOINTS:-/flink-data/checkpoints}"
savepoints="${FLINK_SAVEPOINTS:-/flink-data/savepoints}"

# The newest _metadata by modification time among this job's checkpoints and savepoints (empty when there is none).
latest="$( { find "$checkpoints/$job_id" -mindepth 2 -maxdepth 2 -path "$checkpoints/$job_id/chk-*/_metadata" \
               -type f -size +0 -printf '%T@ %h\n' 2>/dev/null || true
             find "$savepoints" -mindepth 2 -maxdepth 2 -path "$savepoints/savepoint-${job_id:0:6}-*/_metadata" \
               -type f -size +0 -printf '%T@ %h\n' 2>/dev/null || true; } | sort -n | tail -n 1 | cut -d' ' -f2-)"

args=(--job-classname "$job_class" --job-id "$job_id")
if [[ -n "$latest" ]]; then
  echo "application-jobmanager: resuming job $job_id from $latest"
  args+=(--fromSavepoint "file://$latest")
else
  echo "application-jobmanager: no retained checkpoint or savepoint of job $job_id: starting it fresh"
fi
read -r -a entrypoint <<<"${FLINK_APPLICATION_ENTRYPOINT:-/docker-entrypoint.sh standalone-job}"
# Flink's own options first: the standalone-job parser stops at the first option it does not know, and hands that and
# everything after it to the job's main.
exec "${entrypoint[@]}" "${args[@]}" "$@"
