# connector: the sync daemon as a container.
#   docker build -t connector .
#   docker run -d --stop-timeout 45 -p 8765:8765 \
#     -v connector-state:/var/lib/connector \
#     -v $PWD/config.toml:/etc/connector/config.toml:ro \
#     -v $PWD/mappings:/etc/connector/mappings:ro \
#     -e CONNECTOR_MA__TOKEN=... connector
# `make image-test` builds and runs it (podman or buildah with vfs storage work too).

# Pinned base image. BASE may name a digest (python:3.11.13-slim-bookworm@sha256:...)
# or a local stand-in with Python 3.11 and venv (make image-test builds one from
# Debian's packages when the registry cannot be reached).
ARG BASE=python:3.11.13-slim-bookworm

# --- build: a virtualenv with the locked dependencies, then the connector ----------
FROM ${BASE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python3 -m venv /opt/connector
# Dependencies first, from the lock with hashes: a code change reuses this layer.
# Behind a TLS-inspecting proxy, mount its CA bundle at /run/build-ca.crt for the
# build (podman/buildah: -v /etc/ssl/certs/ca-certificates.crt:/run/build-ca.crt:ro;
# make image-test does it when pip here uses one); it is never copied into a layer.
COPY requirements/lock.txt /tmp/lock.txt
RUN if [ -f /run/build-ca.crt ]; then export PIP_CERT=/run/build-ca.crt; fi \
 && /opt/connector/bin/pip install --require-hashes --no-deps -r /tmp/lock.txt
COPY pyproject.toml README.md /src/
COPY connector /src/connector
COPY adapters /src/adapters
RUN if [ -f /run/build-ca.crt ]; then export PIP_CERT=/run/build-ca.crt; fi \
 && /opt/connector/bin/pip install --no-deps /src \
 && /opt/connector/bin/python -c "import connector.cli, adapters.csv"

# --- runtime: the virtualenv only, no wheels, no build tools -------------------------
FROM ${BASE}
RUN groupadd --system --gid 10001 connector \
 && useradd --system --uid 10001 --gid connector --home-dir /var/lib/connector \
    --shell /usr/sbin/nologin connector \
 && mkdir -p /etc/connector /var/lib/connector/state /var/lib/connector/out \
 && chown -R connector:connector /var/lib/connector \
 && ln -s /var/lib/connector/state /etc/connector/state \
 && ln -s /var/lib/connector/out /etc/connector/out
COPY --from=build /opt/connector /opt/connector
COPY mappings /etc/connector/mappings
COPY examples /etc/connector/examples
COPY docker/config.toml /etc/connector/config.toml
COPY config.example.toml /etc/connector/config.example.toml

# The config decides everything, state.url and server.host included; the image sets
# no CONNECTOR_* value that would silently beat it. Secrets come from the
# environment (CONNECTOR_MA__TOKEN ...) or /run/secrets, never the image.
ENV PATH=/opt/connector/bin:$PATH \
    CONNECTOR_CONFIG=/etc/connector/config.toml \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
USER 10001:10001
WORKDIR /var/lib/connector
VOLUME ["/var/lib/connector"]
EXPOSE 8765
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["connector", "status", "--health"]
# SIGTERM: the batch in hand finishes within daemon.grace_seconds (30 by default),
# then the process exits 0. Give the container a longer stop timeout than that
# (docker run --stop-timeout 45, compose stop_grace_period: 45s, Kubernetes
# terminationGracePeriodSeconds: 45): Docker's default of 10 s kills the batch.
STOPSIGNAL SIGTERM
CMD ["connector", "run"]
