#!/usr/bin/env bash
# `cosingan batch` on a real SLURM: starts a single-node cluster on this machine (munged, slurmctld and
# slurmd with a configuration of their own in a temporary folder, on free ports, no cgroups), trains two
# `smoke` models from MedSeg slices as a training array, synthesizes from four masks as a 4-task
# synthesis array that waits for it (afterok), merges the parts and checks the dataset; then deletes one
# part, checks that merge refuses and names it, resubmits only that task, and merges again.
#
#   test_slurm.sh COSINGAN DATA_DIR
#
# Exit 77 (ctest SKIP_RETURN_CODE) only where SLURM cannot run here: not root, the packages cannot be
# installed, or the daemons do not come up (their logs are printed). Everything after that must pass.
set -uo pipefail
COSINGAN="$1"
DATA="$2"
SKIP=77

skip() { echo "SKIP: $*"; exit $SKIP; }
fail() { echo "FAIL: $*"; exit 1; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds_since() { local ms=$(($(now_ms) - $1)); printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100)); }

[ "$(id -u)" -eq 0 ] || skip "starting slurmctld, slurmd and munged needs root (run ctest as root, as CI does)"
[ -x "$COSINGAN" ] || fail "cosingan not found: $COSINGAN"
MEDSEG="$DATA/medseg-covid/train"
[ -d "$MEDSEG/Imgs" ] || fail "real data not found: $MEDSEG"

# --- SLURM and munge: installed by packaging/install-deps.sh; installed here if missing
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  echo "installing slurm-wlm and munge"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 slurm-wlm munge >/dev/null 2>&1 ||
    skip "slurm-wlm and munge are not installed and apt-get could not install them"
fi

T=$(mktemp -d /tmp/ctsw-slurm.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/data/masks"
chmod 700 "$T/munge"
PIDS=()
JOBS=()
cleanup() {
  if [ ${#JOBS[@]} -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then scancel "${JOBS[@]}" >/dev/null 2>&1; sleep 1; fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  if [ -n "${KEEP_SLURM_TEST:-}" ]; then echo "kept $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
show_logs() {
  for f in "$T/munged.log" "$T/slurmctld.log" "$T/slurmd.log" "$T/slurmctld.out" "$T/slurmd.out"; do
    [ -s "$f" ] && { echo "--- tail of $f"; tail -n 25 "$f"; }
  done
}

# --- munge with a key of its own, on a socket of its own
KEY="$T/munge/munge.key"
if command -v mungekey >/dev/null; then mungekey --create --keyfile="$KEY" >/dev/null 2>&1; fi
[ -s "$KEY" ] || dd if=/dev/urandom of="$KEY" bs=1 count=1024 status=none
chmod 600 "$KEY"
T0=$(now_ms)
munged --foreground --force --socket="$T/munge/socket" --key-file="$KEY" --pid-file="$T/munge/munged.pid" \
  --seed-file="$T/munge/seed" --log-file="$T/munged.log" >"$T/munged.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do [ -S "$T/munge/socket" ] && break; sleep 0.1; done
[ -S "$T/munge/socket" ] || { show_logs; cat "$T/munged.out"; skip "munged did not start"; }

# --- slurm.conf: this machine's name and CPUs, free ports, state and spool in the temporary folder
NODE=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
read -r PORT_CTLD PORT_D < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
export SLURM_CONF="$T/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=ctswtest
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=$PORT_CTLD
SlurmdPort=$PORT_D
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
MailProg=/bin/true
SlurmctldDebug=info
SlurmdDebug=info
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >"$T/slurmctld.out" 2>&1 &
PIDS+=($!)
slurmd -D -N "$NODE" -f "$SLURM_CONF" >"$T/slurmd.out" 2>&1 &
PIDS+=($!)
state=""
for _ in $(seq 120); do
  state=$(sinfo --noheader --format=%t 2>/dev/null | head -1)
  [ "$state" = "idle" ] && break
  sleep 0.5
done
[ "$state" = "idle" ] || { show_logs; skip "SLURM did not come up on this machine (node state: '${state:-none}')"; }
echo "== SLURM up: node $NODE, $CPUS CPUs, ports $PORT_CTLD/$PORT_D: $(seconds_since "$T0")"

# --- real data: MedSeg slices turned into radiological display, lung masks derived around the infection
T0=$(now_ms)
prep() {  # k -> img$k.png, mask$k.png
  local k=$1
  "$COSINGAN" convert "$MEDSEG/Imgs/$k.jpg" --orient rot90 "$T/data/img$k.png" >/dev/null 2>&1 &&
    "$COSINGAN" convert --mask ggo-consolidation --orient rot90 "$MEDSEG/GT_multiclass/$k.png" "$T/data/inf$k.png" >/dev/null 2>&1 &&
    "$COSINGAN" lung-mask --image "$T/data/img$k.png" --infection "$T/data/inf$k.png" --mapping identity --out "$T/data/mask$k.png" >/dev/null 2>&1 ||
    fail "preparing MedSeg slice $k"
}
for k in 10 20 30 35 40 45; do prep $k; done
for k in 30 35 40 45; do cp "$T/data/mask$k.png" "$T/data/masks/"; done
cat >"$T/plan.json" <<EOF
{
  "name": "slurmtest",
  "preset": "smoke",
  "train": [
    {"name": "medseg10", "image": "data/img10.png", "mask": "data/mask10.png"},
    {"name": "medseg20", "image": "data/img20.png", "mask": "data/mask20.png"}
  ],
  "synthesize": {"masks": "data/masks", "count": 2, "masks_per_task": 2}
}
EOF
echo "== data prepared (6 MedSeg slices): $(seconds_since "$T0")"

# --- submit: 2 training tasks, then 4 synthesis tasks (2 models x 2 groups of 2 masks) after them
RUN="$T/run"
T0=$(now_ms)
"$COSINGAN" batch submit "$T/plan.json" --out "$RUN" --cpus 1 >"$T/submit.out" 2>&1 || { cat "$T/submit.out"; fail "batch submit"; }
cat "$T/submit.out"
read -r TRAIN_JOB SYNTH_JOB < <(python3 -c '
import json, sys
subs = json.load(open(sys.argv[1]))["submissions"]
print(subs[0]["job"], subs[1]["job"])' "$RUN/run.json")
JOBS=("$TRAIN_JOB" "$SYNTH_JOB")
grep -q "^#SBATCH --cpus-per-task=1$" "$RUN/train.sbatch" || fail "train.sbatch does not ask for 1 CPU"
grep -q -- "--threads 1$" "$RUN/synth.sbatch" || fail "synth.sbatch does not pass --threads 1"

# Waits until SLURM lists none of the given array jobs (completed, failed or cancelled).
wait_jobs() {
  local limit=$1; shift
  local start; start=$(now_ms)
  while :; do
    local active=0
    for j in "$@"; do squeue --noheader --format=%F | grep -qx "$j" && active=1; done
    [ $active -eq 0 ] && return 0
    [ $(($(now_ms) - start)) -gt $((limit * 1000)) ] && { squeue; show_logs; fail "jobs $* still queued after $limit s"; }
    sleep 0.5
  done
}
wait_jobs 300 "$TRAIN_JOB"
echo "== training array $TRAIN_JOB (2 tasks, smoke) done: $(seconds_since "$T0")"
T1=$(now_ms)
wait_jobs 300 "$SYNTH_JOB"
echo "== synthesis array $SYNTH_JOB (4 tasks) done: $(seconds_since "$T1") (submit to end: $(seconds_since "$T0"))"
"$COSINGAN" batch status "$RUN" || fail "batch status"

# Every task ran under SLURM, in the array it belongs to, and succeeded.
python3 - "$RUN" "$TRAIN_JOB" "$SYNTH_JOB" <<'EOF' || { for f in "$RUN"/logs/*; do echo "--- $f"; tail -n 15 "$f"; done; fail "task reports"; }
import json, os, sys
run, train_job, synth_job = sys.argv[1:]
for stage, job, n in (("train", train_job, 2), ("synth", synth_job, 4)):
    for i in range(n):
        s = json.load(open(os.path.join(run, "status", "%s-%04d.json" % (stage, i))))
        assert s["state"] == "succeeded", (stage, i, s)
        assert s["array_job_id"] == job and s["array_task_id"] == str(i), (stage, i, s)
        assert os.path.isfile(os.path.join(run, "logs", "%s-%s_%d.out" % (stage, job, i))), (stage, i)
# afterok: no synthesis task started before the last training task finished.
reports = lambda stage, n: [json.load(open(os.path.join(run, "status", "%s-%04d.json" % (stage, i)))) for i in range(n)]
assert max(r["finished"] for r in reports("train", 2)) <= min(r["started"] for r in reports("synth", 4))
print("   all 6 tasks ran as array tasks of jobs %s and %s and succeeded; synthesis started after training" % (train_job, synth_job))
EOF

# --- merge and check the dataset: every listed file exists, every file is listed
check_dataset() {
  python3 - "$1" <<'EOF'
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
assert m["format"] == "cosingan-dataset" and m.get("merged") is True, m.get("format")
samples = m["samples"]
assert len(samples) == 16, len(samples)            # 2 models x 4 masks x 2
assert len(m["parts"]) == 4 and len(m["models"]) == 2, (len(m["parts"]), len(m["models"]))
listed = set()
for i, s in enumerate(samples):
    assert s["image"] == "images/sample_%05d.png" % i, s["image"]
    for k in ("image", "mask", "image_nifti", "mask_nifti"):
        p = os.path.join(d, s[k])
        assert os.path.isfile(p) and os.path.getsize(p) > 0, p
        listed.add(s[k])
present = set()
for root, _, files in os.walk(d):
    for f in files:
        rel = os.path.relpath(os.path.join(root, f), d)
        if rel not in ("manifest.json", "manifest.csv"):
            present.add(rel)
assert present == listed, sorted(present ^ listed)[:5]
assert sorted({s["model_name"] for s in samples}) == ["medseg10", "medseg20"]
assert sorted({os.path.basename(s["source_mask"]) for s in samples}) == ["mask30.png", "mask35.png", "mask40.png", "mask45.png"]
rows = open(os.path.join(d, "manifest.csv")).read().strip().splitlines()
assert len(rows) == 17, len(rows)
print("   dataset %s: 16 samples, %d files, every listed file present and every file listed" % (d, len(listed)))
EOF
}
T0=$(now_ms)
"$COSINGAN" batch merge "$RUN" || fail "batch merge"
echo "== merge: $(seconds_since "$T0")"
check_dataset "$RUN/dataset" || fail "merged dataset"

# --- a lost part: merge refuses and names it; resubmit sends only that task; merge again
rm -rf "$RUN/parts/synth-0002"
if "$COSINGAN" batch merge "$RUN" --out "$T/dataset2" 2>"$T/merge2.err"; then fail "merge accepted a run with a missing part"; fi
cat "$T/merge2.err"
grep -q "synth-0002" "$T/merge2.err" || fail "merge did not name the missing part"
[ ! -e "$T/dataset2" ] || fail "merge wrote a dataset for an incomplete run"
T0=$(now_ms)
"$COSINGAN" batch resubmit "$RUN" >"$T/resubmit.out" 2>&1 || { cat "$T/resubmit.out"; fail "batch resubmit"; }
cat "$T/resubmit.out"
read -r N_SUBS LAST_STAGE LAST_ARRAY LAST_JOB < <(python3 -c '
import json, sys
subs = json.load(open(sys.argv[1]))["submissions"]
print(len(subs), subs[-1]["stage"], subs[-1]["array"], subs[-1]["job"])' "$RUN/run.json")
[ "$N_SUBS" = 3 ] && [ "$LAST_STAGE" = synthesize ] && [ "$LAST_ARRAY" = 2 ] ||
  fail "resubmit should send synthesis task 2 alone, sent: $N_SUBS submissions, last $LAST_STAGE array $LAST_ARRAY"
JOBS+=("$LAST_JOB")
wait_jobs 300 "$LAST_JOB"
echo "== resubmitted task synth-0002 (job $LAST_JOB) done: $(seconds_since "$T0")"
"$COSINGAN" batch merge "$RUN" --out "$T/dataset2" || fail "merge after resubmission"
check_dataset "$T/dataset2" || fail "merged dataset after resubmission"
echo "PASS"
