#!/usr/bin/env bash
# Stop the single-node SLURM cluster that .ci/slurm/up.sh started. Only the processes whose PIDs
# up.sh recorded under $SYNPLAST_SLURM_BASE/pids are stopped (TERM, then KILL after
# $SYNPLAST_SLURM_STOP_TIMEOUT seconds, default 15), and only while the PID still belongs to a
# process of the recorded name. Jobs still in the queue are cancelled first. With nothing
# running it does nothing. State and logs stay in the base directory for inspection; the
# /etc/slurm symlinks that point into it are removed.
set -euo pipefail

BASE=${SYNPLAST_SLURM_BASE:-/tmp/synplast-slurm}
TIMEOUT=${SYNPLAST_SLURM_STOP_TIMEOUT:-15}

log() { echo "[slurm-down $(date +%T)] $*"; }
recorded() { # recorded NAME: the PID up.sh recorded, if that process still runs under NAME
  local f="$BASE/pids/$1" pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  if [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ]; then
    echo "$pid"
  else
    rm -f "$f" # stale: the daemon is gone (the PID may now belong to something else)
    return 1
  fi
}

stop() { # stop NAME...: TERM each (together), wait for all, KILL what is left after TIMEOUT
  local name pid i i2 names=() pids=() left
  for name in "$@"; do
    pid=$(recorded "$name") || continue
    kill -TERM "$pid" 2>/dev/null || true
    names+=("$name")
    pids+=("$pid")
  done
  for ((i = 0; i < TIMEOUT * 4; i++)); do
    left=0
    for i2 in "${!pids[@]}"; do
      [ "$(cat "/proc/${pids[$i2]}/comm" 2>/dev/null)" = "${names[$i2]}" ] && left=1
    done
    [ "$left" = 0 ] && break
    sleep 0.25
  done
  for i in "${!pids[@]}"; do
    if [ "$(cat "/proc/${pids[$i]}/comm" 2>/dev/null)" = "${names[$i]}" ]; then
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      log "killed ${names[$i]} (${pids[$i]}) after ${TIMEOUT}s"
    else
      log "stopped ${names[$i]} (${pids[$i]})"
    fi
    rm -f "$BASE/pids/${names[$i]}"
  done
}

[ -d "$BASE/pids" ] || exit 0
exec 9>"$BASE/.lock" # one up.sh or down.sh at a time
flock -w 600 9 || { echo "down.sh: ERROR: $BASE/.lock is held by another up.sh or down.sh" >&2; exit 1; }

# Cancel what is still queued or running, so that no job step outlives slurmd.
if recorded slurmctld >/dev/null && recorded slurmd >/dev/null; then
  jobs=$(squeue -h -o %i 2>/dev/null || true)
  if [ -n "$jobs" ]; then
    log "cancelling jobs: $(echo $jobs)"
    # shellcheck disable=SC2086
    scancel $jobs || true
    for ((i = 0; i < TIMEOUT * 4; i++)); do
      [ -z "$(squeue -h -t PD,R,CG -o %i 2>/dev/null)" ] && break
      sleep 0.25
    done
  fi
fi

# in dependency order: the SLURM daemons, then accounting, then the database and munge
stop slurmd slurmctld
stop slurmdbd
stop mariadbd munged

for f in slurm.conf slurmdbd.conf; do
  if [ -L "/etc/slurm/$f" ] && [ "$(readlink "/etc/slurm/$f")" = "$BASE/etc/$f" ]; then
    rm -f "/etc/slurm/$f"
  fi
done
