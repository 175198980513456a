#!/usr/bin/env bash
# Runs a command against a throwaway one-node Slurm cluster on loopback, then stops it.
#
#   scripts/slurm-single-node.sh COMMAND [ARG...]
#
# Starts slurmctld and slurmd (no systemd, no cgroups, auth/none, state under a temporary folder),
# waits until the node is idle, runs COMMAND with SLURM_CONF exported (so sbatch, squeue and
# scontrol reach this cluster), then waits until every job has left the queue (at most
# SLURM_WAIT seconds, default 900), prints the job completion log, and stops the daemons by PID.
# Exits with COMMAND's status, or 3 when the queue did not drain in time, 4 when the cluster
# could not start. Needs root and the Debian packages slurmctld, slurmd and slurm-client
# (.ci/run installs them). Used by the test that submits `satsim sweep --slurm`'s script.
#
# Adapted from a recipe that worked on Debian 12 (Slurm 22.05): SlurmdParameters=config_overrides
# lets the node advertise more CPUs than it has; ProctrackType=proctrack/linuxproc and
# TaskPlugin=task/none avoid cgroups; the clients read SLURM_CONF, so /etc/slurm is untouched.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "$0: a one-node Slurm runs its daemons as root; run as root" >&2
  exit 4
fi
for tool in slurmctld slurmd sbatch squeue sinfo; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    echo "$0: $tool is not installed (apt-get install slurmctld slurmd slurm-client)" >&2
    exit 4
  fi
done

D=$(mktemp -d /tmp/satsim-slurm.XXXXXX)
NCPU=${NCPU:-4}
WAIT=${SLURM_WAIT:-900}
mkdir -p "$D"/{state,spool,log}
chmod 0755 "$D"

cleanup() {
  # slurmd first, then slurmctld (its slurmscriptd exits with it); each by its PID, and with
  # SIGKILL when SIGTERM has not ended it within 5 s (a slurmd once outlived the recipe's wait).
  for p in ${SLURMD_PID:-} ${SLURMCTLD_PID:-}; do
    kill -TERM "$p" 2>/dev/null || continue
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  rm -rf "$D"
}
trap cleanup EXIT

cat > "$D/slurm.conf" <<CONF
ClusterName=satsim
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmdParameters=config_overrides
ReturnToService=2
MpiDefault=none
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$D/slurm.conf"
PATH="$PATH:/usr/sbin"

slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF" -N localhost
# The daemons fork into the background and write their PID files; read them now, while $D is ours.
for _ in $(seq 1 50); do [ -s "$D/slurmd.pid" ] && [ -s "$D/slurmctld.pid" ] && break; sleep 0.1; done
SLURMCTLD_PID=$(cat "$D/slurmctld.pid" 2>/dev/null || true)
SLURMD_PID=$(cat "$D/slurmd.pid" 2>/dev/null || true)
for _ in $(seq 1 150); do sinfo -h -o '%T' 2>/dev/null | grep -qx idle && break; sleep 0.1; done
if ! sinfo -h -o '%T' | grep -qx idle; then
  echo "$0: the node did not become idle" >&2
  tail -30 "$D"/log/*.log >&2 || true
  exit 4
fi

status=0
"$@" || status=$?

drained=0
for _ in $(seq 1 $((WAIT * 4))); do
  if [ -z "$(squeue -h 2>/dev/null)" ]; then drained=1; break; fi
  sleep 0.25
done
echo "--- slurm job completion log" >&2
cat "$D/log/jobcomp.txt" >&2 2>/dev/null || true
if [ "$drained" -ne 1 ]; then
  echo "$0: jobs still queued after ${WAIT}s:" >&2
  squeue >&2 || true
  tail -30 "$D"/log/*.log >&2 || true
  exit 3
fi
exit "$status"
