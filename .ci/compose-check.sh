#!/usr/bin/env bash
# Checks docker-compose.yml without a Docker engine (none runs on the development machines, and images cannot be
# pulled there): the file validates with docker-compose (Debian's v1, which needs no daemon for `config`); every path it
# mounts exists in the repository; every depends_on condition can be met; every bin/dpbalance command it runs exists and
# takes the flags given (`bin/dpbalance <command> <its flags> --help` succeeds, names the command and lists each flag;
# the launcher builds a module on first use); the Prometheus config and the Grafana dashboards parse. Installs
# docker-compose with apt when it is missing and this runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "compose-check: FAILED: $*" >&2
  exit 1
}

if ! command -v docker-compose >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing docker-compose (Debian's, without the Docker engine)"
    # --no-install-recommends: otherwise apt pulls the whole Docker engine in.
    apt-get install -y -qq --no-install-recommends docker-compose >/dev/null \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose >/dev/null; } \
      || fail "apt-get could not install docker-compose"
  else
    fail "docker-compose is not installed; as root: apt-get install -y --no-install-recommends docker-compose"
  fi
fi

echo "== docker-compose config -q ($(docker-compose version --short 2>/dev/null || echo unknown version))"
docker-compose -f docker-compose.yml config -q || fail "docker-compose.yml does not validate (message above)"

echo "== mounts, depends_on conditions, commands"
RESOLVED="$(mktemp "${TMPDIR:-/tmp}/compose-resolved.XXXXXX")"
trap 'rm -f "$RESOLVED"' EXIT
docker-compose -f docker-compose.yml config > "$RESOLVED"
# The python3 YAML module comes with docker-compose.
python3 - "$RESOLVED" "$PWD" <<'PY' || fail "docker-compose.yml refers to things that are not there (above)"
import os, re, shlex, subprocess, sys, yaml

resolved, root = sys.argv[1], os.path.realpath(sys.argv[2])
services = yaml.safe_load(open(resolved))["services"]
problems = []
checked = set()


def check_dpbalance(name, args):
    """Runs `bin/dpbalance ARGS --help`: the (sub)command must exist, every flag must be one it lists, every value
    must convert (picocli converts the values it parses before printing the help)."""
    words = []
    for word in args:
        if word.startswith("-"):
            break
        words.append(word)
    if not words:
        problems.append(f"{name}: bin/dpbalance without a command")
        return
    key = tuple(args)
    if key in checked:
        return
    checked.add(key)
    print("  bin/dpbalance " + " ".join(words) + " ... --help", flush=True)
    run = subprocess.run(["bin/dpbalance", *args, "--help"], cwd=root, capture_output=True, text=True)
    if run.returncode != 0:
        problems.append(f"{name}: bin/dpbalance {' '.join(words)} refuses its arguments: "
                        + (run.stderr.strip() or run.stdout.strip()).splitlines()[0])
        return
    usage = next((line for line in run.stdout.splitlines() if line.startswith("Usage:")), "")
    if not re.search(r"\b" + re.escape(" ".join(words)) + r"( |$)", usage):
        problems.append(f"{name}: no command 'bin/dpbalance {' '.join(words)}' ({usage or 'no usage printed'})")
        return
    for flag in (word.split("=")[0] for word in args if word.startswith("--")):
        negatable = "--[no-]" + flag[len("--no-"):] if flag.startswith("--no-") else "--[no-]" + flag[2:]
        if flag not in run.stdout and negatable not in run.stdout:
            problems.append(f"{name}: bin/dpbalance {' '.join(words)} has no option {flag}")


for name, service in sorted(services.items()):
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            source = volume.get("source") if volume.get("type") == "bind" else None
        else:
            source = volume.split(":")[0] if volume.startswith(("/", ".")) else None
        if source is None:
            continue  # a named volume
        path = os.path.realpath(source)
        if not (path == root or path.startswith(root + os.sep)):
            problems.append(f"{name}: mounts {source}, outside the repository")
        elif not os.path.exists(path):
            problems.append(f"{name}: mounts {os.path.relpath(path, root)}, which does not exist")

    build = service.get("build")
    if build:
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        if not os.path.isfile(os.path.join(context, dockerfile)):
            problems.append(f"{name}: no {dockerfile} in the build context {context}")

    for target, dependency in (service.get("depends_on") or {}).items():
        condition = dependency.get("condition") if isinstance(dependency, dict) else "service_started"
        other = services.get(target, {})
        if condition == "service_healthy" and "healthcheck" not in other:
            problems.append(f"{name}: waits for {target} to be healthy, but {target} has no healthcheck")
        if condition == "service_completed_successfully" and other.get("restart", "no") not in ("no", "on-failure"):
            problems.append(f"{name}: waits for {target} to complete, but {target} restarts '{other.get('restart')}'")

    if not build:
        continue  # an upstream image: its command belongs to that image
    command = service.get("command")
    words = shlex.split(command) if isinstance(command, str) else list(command or [])
    if not words:
        problems.append(f"{name}: runs the project image without a command")
        continue
    if words[0] != "bin/dpbalance":
        wrapper = os.path.join(root, words[0])
        if not (os.path.isfile(wrapper) and os.access(wrapper, os.X_OK)):
            problems.append(f"{name}: runs {words[0]}, not an executable file of the repository")
        elif subprocess.run(["bash", "-n", wrapper]).returncode != 0:
            problems.append(f"{name}: {words[0]} has a bash syntax error")
    if "bin/dpbalance" not in words:
        problems.append(f"{name}: runs no bin/dpbalance command")
        continue
    args = words[words.index("bin/dpbalance") + 1:]
    if words[0] == "deploy/submit-job.sh":
        args += ["--jobmanager", words[1], "--job-name", words[2]]  # what the wrapper appends
    check_dpbalance(name, args)

for problem in problems:
    print("  PROBLEM " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY

echo "== deploy/ configuration"
for dashboard in deploy/grafana/dashboards/*.json; do
  python3 -m json.tool "$dashboard" >/dev/null || fail "$dashboard is not valid JSON"
  echo "  $dashboard: valid JSON"
done
if command -v promtool >/dev/null; then
  promtool check config deploy/prometheus/prometheus.yml >/dev/null || fail "deploy/prometheus/prometheus.yml (promtool)"
  echo "  deploy/prometheus/prometheus.yml: promtool check config passed"
else
  echo "  deploy/prometheus/prometheus.yml: not checked (promtool not installed: apt-get install prometheus)"
fi

echo "compose-check: passed"
