#!/usr/bin/env bash
# Submits a dpbalance Flink job to a session cluster under a fixed name, unless a job of that name is already live
# there: running `docker-compose up` again must not start a second copy writing the same topics.
#
#   deploy/submit-job.sh HOST:PORT JOB_NAME bin/dpbalance analytics|shadow [flags...]
#
# The command gets `--jobmanager HOST:PORT --job-name JOB_NAME` appended.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 HOST:PORT JOB_NAME COMMAND [ARGS...]" >&2
  exit 2
fi
jobmanager="$1"
name="$2"
shift 2

url="http://$jobmanager/jobs/overview"
if ! overview="$(curl -fsS --retry 20 --retry-connrefused --retry-delay 3 "$url")"; then
  echo "submit-job: no answer from $url" >&2
  exit 1
fi
# One job per line (the nested "tasks" object starts a line of its own); a job is live unless its state is terminal.
states="$(tr '{' '\n' <<<"$overview" | grep -F "\"name\":\"$name\"" | grep -o '"state":"[A-Z]*"' || true)"
if [[ -n "$states" ]] && grep -qv -e FAILED -e CANCELED -e FINISHED <<<"$states"; then
  echo "submit-job: '$name' is already live on $jobmanager; not submitting it again"
  exit 0
fi
exec "$@" --jobmanager "$jobmanager" --job-name "$name"
