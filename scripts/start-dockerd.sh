#!/usr/bin/env bash
# Make sure a Docker engine answers: exit 0 at once if `docker info` works; otherwise install
# docker.io when it is missing, start dockerd in the background and wait for it.
# Idempotent: run it before anything that needs job containers (make test, make run).
#
#   DOCKERD_LOG   where dockerd writes its log (default /tmp/taskmill-dockerd.log)
#   DOCKERD_WAIT  seconds to wait for the engine (default 30)
set -euo pipefail

LOG=${DOCKERD_LOG:-/tmp/taskmill-dockerd.log}
WAIT=${DOCKERD_WAIT:-30}
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

engine_up() { docker info >/dev/null 2>&1; }

if command -v docker >/dev/null && engine_up; then
  exit 0
fi

if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
  echo "start-dockerd: installing docker.io ..."
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io
fi

# A dockerd that is still starting up counts: never start a second one on the same data root.
if ! pgrep -x dockerd >/dev/null; then
  echo "start-dockerd: starting dockerd (log: $LOG)"
  $SUDO bash -c "setsid dockerd >'$LOG' 2>&1 </dev/null &"
fi

for _ in $(seq "$WAIT"); do
  if engine_up; then
    echo "start-dockerd: engine ready"
    exit 0
  fi
  sleep 1
done

echo "start-dockerd: dockerd did not answer within ${WAIT}s; last lines of $LOG:" >&2
tail -n 30 "$LOG" >&2 || true
exit 1
