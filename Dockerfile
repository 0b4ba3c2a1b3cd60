# connector: the sync daemon as a container.
#   docker build -t connector .
#   docker run -v connector-state:/var/lib/connector \
#     -v $PWD/config.toml:/etc/connector/config.toml:ro \
#     -v $PWD/mappings:/etc/connector/mappings \
#     -e CONNECTOR_MA__TOKEN=... connector

# --- build: wheels only, no compilers in the runtime image ---------------------------
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY connector ./connector
COPY adapters ./adapters
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[postgres]'

# --- runtime ---------------------------------------------------------------------------
FROM python:3.11-slim
RUN groupadd --system --gid 10001 connector \
 && useradd --system --uid 10001 --gid connector --home-dir /var/lib/connector \
    --shell /usr/sbin/nologin connector \
 && mkdir -p /etc/connector /var/lib/connector \
 && chown connector:connector /var/lib/connector
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels connector[postgres] \
 && rm -rf /wheels
COPY mappings /etc/connector/mappings
COPY config.example.toml /etc/connector/config.example.toml

# Config at /etc/connector/config.toml (mount it); state in the volume. Secrets come
# from the environment (CONNECTOR_MA__TOKEN ...) or /run/secrets, never the image.
ENV CONNECTOR_CONFIG=/etc/connector/config.toml \
    CONNECTOR_STATE__URL=sqlite:////var/lib/connector/state.db \
    PYTHONUNBUFFERED=1
USER connector
WORKDIR /var/lib/connector
VOLUME ["/var/lib/connector"]
# The status server listens on loopback by default; set CONNECTOR_SERVER__HOST=0.0.0.0
# to publish /metrics and /status beyond the container.
EXPOSE 8765
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
  CMD ["connector", "status", "--health"]
STOPSIGNAL SIGTERM
CMD ["connector", "run"]
