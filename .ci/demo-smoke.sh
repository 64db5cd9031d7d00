#!/usr/bin/env bash
# Smoke run of `bin/dpbalance demo`: 90 s of the whole system on free ports. It must exit 0 (which includes its own
# check that the report's numbers equal the window metrics the jobs committed, re-read with an independent
# read_committed consumer, and --expect-bfio-gain: BF-IO oracle idle <= 0.5 x vLLM's, hazard below vLLM's), leave the
# report file, and print those lines.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$(mktemp)"
trap 'rm -f "$out"' EXIT
status=0
bin/dpbalance demo --duration 90 --port 0 --dir var/ci-demo --expect-bfio-gain >"$out" 2>&1 || status=$?
cat "$out"
if [[ $status != 0 ]]; then
  echo "demo smoke: bin/dpbalance demo exited $status" >&2
  exit 1
fi
report="$(sed -n 's/^\[ *[0-9.]* s\] report: //p' "$out")"
if [[ -z "$report" || ! -s "$report" ]]; then
  echo "demo smoke: no report file (looked for '$report')" >&2
  exit 1
fi
grep -q '^check ok: ' "$out" || { echo "demo smoke: the report check did not pass" >&2; exit 1; }
grep -q '^expect-bfio-gain ok in cluster-0' "$out" || { echo "demo smoke: BF-IO gain not shown" >&2; exit 1; }
echo "demo smoke: ok; report $report ($(wc -c <"$report") bytes)"
