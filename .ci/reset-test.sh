#!/usr/bin/env bash
# bin/dpbalance reset, in a scratch copy of the launcher: without --yes it deletes nothing and lists var/ with sizes;
# with --yes it deletes var/. (A stale pid file must not make it try to stop anything; stopping live services is what
# the kafka/flink stop commands do, tested with them.)
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/bin" "$scratch/var/kafka/data" "$scratch/var/log"
cp bin/dpbalance "$scratch/bin/"
head -c 300000 /dev/zero > "$scratch/var/kafka/data/segment"
echo 999999 > "$scratch/var/kafka/kafka.pid"   # no such process
echo "a log line" > "$scratch/var/log/analytics.log"

set +e
out="$("$scratch/bin/dpbalance" reset 2>&1)"; code=$?
set -e
[[ $code == 1 ]] || { echo "reset without --yes: exit $code, expected 1"; echo "$out"; exit 1; }
[[ -f "$scratch/var/kafka/data/segment" ]] || { echo "reset without --yes deleted files"; exit 1; }
grep -q "var/kafka" <<<"$out" && grep -q "var/log" <<<"$out" && grep -q "(none running)" <<<"$out" \
  && grep -q -- "--yes" <<<"$out" || { echo "reset without --yes did not list var/ and the way on:"; echo "$out"; exit 1; }

set +e
"$scratch/bin/dpbalance" reset --no >/dev/null 2>&1; code=$?
set -e
[[ $code == 2 ]] || { echo "reset --no: exit $code, expected 2"; exit 1; }

"$scratch/bin/dpbalance" reset --yes >/dev/null
[[ ! -e "$scratch/var" ]] || { echo "reset --yes left var/"; exit 1; }
"$scratch/bin/dpbalance" reset | grep -q "nothing to do" || { echo "reset with no var/ should say nothing to do"; exit 1; }
echo "reset: ok (dry run lists and keeps var/, bad option exits 2, --yes deletes var/)"
