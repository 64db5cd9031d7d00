#!/usr/bin/env bash
# Checks docker-compose.yml and the Dockerfile without a Docker engine (none runs on the development machines, and
# images cannot be pulled there). It builds the images' contents as the Dockerfile's build stage does (deploy/build.sh:
# `mvn package` of the shaded job jar and of the tools image's jars) and checks:
# - the file validates with docker-compose (Debian's v1, which needs no daemon for `config`); every path it mounts exists
#   in the repository; every depends_on condition can be met;
# - the Dockerfile: the stages compose builds exist; the job image is FROM the Flink image of pom.xml's flink.version
#   and puts the shaded job jar (which the build made) in /opt/flink/usrlib; no runtime stage copies the sources or a
#   Maven repository; the tools image's jars hold datagen's entry point and no OR-Tools;
# - tools-image services: every `dpbalance` command exists and takes the flags given, run on the tools image's jars
#   (`dpbalance <command> <its flags> --help` succeeds, names the command and lists each flag);
# - application-mode JobManagers: the command is the image's copy of deploy/flink/application-jobmanager.sh with a
#   distinct 32-hex job id and a job class that the shaded jar holds and whose main takes the flags given (the same
#   --help check, on the job jar); JOB_MANAGER_RPC_ADDRESS is the service itself; a restart policy brings it back;
# - TaskManagers: JOB_MANAGER_RPC_ADDRESS names an application JobManager; a restart policy;
# - every JobManager and TaskManager mounts one named volume under which FLINK_PROPERTIES puts the checkpoint and
#   savepoint folders (file:///), the same in all of them, with checkpoints retained on cancellation, and the folders the
#   JobManager's resume script searches are those;
# - Prometheus scrapes every JobManager and TaskManager service; the Prometheus config and the dashboards parse.
# Installs docker-compose with apt when it is missing and this runs as root.
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

echo "== the images' contents: deploy/build.sh (mvn package, as the Dockerfile's build stage)"
deploy/build.sh || fail "deploy/build.sh failed"

echo "== docker-compose config -q ($(docker-compose version --short 2>/dev/null || echo unknown version))"
docker-compose -f docker-compose.yml config -q || fail "docker-compose.yml does not validate (message above)"

echo "== mounts, depends_on conditions, commands"
RESOLVED="$(mktemp "${TMPDIR:-/tmp}/compose-resolved.XXXXXX")"
trap 'rm -f "$RESOLVED"' EXIT
docker-compose -f docker-compose.yml config > "$RESOLVED"
# The python3 YAML module comes with docker-compose.
python3 - "$RESOLVED" "$PWD" <<'PY' || fail "docker-compose.yml or the Dockerfile do not hold together (above)"
import glob, os, re, shlex, subprocess, sys, yaml, zipfile

resolved, root = sys.argv[1], os.path.realpath(sys.argv[2])
compose = yaml.safe_load(open(resolved))
services = compose["services"]
problems = []
checked = set()

APP_JM = "/opt/flink/bin/dpbalance-application-jobmanager.sh"
TOOLS_LIB = os.path.join(root, "datagen", "target", "image-lib")
job_jars = glob.glob(os.path.join(root, "jobs", "target", "dpbalance-jobs-*-job.jar"))
JOB_JAR = job_jars[0] if job_jars else None
flink_classpath = open(os.path.join(root, "jobs", "target", "classpath-compile.txt")).read().strip()


def check_help(name, label, runner, args, words, env=None):
    """Runs RUNNER ARGS --help: the (sub)command must exist, every flag must be one it lists, every value must convert
    (picocli converts the values it parses before printing the help)."""
    key = (label, tuple(args))
    if key in checked:
        return
    checked.add(key)
    print(f"  {label} " + " ".join(words) + " ... --help", flush=True)
    run = subprocess.run([*runner, *args, "--help"], cwd=root, capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if run.returncode != 0:
        problems.append(f"{name}: {label} {' '.join(words)} refuses its arguments: "
                        + ((run.stderr.strip() or run.stdout.strip()).splitlines() or ["(no output)"])[0])
        return
    usage = next((line for line in run.stdout.splitlines() if line.startswith("Usage:")), "")
    if words and not re.search(r"\b" + re.escape(" ".join(words)) + r"( |$)", usage):
        problems.append(f"{name}: no command '{label} {' '.join(words)}' ({usage or 'no usage printed'})")
        return
    for flag in (word.split("=")[0] for word in args if word.startswith("--")):
        negatable = "--[no-]" + flag[len("--no-"):] if flag.startswith("--no-") else "--[no-]" + flag[2:]
        if flag not in run.stdout and negatable not in run.stdout:
            problems.append(f"{name}: {label} {' '.join(words)} has no option {flag}")


# --- the Dockerfile: stages, base image, what each runtime stage copies
pom = open(os.path.join(root, "pom.xml")).read()
flink_version = re.search(r"<flink\.version>([^<]+)</flink\.version>", pom).group(1)
dockerfile_text = open(os.path.join(root, "Dockerfile")).read()
lines = re.sub(r"\\\n", " ", dockerfile_text).splitlines()
args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", dockerfile_text, re.M))
stages = {}  # name -> {"from": image, "lines": [...]}
current = None
for line in lines:
    m = re.match(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
    if m:
        image = re.sub(r"\$\{(\w+)\}", lambda v: args.get(v.group(1), v.group(0)), m.group(1))
        current = m.group(2) or f"stage{len(stages)}"
        stages[current] = {"from": image, "lines": []}
    elif current:
        stages[current]["lines"].append(line.strip())
print("  Dockerfile stages: " + ", ".join(f"{n} (FROM {st['from']})" for n, st in stages.items()))
job_stage, tools_stage = stages.get("job"), stages.get("tools")
if not job_stage or not tools_stage:
    problems.append("Dockerfile: no 'job' or no 'tools' stage")
else:
    if job_stage["from"] != f"flink:{flink_version}-java17":
        problems.append(f"Dockerfile: the job image is FROM {job_stage['from']}, not flink:{flink_version}-java17 "
                        f"(pom.xml flink.version)")
    usrlib = [l for l in job_stage["lines"] if l.startswith("COPY") and "/opt/flink/usrlib/" in l]
    if not usrlib:
        problems.append("Dockerfile: the job image copies nothing into /opt/flink/usrlib")
    for l in usrlib:
        source = l.split()[-2]
        pattern = source.replace("/src/", "", 1) if source.startswith("/src/") else source
        if not glob.glob(os.path.join(root, pattern)):
            problems.append(f"Dockerfile: the job image copies {source}, which the build does not make")
    if JOB_JAR is None:
        problems.append("no shaded job jar in jobs/target after deploy/build.sh")
    jm_script = [l for l in job_stage["lines"] if l.startswith("COPY") and l.split()[-1] == APP_JM]
    if not jm_script or jm_script[0].split()[-2] != "deploy/flink/application-jobmanager.sh":
        problems.append(f"Dockerfile: the job image has no {APP_JM} copied from deploy/flink/application-jobmanager.sh")
    for name, stage in stages.items():
        if name == "build":
            continue
        for l in stage["lines"]:
            if re.match(r"COPY\s+(--\S+\s+)*\.\s", l) or re.search(r"(\.m2|/m2\b|m2-runtime)", l):
                problems.append(f"Dockerfile: stage {name} ships sources or a Maven repository: {l}")
    lib = sorted(os.listdir(TOOLS_LIB)) if os.path.isdir(TOOLS_LIB) else []
    heavy = [j for j in lib if re.search(r"ortools|dpbalance-exact|^jna|protobuf", j)]
    if heavy:
        problems.append("tools image: its jars include the exact solver: " + ", ".join(heavy))
    datagen = [j for j in lib if j.startswith("dpbalance-datagen-")]
    if not datagen or "io/dpbalance/datagen/Main.class" not in zipfile.ZipFile(os.path.join(TOOLS_LIB, datagen[0])).namelist():
        problems.append("tools image: no datagen jar with io.dpbalance.datagen.Main among its jars")
    print(f"  tools image: {len(lib)} jars, no OR-Tools: {not heavy}; job image: {os.path.basename(JOB_JAR or '?')} "
          f"in /opt/flink/usrlib")

jm_script_text = open(os.path.join(root, "deploy", "flink", "application-jobmanager.sh")).read()
if subprocess.run(["bash", "-n", "deploy/flink/application-jobmanager.sh"], cwd=root).returncode != 0:
    problems.append("deploy/flink/application-jobmanager.sh has a bash syntax error")
script_defaults = dict(re.findall(r'(FLINK_CHECKPOINTS|FLINK_SAVEPOINTS):-([^}]+)\}', jm_script_text))

# --- every service
volumes_declared = set((compose.get("volumes") or {}).keys())
jobmanagers, taskmanagers, job_ids, flink_volumes = {}, {}, {}, {}
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
        target = None if isinstance(build, str) else build.get("target")
        if target not in stages:
            problems.append(f"{name}: builds target {target}, which the Dockerfile has no stage of")

    for target_service, dependency in (service.get("depends_on") or {}).items():
        condition = dependency.get("condition") if isinstance(dependency, dict) else "service_started"
        other = services.get(target_service, {})
        if condition == "service_healthy" and "healthcheck" not in other:
            problems.append(f"{name}: waits for {target_service} to be healthy, but it has no healthcheck")
        if condition == "service_completed_successfully" and other.get("restart", "no") not in ("no", "on-failure"):
            problems.append(f"{name}: waits for {target_service} to complete, but it restarts '{other.get('restart')}'")

    if not build:
        continue  # an upstream image: its command belongs to that image
    command = service.get("command")
    words = shlex.split(command) if isinstance(command, str) else list(command or [])
    if not words:
        problems.append(f"{name}: runs the project image without a command")
        continue
    if "bin/dpbalance" in words:
        problems.append(f"{name}: runs bin/dpbalance, which needs the sources that no image holds")
        continue
    target = build.get("target") if isinstance(build, dict) else None
    if target == "tools":
        if words[0] != "dpbalance":
            problems.append(f"{name}: the tools image runs `dpbalance ...`, not {words[0]}")
            continue
        sub = []
        for word in words[1:]:
            if word.startswith("-"):
                break
            sub.append(word)
        check_help(name, "dpbalance", ["deploy/tools/dpbalance"], words[1:], sub, {"DPBALANCE_LIB": TOOLS_LIB})
        continue
    if target != "job":
        continue
    environment = service.get("environment") or {}
    if words[0] == APP_JM:
        jobmanagers[name] = service
        if len(words) < 3 or not re.fullmatch(r"[0-9a-f]{32}", words[1]):
            problems.append(f"{name}: {APP_JM} JOB_ID(32 hex) JOB_CLASS [flags], got {words[1:3]}")
            continue
        job_id, job_class = words[1], words[2]
        if job_id in job_ids or job_id[:6] in {j[:6] for j in job_ids}:
            problems.append(f"{name}: job id {job_id} (or its first 6 digits, which name its savepoints) is also "
                            f"{job_ids.get(job_id, 'another job')}'s")
        job_ids[job_id] = name
        if JOB_JAR and job_class.replace(".", "/") + ".class" not in zipfile.ZipFile(JOB_JAR).namelist():
            problems.append(f"{name}: the job jar has no class {job_class}")
            continue
        print(f"  {name}: job {job_id} {job_class} (in {os.path.basename(JOB_JAR)})")
        check_help(name, job_class.rsplit(".", 1)[-1], ["java", "-cp", f"{JOB_JAR}:{flink_classpath}", job_class],
                   words[3:], [])
        if environment.get("JOB_MANAGER_RPC_ADDRESS") != name:
            problems.append(f"{name}: JOB_MANAGER_RPC_ADDRESS is {environment.get('JOB_MANAGER_RPC_ADDRESS')}, not "
                            f"the service itself (its TaskManagers would not find it)")
        if service.get("restart", "no") not in ("on-failure", "always", "unless-stopped"):
            problems.append(f"{name}: restart '{service.get('restart', 'no')}': a killed JobManager stays down")
    elif words == ["taskmanager"]:
        taskmanagers[name] = service
        if service.get("restart", "no") == "no":
            problems.append(f"{name}: restart 'no': a TaskManager that dies stays down")
    else:
        problems.append(f"{name}: the job image runs {words[0]}, neither {APP_JM} nor taskmanager")
        continue
    # Checkpoint and savepoint folders: on a named volume mounted here.
    try:
        props = yaml.safe_load(environment.get("FLINK_PROPERTIES") or "") or {}
    except yaml.YAMLError as e:
        problems.append(f"{name}: FLINK_PROPERTIES is not YAML: {e}")
        continue
    mounts = {}
    for volume in service.get("volumes", []):
        source, target_path = ((volume.get("source"), volume.get("target")) if isinstance(volume, dict)
                               else tuple(volume.split(":")[:2]))
        mounts[target_path.rstrip("/")] = source
    for key in ("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir"):
        uri = str(props.get(key, ""))
        if not uri.startswith("file:///"):
            problems.append(f"{name}: FLINK_PROPERTIES {key} is '{uri}', not a file:/// folder")
            continue
        path = uri[len("file://"):]
        mount = next((m for m in mounts if path == m or path.startswith(m + "/")), None)
        if mount is None or mounts[mount] not in volumes_declared:
            problems.append(f"{name}: {key} {path} is on no named volume mounted here")
            continue
        flink_volumes.setdefault(key, set()).add((mounts[mount], path))
        if name in jobmanagers:
            variable = "FLINK_CHECKPOINTS" if key.endswith(".dir") and "savepoint" not in key else "FLINK_SAVEPOINTS"
            searched = environment.get(variable, script_defaults.get(variable))
            if searched != path:
                problems.append(f"{name}: the resume script searches {variable}={searched}, but {key} is {path}")
    if props.get("execution.checkpointing.externalized-checkpoint-retention") != "RETAIN_ON_CANCELLATION":
        problems.append(f"{name}: checkpoints are not retained on cancellation "
                        f"(execution.checkpointing.externalized-checkpoint-retention)")

for name, service in taskmanagers.items():
    address = (service.get("environment") or {}).get("JOB_MANAGER_RPC_ADDRESS")
    if address not in jobmanagers:
        problems.append(f"{name}: JOB_MANAGER_RPC_ADDRESS {address} is no application JobManager of this file")
if not jobmanagers:
    problems.append("no application-mode JobManager")
for key, places in flink_volumes.items():
    if len(places) != 1:
        problems.append(f"{key}: not one shared folder on one volume across the JobManagers and TaskManagers: "
                        f"{sorted(places)}")
    else:
        volume, path = next(iter(places))
        print(f"  {key}: {path} on volume {volume}, in {len(jobmanagers)} JobManagers and {len(taskmanagers)} "
              f"TaskManagers")

# --- Prometheus scrapes them all
prometheus = yaml.safe_load(open(os.path.join(root, "deploy", "prometheus", "prometheus.yml")))
static, dns = set(), set()
for scrape in prometheus.get("scrape_configs", []):
    for sc in scrape.get("static_configs", []):
        static.update(sc.get("targets", []))
    for dc in scrape.get("dns_sd_configs", []):
        dns.update(dc.get("names", []))
for name in jobmanagers:
    if f"{name}:9249" not in static:
        problems.append(f"prometheus.yml: does not scrape {name}:9249")
for name in taskmanagers:
    if name not in dns:
        problems.append(f"prometheus.yml: does not discover the TaskManagers of {name}")

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
