#!/usr/bin/env bash
# Start a real single-node SLURM cluster with accounting on this machine, for testing
# profiles/slurm (tests/workflow/test_slurm_cluster.py runs it; so can a developer).
#
#   sudo .ci/slurm/up.sh          # start (or, if it runs already, check it is healthy)
#   sudo .ci/slurm/down.sh        # stop what up.sh started
#
# Debian 12 packages (installed with apt-get when missing): munge, mariadb-server, slurmdbd,
# slurmctld, slurmd, slurm-client (SLURM 22.05). Needs root; no systemd, no cgroups.
# Daemons: munged -> mariadbd -> slurmdbd -> slurmctld -> slurmd. A daemon whose recorded PID is
# alive is left alone, so a second run only checks health. All state (config, munge key,
# database, spool, logs, PID records) lives under one base directory; the only files outside it
# are two symlinks, /etc/slurm/slurm.conf and /etc/slurm/slurmdbd.conf, where every SLURM command
# looks for its configuration. up.sh refuses to replace a slurm.conf that it did not write.
#
# Environment:
#   SYNPLAST_SLURM_BASE       state directory (default /tmp/synplast-slurm)
#   SYNPLAST_SLURM_PARTITION  name of the default partition (default: debug); a second partition,
#                             "<name>-alt", exists so that tests can tell a requested partition
#                             from the default one
#   SYNPLAST_SLURM_DB_PORT    TCP port of the private MariaDB on 127.0.0.1 (default 3307)
#
# SLURM ports 6817-6819 (slurmctld, slurmd, slurmdbd) must be free. Accounts in the accounting
# database: root (root's default) and synplast-ci.
set -euo pipefail

BASE=${SYNPLAST_SLURM_BASE:-/tmp/synplast-slurm}
PARTITION=${SYNPLAST_SLURM_PARTITION:-debug}
DB_PORT=${SYNPLAST_SLURM_DB_PORT:-3307}
CLUSTER=synplast
MARKER="# written by synplast .ci/slurm/up.sh"
PACKAGES=(munge mariadb-server slurmdbd slurmctld slurmd slurm-client)

t0=$(date +%s.%N)
log() { echo "[slurm-up $(date +%T)] $*"; }
die() {
  # one line that says what failed; context (log tails) goes before it
  echo "up.sh: ERROR: $*" >&2
  exit 1
}
# fail LOG WHAT: the last lines of a daemon's LOG as context, then one line: WHAT, and the
# log's last error
fail() {
  local why=""
  if [ -f "$1" ]; then
    echo "--- last lines of $1 ---" >&2
    tail -n 15 "$1" >&2
    why=$(grep -iE 'fatal|error' "$1" | tail -n 1 | sed 's/^\[[^]]*\] *//')
  fi
  die "$2${why:+ ($why)}; see $1"
}
# wait_for SECONDS CMD...: run CMD every 0.25 s until it succeeds; false after SECONDS
wait_for() {
  local deadline=$(($(date +%s) + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.25
  done
}
# wait_daemon SECONDS NAME CMD...: wait_for CMD, giving up at once when daemon NAME has exited
wait_daemon() {
  local deadline=$(($(date +%s) + $1)) name=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    pid_alive "$name" || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.25
  done
}
# pid_alive NAME: the PID recorded for NAME is a running process called NAME
pid_alive() {
  local f="$BASE/pids/$1" pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ]
}
# pidfile_is NAME PIDFILE: PIDFILE names a running process called NAME
pidfile_is() { [ -s "$2" ] && [ "$(cat "/proc/$(cat "$2")/comm" 2>/dev/null)" = "$1" ]; }
# record_pid NAME PIDFILE: wait for a forking daemon's own PID file, then record the PID
record_pid() {
  wait_for 30 pidfile_is "$1" "$2" || return 1
  cat "$2" >"$BASE/pids/$1"
  log "$1 started, pid $(cat "$BASE/pids/$1")"
}

[ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons)"

# One up.sh or down.sh at a time (two test sessions starting together would race). Daemons are
# started with fd 9 closed, or they would hold the lock for as long as they run.
mkdir -p "$BASE"
exec 9>"$BASE/.lock"
flock -w 600 9 || die "$BASE/.lock is held by another up.sh or down.sh for 10 minutes"

# ---------------------------------------------------------------- 1. packages
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get (Debian/Ubuntu only)"
  # Debian's postinst scripts would start the services; this cluster starts its own.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
      --no-install-recommends "${missing[@]}" >"$1" 2>&1
  }
  apt_update() { apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null 2>&1; }
  # apt-get update only when the package lists lack a package, or an install from them fails
  for p in "${missing[@]}"; do
    if [ -z "$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}' | grep -v none)" ]; then
      log "apt-get update (no candidate for $p)"
      apt_update || true
      break
    fi
  done
  log "apt-get install ${missing[*]}"
  apt_log=$(mktemp)
  if ! apt_install "$apt_log"; then
    log "install failed; apt-get update and retry"
    apt_update || true
    apt_install "$apt_log" || { tail -n 20 "$apt_log" >&2; die "apt-get install ${missing[*]} failed"; }
  fi
  rm -f "$apt_log"
  if trap -p EXIT | grep -q policy-rc.d; then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
fi

mkdir -p "$BASE"/{etc,pids,run,log,state,spool}
chmod 755 "$BASE"

# ---------------------------------------------------------------- 2. this machine
NODE=$(hostname -s)
if ! getent hosts "$NODE" >/dev/null; then
  log "adding '127.0.0.1 $NODE' to /etc/hosts (the node name must resolve)"
  echo "127.0.0.1 $NODE" >>/etc/hosts
fi
# CPU layout and memory as slurmd sees them; RealMemory at 80 % leaves room for the OS
hw=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=' || true)
if [ -n "$hw" ]; then
  mem=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")
  hw=$(sed -e 's/^NodeName=[^ ]* //' -e 's/ *RealMemory=[0-9]*//' <<<"$hw")
else
  mem=$(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo)
  hw="CPUs=$(nproc)"
fi
mem=$((mem * 8 / 10))

# ---------------------------------------------------------------- 3. configuration
# install_conf DEST TEXT MODE: write TEXT to $BASE/etc/DEST and link /etc/slurm/DEST to it;
# sets changed=1 when the text differs from what was there (a running slurmctld must reconfigure).
changed=0
install_conf() {
  local dest=$1 text=$2 mode=$3 file="$BASE/etc/$1" link="/etc/slurm/$1"
  mkdir -p /etc/slurm
  if [ -e "$link" ] || [ -L "$link" ]; then
    if ! grep -qxF "$MARKER" "$link" 2>/dev/null && ! { [ -L "$link" ] && [[ $(readlink "$link") == */etc/$dest ]]; }; then
      die "$link exists and was not written by up.sh; refusing to replace this machine's SLURM configuration"
    fi
  fi
  if [ ! -f "$file" ] || [ "$(cat "$file")" != "$text" ]; then
    printf '%s\n' "$text" >"$file"
    changed=1
  fi
  chmod "$mode" "$file"
  [ "$(readlink "$link" 2>/dev/null)" = "$file" ] || ln -sfn "$file" "$link"
}

install_conf slurm.conf "$MARKER
ClusterName=$CLUSTER
SlurmctldHost=$NODE(127.0.0.1)
AuthType=auth/munge
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
# no cgroups: linuxproc tracks processes, jobs are not bound to CPUs
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# without it a job with no --mem gets the whole node
DefMemPerCPU=1000
MailProg=/bin/true
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=127.0.0.1
AccountingStoragePort=6819
AccountingStoreFlags=job_comment
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=30
JobCompType=jobcomp/none
# finished jobs stay visible to squeue for 5 minutes
MinJobAge=300
KillWait=5
SlurmdTimeout=30
NodeName=$NODE NodeAddr=127.0.0.1 $hw RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
PartitionName=$PARTITION-alt Nodes=$NODE Default=NO MaxTime=INFINITE State=UP" 644

install_conf slurmdbd.conf "$MARKER
AuthType=auth/munge
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
LogFile=$BASE/log/slurmdbd.log
PidFile=$BASE/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=$DB_PORT
StorageUser=slurm
StoragePass=synplast-ci
StorageLoc=slurm_acct_db" 600

# ---------------------------------------------------------------- 4. munged
# SLURM 22.05's accounting connections ignore AuthInfo=socket=..., so munged must listen on the
# default socket. A munged already serving it (the machine's own) is used and left alone;
# otherwise up.sh starts one with its own key and PID file.
munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
if ! pid_alive munged && ! munge_ok; then
  install -d -o munge -g munge -m 0700 "$BASE/munge"
  install -d -o munge -g munge -m 0755 /run/munge
  if [ ! -s "$BASE/munge/munge.key" ]; then
    runuser -u munge -- mungekey --create --keyfile="$BASE/munge/munge.key"
  fi
  rm -f "$BASE/munge/munged.pid"
  runuser -u munge -- /usr/sbin/munged --key-file="$BASE/munge/munge.key" \
    --pid-file="$BASE/munge/munged.pid" --log-file="$BASE/munge/munged.log" \
    --seed-file="$BASE/munge/munged.seed" 9>&- ||
    fail "$BASE/munge/munged.log" "munged did not start"
  record_pid munged "$BASE/munge/munged.pid" || fail "$BASE/munge/munged.log" "munged did not start"
fi
wait_for 10 munge_ok || fail "$BASE/munge/munged.log" "munge credentials do not verify (munge -n | unmunge)"

# ---------------------------------------------------------------- 5. MariaDB (private instance)
DB_SOCK="$BASE/mariadb/run/mysqld.sock"
SQL=(mariadb --no-defaults --protocol=socket --socket="$DB_SOCK" -u root)
if ! pid_alive mariadbd; then
  install -d -o mysql -g mysql -m 0750 "$BASE/mariadb" "$BASE/mariadb/run"
  if [ ! -d "$BASE/mariadb/data/mysql" ]; then
    log "initialising the accounting database in $BASE/mariadb/data"
    mariadb-install-db --no-defaults --user=mysql --datadir="$BASE/mariadb/data" \
      --auth-root-authentication-method=socket --skip-test-db >"$BASE/log/mariadb-install.log" 2>&1 ||
      fail "$BASE/log/mariadb-install.log" "mariadb-install-db failed"
  fi
  rm -f "$BASE/mariadb/run/mariadbd.pid"
  setsid /usr/sbin/mariadbd --no-defaults --user=mysql --datadir="$BASE/mariadb/data" \
    --socket="$DB_SOCK" --bind-address=127.0.0.1 --port="$DB_PORT" \
    --pid-file="$BASE/mariadb/run/mariadbd.pid" --log-error="$BASE/log/mariadbd.err" \
    </dev/null >/dev/null 2>&1 9>&- &
  record_pid mariadbd "$BASE/mariadb/run/mariadbd.pid" ||
    fail "$BASE/log/mariadbd.err" "mariadbd did not start (is port $DB_PORT free? SYNPLAST_SLURM_DB_PORT moves it)"
fi
wait_daemon 60 mariadbd "${SQL[@]}" -e 'SELECT 1' || fail "$BASE/log/mariadbd.err" "mariadbd does not answer on $DB_SOCK"
"${SQL[@]}" -e "CREATE DATABASE IF NOT EXISTS slurm_acct_db;
  CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'synplast-ci';
  CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'synplast-ci';
  GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
  GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"

# ---------------------------------------------------------------- 6. slurmdbd + accounts
if ! pid_alive slurmdbd; then
  rm -f "$BASE/run/slurmdbd.pid"
  /usr/sbin/slurmdbd 9>&- || fail "$BASE/log/slurmdbd.log" "slurmdbd did not start"
  record_pid slurmdbd "$BASE/run/slurmdbd.pid" || fail "$BASE/log/slurmdbd.log" "slurmdbd did not start"
fi
wait_daemon 60 slurmdbd sacctmgr -n list cluster || fail "$BASE/log/slurmdbd.log" "slurmdbd does not answer sacctmgr"
acct_list() { sacctmgr -n -P list "$1" format="$2" 2>/dev/null; }
acct_list cluster cluster | grep -qx "$CLUSTER" || sacctmgr -i add cluster "$CLUSTER" >/dev/null
# Adding the cluster gives root the default account "root"; a second account lets a test tell
# a requested account from the default one.
acct_list account account | grep -qx synplast-ci ||
  sacctmgr -i add account synplast-ci cluster="$CLUSTER" description="synplast CI" organization=synplast >/dev/null
acct_list association account,user | grep -qx 'synplast-ci|root' ||
  sacctmgr -i add user root account=synplast-ci cluster="$CLUSTER" >/dev/null

# ---------------------------------------------------------------- 7. slurmctld + slurmd
if pid_alive slurmctld; then
  if [ "$changed" = 1 ]; then
    log "configuration changed: scontrol reconfigure"
    scontrol reconfigure
  fi
else
  rm -f "$BASE/run/slurmctld.pid"
  /usr/sbin/slurmctld 9>&- || fail "$BASE/log/slurmctld.log" "slurmctld did not start"
  record_pid slurmctld "$BASE/run/slurmctld.pid" || fail "$BASE/log/slurmctld.log" "slurmctld did not start"
fi
wait_daemon 30 slurmctld bash -c 'scontrol ping | grep -q UP' ||
  fail "$BASE/log/slurmctld.log" "slurmctld does not answer scontrol ping"
if ! pid_alive slurmd; then
  rm -f "$BASE/run/slurmd.pid"
  /usr/sbin/slurmd 9>&- || fail "$BASE/log/slurmd.log" "slurmd did not start"
  record_pid slurmd "$BASE/run/slurmd.pid" || fail "$BASE/log/slurmd.log" "slurmd did not start"
fi

# ---------------------------------------------------------------- 8. healthy?
node_ready() { sinfo -h -n "$NODE" -o %T | grep -Eqx 'idle|mixed|allocated'; }
wait_daemon 60 slurmd node_ready ||
  fail "$BASE/log/slurmd.log" "node $NODE is not idle (sinfo: $(sinfo -h -n "$NODE" -o %T 2>&1 | head -n1))"
wait_for 30 sacct -n -X --starttime now-1hours -o JobIDRaw ||
  fail "$BASE/log/slurmdbd.log" "sacct does not answer ($(sacct -n -X 2>&1 | head -n1))"

dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
log "cluster '$CLUSTER' up in ${dt}s: node $NODE ($hw RealMemory=$mem), partitions $PARTITION (default) and $PARTITION-alt, state in $BASE"
sinfo
