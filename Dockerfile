# syntax=docker/dockerfile:1
# meshinfer container. CPU (default):   docker build -t meshinfer .
#                       GPU (CUDA 12):  docker build --build-arg VARIANT=gpu -t meshinfer:gpu .
ARG VARIANT=cpu

# --- build: the same Maven build the ./meshinfer launcher runs -------------------------------------------------
FROM maven:3.9-eclipse-temurin-21 AS build
ARG VARIANT
WORKDIR /src
COPY . .
RUN if [ "$VARIANT" = "gpu" ]; then ./meshinfer build --gpu; else ./meshinfer build; fi

# --- runtime bases ---------------------------------------------------------------------------------------------
FROM eclipse-temurin:21-jre-jammy AS runtime-cpu

FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 AS runtime-gpu
COPY --from=eclipse-temurin:21-jre-jammy /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk PATH=/opt/java/openjdk/bin:$PATH

# --- runtime -----------------------------------------------------------------------------------------------------
FROM runtime-${VARIANT}
ENV OPT_OUT_TRACKING=true \
    DJL_OFFLINE=true \
    ORT_DISABLE_TELEMETRY=1 \
    RUST_FLAVOR=cpu \
    XDG_CACHE_HOME=/var/cache \
    XDG_STATE_HOME=/var/lib \
    MESHINFER_HOST=0.0.0.0 \
    MESHINFER_ADMIN_HOST=0.0.0.0 \
    MESHINFER_ALLOW_PUBLIC_ADMIN=true
# The service listener is mTLS. The admin listener (/health, /ready, /metrics) is plain HTTP: the image opts in to
# binding it alone on all interfaces so that probes and scrapers reach it; publish 9090 only on trusted networks.
# `serve --plaintext` in the image still needs --allow-plaintext-public to bind the service listener publicly.
# Embedded mode keeps its CA in /var/lib/meshinfer: mount a volume there to keep the identity across restarts.
RUN useradd --system --uid 10001 --home-dir /opt/meshinfer meshinfer \
    && mkdir -p /var/cache/meshinfer /var/lib/meshinfer /opt/meshinfer/cds \
    && chown meshinfer /var/cache/meshinfer /var/lib/meshinfer /opt/meshinfer/cds \
    && chmod 700 /var/lib/meshinfer
COPY --from=build /src/server/target/meshinfer.jar /opt/meshinfer/meshinfer.jar
COPY --from=build /src/server/target/libs /opt/meshinfer/libs
USER meshinfer
WORKDIR /opt/meshinfer
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s CMD ["bash", "-c", \
    "exec 3<>/dev/tcp/127.0.0.1/9090 && printf 'GET /ready HTTP/1.1\\r\\nHost: probe\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"]
# As the launcher does: a class archive the first start writes when it stops and a restart of the container maps.
# It lives in the container, not on a volume: the JVM never rewrites an archive whose jars changed, so an archive
# kept across image upgrades would go stale for good.
ENTRYPOINT ["java", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms32m", "-Xmx1g", \
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:+AutoCreateSharedArchive", \
            "-XX:SharedArchiveFile=/opt/meshinfer/cds/serve.jsa", "-Xlog:cds*=off", \
            "-jar", "/opt/meshinfer/meshinfer.jar"]
CMD ["serve"]
