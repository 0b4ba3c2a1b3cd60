#!/usr/bin/env bash
# Build the image and prove what a platform engineer relies on: it starts with a
# mounted config, answers /healthz from outside the container, passes its
# HEALTHCHECK, runs as uid 10001, uses the mounted config's state URL, and exits 0
# on SIGTERM well within daemon.grace_seconds.
#
# Works with docker, or with podman using vfs storage (no overlay or fuse needed, so
# it runs inside an unprivileged CI container too). When the base image cannot be
# pulled (no access to its registry), a stand-in base with Debian's Python 3.11 is
# built with debootstrap from Debian's packages and used instead; the result says so.
#
#   make image-test                          # docker if its daemon runs, else podman
#   ENGINE=podman make image-test
#   BASE=python:3.11.13-slim-bookworm@sha256:... make image-test
set -euo pipefail
cd "$(dirname "$0")/.."

# docker only when its daemon answers: a bare docker client (no engine) is common.
if [ -z "${ENGINE:-}" ]; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    ENGINE="$(command -v docker)"
  else
    ENGINE="$(command -v podman || true)"
  fi
fi
if [ -z "$ENGINE" ]; then
  echo "image-test: no docker or podman; install one (apt-get install -y podman)" >&2
  exit 2
fi
ENGINE_ARGS=()
WORK="$(mktemp -d)"
if [ "$(basename "$ENGINE")" = "podman" ]; then
  ENGINE_ARGS=(--storage-driver "${STORAGE_DRIVER:-vfs}")
  if [ -z "${CONTAINERS_CONF:-}" ]; then
    # Inside an unprivileged CI container: no systemd, a hybrid cgroup tree that
    # crun refuses, and rlimits that may only be lowered. runc with cgroupfs and
    # explicit (lower) rlimits runs there; on a normal host these are harmless.
    {
      echo '[containers]'
      echo 'default_ulimits = ["nofile=4096:4096", "nproc=4096:4096"]'
      echo '[engine]'
      echo 'cgroup_manager = "cgroupfs"'
      echo 'events_logger = "file"'
      if command -v runc >/dev/null; then echo 'runtime = "runc"'; fi
    } >"$WORK/containers.conf"
    export CONTAINERS_CONF="$WORK/containers.conf"
  fi
fi
engine() { "$ENGINE" "${ENGINE_ARGS[@]}" "$@"; }

BASE="${BASE:-$(sed -n 's/^ARG BASE=//p' Dockerfile)}"
TAG="${TAG:-localhost/connector:image-test}"
NAME="connector-image-test-$$"
PORT="${PORT:-18766}"
cleanup() {
  engine rm -f "$NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

if ! engine image exists "$BASE" 2>/dev/null && ! engine pull -q "$BASE" >/dev/null 2>&1; then
  STANDIN="localhost/connector-base:bookworm-python3.11"
  if ! engine image exists "$STANDIN" 2>/dev/null; then
    echo "image-test: cannot pull $BASE; building a stand-in base from Debian's packages"
    command -v debootstrap >/dev/null || {
      echo "image-test: needs debootstrap (apt-get install -y debootstrap)" >&2
      exit 2
    }
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
      bookworm "$WORK/rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
      >"$WORK/debootstrap.log"
    tar -C "$WORK/rootfs" -c . | engine import - "$STANDIN" >/dev/null
    rm -rf "$WORK/rootfs"
  fi
  echo "image-test: base = $STANDIN (stand-in for $BASE)"
  BASE="$STANDIN"
fi

BUILD_ARGS=(--build-arg "BASE=$BASE")
if [ "$(basename "$ENGINE")" = "podman" ]; then
  BUILD_ARGS+=(--format docker)  # the OCI format has no HEALTHCHECK
fi
CA="${PIP_CERT:-${REQUESTS_CA_BUNDLE:-}}"
if [ -n "$CA" ] && [ -f "$CA" ] && [ "$(basename "$ENGINE")" = "podman" ]; then
  # pip here trusts a CA of its own (a TLS-inspecting proxy): lend it to the build.
  BUILD_ARGS+=(-v "$CA:/run/build-ca.crt:ro")
fi
echo "image-test: building $TAG on $BASE"
engine build -q "${BUILD_ARGS[@]}" -t "$TAG" . >/dev/null

# A mounted config that differs from the shipped one: its own port and state file.
sed -e 's/^port = 8765/port = 8766/' \
    -e 's#^url = "sqlite:////var/lib/connector/state.db"#url = "sqlite:////var/lib/connector/mounted.db"#' \
    -e 's/^\[daemon\]/[daemon]\nheartbeat_seconds = 2/' \
    docker/config.toml >"$WORK/config.toml"
grep -q 'mounted.db' "$WORK/config.toml"
chmod 644 "$WORK/config.toml"

# (podman without systemd logs that it cannot schedule health-check timers; the
# check itself is run by hand below)
engine run -d --name "$NAME" --stop-timeout 45 -p "127.0.0.1:$PORT:8766" \
  -v "$WORK/config.toml:/etc/connector/config.toml:ro" "$TAG" >/dev/null 2>"$WORK/run.err" \
  || { cat "$WORK/run.err" >&2; exit 1; }

fail() {
  echo "image-test: FAILED: $*" >&2
  engine logs "$NAME" 2>&1 | tail -20 >&2 || true
  exit 1
}

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || fail "/healthz not reachable from outside"
echo "image-test: /healthz answers from outside the container"
metrics="$(curl -fsS "http://127.0.0.1:$PORT/metrics")" || fail "/metrics unreachable"
grep -q '^connector_build_info' <<<"$metrics" || fail "/metrics lacks connector_build_info"

[ "$(engine exec "$NAME" id -u)" = "10001" ] || fail "not running as uid 10001"
echo "image-test: runs as uid 10001"

engine exec "$NAME" connector status --health >/dev/null || fail "HEALTHCHECK command fails"
if [ "$(basename "$ENGINE")" = "podman" ]; then
  engine healthcheck run "$NAME" >/dev/null 2>&1 || fail "podman healthcheck run fails"
fi
echo "image-test: health check passes"

check="$(engine exec "$NAME" connector config check 2>&1 >/dev/null)" || fail "config check: $check"
grep -q "state.url: /etc/connector/config.toml" <<<"$check" \
  || fail "state.url does not come from the mounted config: $check"
engine exec "$NAME" test -f /var/lib/connector/mounted.db || fail "mounted state URL unused"
echo "image-test: the mounted config decides state.url (no ENV override)"

start=$(date +%s)
engine stop -t 45 "$NAME" >/dev/null 2>>"$WORK/run.err"
took=$(( $(date +%s) - start ))
code="$(engine inspect -f '{{.State.ExitCode}}' "$NAME")"
[ "$code" = "0" ] || fail "exit code $code after SIGTERM"
[ "$took" -lt 30 ] || fail "SIGTERM took ${took}s (grace 30 s)"
echo "image-test: SIGTERM -> exit 0 in ${took}s"
echo "image-test: passed ($TAG on $BASE)"
