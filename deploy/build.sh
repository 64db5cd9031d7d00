#!/usr/bin/env bash
# The Maven build of the two images' contents: what the Dockerfile's build stage runs, and what .ci/compose-check.sh and
# .ci/appmode-e2e.sh run too, so that they check and use exactly what the images hold. `mvn package` (never install) of
# the jobs and datagen modules and what they need, then:
#
#   jobs/target/dpbalance-jobs-<version>-job.jar  the shaded job jar: the job image's /opt/flink/usrlib
#   datagen/target/image-lib/                     datagen's jar and its runtime jars without the exact solver
#                                                 (dpbalance-exact; OR-Tools, its natives, and what only OR-Tools uses:
#                                                 JNA, protobuf): the tools image's /opt/dpbalance/lib
#
#   deploy/build.sh [MAVEN FLAGS...]      e.g. deploy/build.sh -o
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q -DskipTests "$@" -pl jobs,datagen -am package dependency:copy-dependencies -DincludeScope=runtime \
  -DexcludeGroupIds=com.google.ortools,net.java.dev.jna,com.google.protobuf -DexcludeArtifactIds=dpbalance-exact \
  -DoutputDirectory=target/image-lib
find datagen/target -maxdepth 1 -name 'dpbalance-datagen-*.jar' ! -name '*-tests.jar' ! -name '*-sources.jar' \
  -exec cp {} datagen/target/image-lib/ \;
if ls datagen/target/image-lib | grep -E 'ortools|dpbalance-exact|^jna|protobuf'; then
  echo "deploy/build.sh: the tools image's jars include the exact solver (above)" >&2
  exit 1
fi
ls jobs/target/dpbalance-jobs-*-job.jar >/dev/null
echo "deploy/build.sh: $(ls jobs/target/dpbalance-jobs-*-job.jar) ($(du -h jobs/target/dpbalance-jobs-*-job.jar | cut -f1))," \
  "datagen/target/image-lib ($(ls datagen/target/image-lib | wc -l) jars, $(du -sh datagen/target/image-lib | cut -f1))"
