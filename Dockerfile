# dpbalance's two images, built from the sources in one Maven stage (nothing from the host's target/ or ~/.m2):
#
#   job    FROM the official Flink image of the project's Flink version (pom.xml flink.version; Java 17) with the shaded
#          job jar in /opt/flink/usrlib, the flink-playgrounds way: `standalone-job --job-classname CLASS [job flags]`
#          runs a job in application mode, `taskmanager` a TaskManager. deploy/flink/application-jobmanager.sh (in
#          /opt/flink/bin) wraps standalone-job so that a restarted JobManager resumes its job from the newest
#          retained checkpoint (docs/deploy.md).
#   tools  a Java 17 JRE with the datagen module's jars only: `dpbalance topics|datagen|ingest ...` (topic creation,
#          the live decode log, tailing topics).
#
# Neither ships sources, a Maven repository or OR-Tools. (The previous, single image shipped the whole source tree, a
# Maven repository of every module's dependencies and OR-Tools' natives, because it ran bin/dpbalance, which builds
# from sources; OR-Tools is the exact solver behind simulate/sweep's reference and decode-log's bfio-exact placement,
# neither of which compose runs.)
#
#   docker build --target job -t dpbalance-job .
#   docker build --target tools -t dpbalance-tools .
#   docker run --rm dpbalance-tools dpbalance datagen decode-log --help

ARG FLINK_IMAGE=flink:2.2.1-java17

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# `mvn package` of the jobs and datagen modules: the shaded job jar, and datagen's jars without the exact solver in
# datagen/target/image-lib (deploy/build.sh says what and why; .ci/compose-check.sh runs the same script).
RUN deploy/build.sh

FROM eclipse-temurin:17-jre-noble AS tools
RUN groupadd --system dpbalance \
 && useradd --system --gid dpbalance --create-home --home-dir /home/dpbalance dpbalance
COPY --from=build /src/datagen/target/image-lib/ /opt/dpbalance/lib/
COPY deploy/tools/dpbalance /usr/local/bin/dpbalance
USER dpbalance
WORKDIR /home/dpbalance
CMD ["dpbalance", "--help"]

FROM ${FLINK_IMAGE} AS job
COPY --from=build /src/jobs/target/dpbalance-jobs-*-job.jar /opt/flink/usrlib/dpbalance-jobs.jar
COPY deploy/flink/application-jobmanager.sh /opt/flink/bin/dpbalance-application-jobmanager.sh
# The checkpoint and savepoint folders of docker-compose.yml's shared volume: a new named volume takes this folder's
# ownership, so the JobManagers and TaskManagers (user flink) can write it.
RUN mkdir -p /flink-data/checkpoints /flink-data/savepoints \
 && chown -R flink:flink /flink-data /opt/flink/usrlib
