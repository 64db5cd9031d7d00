# The dpbalance image: the whole project built (every module, the shaded Flink job jar, the launcher's classpath files
# and build stamps) on a Java 17 runtime, so that `bin/dpbalance <command>` runs inside without Maven. docker-compose.yml
# uses it for topic creation, datagen and the job submissions.
#
#   docker build -t dpbalance .
#   docker run --rm dpbalance bin/dpbalance simulate --synthetic 'n=5000;prompt=lognormal:mean=1000,sigma=1;output=geometric:mean=128'

FROM maven:3.9.11-eclipse-temurin-17 AS build
WORKDIR /opt/dpbalance
COPY . .
# The launcher's classpath files name every dependency jar by absolute path, so the local Maven repository sits at a path
# (/opt/m2) that the runtime stage keeps. After the build: stamp every module as built for the launcher (it rebuilds a
# module whose pom.xml is newer than its classpath files and its stamp), and gather only the jars the classpath files name, not Maven's own plugins (awk 1:
# a classpath file has no final newline).
RUN mvn -B -q -DskipTests -Dmaven.repo.local=/opt/m2 install \
 && for target in */target; do touch "$target/.launcher-built"; done \
 && mkdir /opt/m2-runtime \
 && awk 1 */target/classpath*.txt | tr ':' '\n' | grep '^/opt/m2/' | sort -u | xargs cp --parents -t /opt/m2-runtime

FROM eclipse-temurin:17-jre-noble
RUN groupadd --system dpbalance && useradd --system --gid dpbalance --home-dir /opt/dpbalance dpbalance
WORKDIR /opt/dpbalance
COPY --from=build /opt/m2-runtime/opt/m2 /opt/m2
COPY --from=build /opt/dpbalance /opt/dpbalance
# The launcher rebuilds a module whose source files are newer than its classes, or whose poms are newer than its
# classpath files and its stamp; the stamps are touched last, after the copy. There is no Maven here: a stale module stops with a clear message instead.
RUN find /opt/dpbalance -name .launcher-built -exec touch {} +
USER dpbalance
CMD ["bin/dpbalance", "--help"]
