#!/usr/bin/env bash
# Make sure a Docker engine answers: exit 0 at once if `docker info` works; otherwise install
# docker.io when it is missing, start dockerd in the background and wait for it.
# Idempotent: run it before anything that needs job containers (make test, make run).
#
#   DOCKERD_LOG   where dockerd writes its log (default /tmp/taskmill-dockerd.log)
#   DOCKERD_WAIT  seconds to wait for the engine (default 30)
#   ENGINE_CGROUP cgroup (name) the engine starts in, with the smallest CPU weight, so that
#                 its own work (starting, stopping and removing containers: ~200 ms of CPU
#                 each) runs on what jobs leave idle instead of slowing them; job containers
#                 stay in the engine's `docker` cgroup at full weight. Default taskmill-engine;
#                 empty: start dockerd where this script runs. Only when this script starts
#                 dockerd, and only where cgroups are writable (root); else it is skipped.
set -euo pipefail

LOG=${DOCKERD_LOG:-/tmp/taskmill-dockerd.log}
WAIT=${DOCKERD_WAIT:-30}
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

ENGINE_CGROUP=${ENGINE_CGROUP-taskmill-engine}

engine_up() { docker info >/dev/null 2>&1; }

# Prints the cgroup.procs file of the low-weight engine cgroup, made if needed (v1 or v2).
engine_cgroup_procs() {
  local dir
  [ -n "$ENGINE_CGROUP" ] || return 1
  if [ -f /sys/fs/cgroup/cpu/cpu.shares ]; then  # cgroup v1: weights are cpu.shares (2..)
    dir=/sys/fs/cgroup/cpu/$ENGINE_CGROUP
    mkdir -p "$dir" && echo 2 >"$dir/cpu.shares" || return 1
  elif grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then  # v2: cpu.weight (1..)
    dir=/sys/fs/cgroup/$ENGINE_CGROUP
    echo +cpu >/sys/fs/cgroup/cgroup.subtree_control && mkdir -p "$dir" \
      && echo 1 >"$dir/cpu.weight" || return 1
  else
    return 1
  fi
  echo "$dir/cgroup.procs"
}

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
  procs=""
  if [ -z "$SUDO" ]; then procs=$(engine_cgroup_procs 2>/dev/null) || procs=""; fi
  echo "start-dockerd: starting dockerd (log: $LOG${procs:+; low CPU weight: ${procs%/cgroup.procs}})"
  # The shell joins the cgroup, then becomes dockerd; containerd and the shims inherit it.
  $SUDO bash -c "${procs:+echo \$\$ >'$procs'; }exec setsid dockerd >'$LOG' 2>&1 </dev/null" &
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
