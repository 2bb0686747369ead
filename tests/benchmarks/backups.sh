#!/usr/bin/env bash
# Benchmark of the console's backups against their anchors, on this machine, in one run:
#   1. a prefixed test-bed stack with a PostgreSQL database of about 1 GB (made here);
#   2. raw: `docker exec <pg> pg_dump -Fc koboform > file`;
#   3. the console (dotnet run, Release) backing up PostgreSQL to disk through its API;
#   4. the console backing up to s3rver, and `aws s3 cp` of the raw file to the same server;
#   5. the console's peak memory growth (VmHWM - VmRSS before) during each backup.
# Memory is compared at two sizes in one process: after a warm-up S3 backup of Redis (the first
# S3 call of a process loads and JITs the AWS SDK once), an S3 backup at half the rows, then the
# other half is added and the disk rounds and a second S3 backup run at the full size.
# Prints a Markdown table for docs/benchmarks.md. Usage: bash tests/benchmarks/backups.sh [rows]
# KC_BENCH_ROUNDS=N (default 1) repeats the raw, console, console, raw block and the S3 block N times:
# single runs on this 2-core machine vary by a few seconds, more rounds give steadier means.
# The S3 block is ordered the same way: anchor (a raw dump, then `aws s3 cp` of that file),
# console, console, anchor; so each console S3 backup is compared with anchors of the same minutes
# (this VM's speed drifts by a quarter within ten minutes, see the pg_dump CPU column).
# Every measurement also shows pg_dump's own CPU time (from /proc/<pid>/schedstat, sampled), which
# is the same work on both sides: when it moves, the machine changed speed, not the console.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
rows=${1:-6000000}
rounds=${KC_BENCH_ROUNDS:-1}
id="tb-bench-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
prefix="bn${id: -6}"
work=$(mktemp -d /tmp/kc-bench-XXXX)
log() { printf '==> %s\n' "$*" >&2; }
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "${s3_pid:-}" ] && kill "$s3_pid" 2>/dev/null || true
  bash docker/testbed/stack.sh down "$id" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash docker/testbed/images.sh all >/dev/null
dotnet build src/KoboConsole.Web -c Release -v q --nologo >/dev/null
out=$(bash docker/testbed/stack.sh up prefixed "$id" --prefix "$prefix")
pg=$(sed -n 's/^container.postgres=//p' <<<"$out")
user=$(sed -n 's/^postgres_user=//p' <<<"$out")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
half=$((rows / 2))
fill() { # fill FROM TO: rows of random text (so the dump does not compress to nothing)
  log "filling koboform with rows $1..$2"
  docker exec "$pg" psql -q -U "$user" -d koboform -c \
    "CREATE TABLE IF NOT EXISTS bench (g int, t text); INSERT INTO bench SELECT g, md5(g::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) FROM generate_series($1, $2) g"
}
fill 1 "$half"

now() { date +%s.%N; }
log "exact row count of koboform (what the console's manifest needs)"
t0=$(now); docker exec "$pg" psql -At -U "$user" -d koboform -c "SELECT count(*) FROM bench" >/dev/null; t1=$(now)
count_s=$(echo "$t1 - $t0" | bc -l)
# pg_dump's CPU seconds during a measurement: pgcpu_start; ...; pgcpu_stop sets $pgcpu.
cat > "$work/pgcpu.py" <<'PY'
import os, signal, sys, time
seen = {}
def done(*_):
    print(f"{sum(seen.values()) / 1e9:.1f}"); sys.exit(0)
signal.signal(signal.SIGTERM, done)
while True:
    for p in os.listdir('/proc'):
        if not p.isdigit(): continue
        try:
            if not open(f'/proc/{p}/cmdline', 'rb').read().startswith(b'pg_dump\0'): continue
            seen[p] = int(open(f'/proc/{p}/schedstat').read().split()[0])
        except (OSError, ValueError, IndexError): pass  # the process ended while being read
    time.sleep(0.2)
PY
pgcpu_start() { python3 "$work/pgcpu.py" > "$work/pgcpu.out" & pgcpu_pid=$!; }
# Sets pgcpu. Not called as $(...): `wait` in that subshell cannot wait for the sampler (not its
# child), and the file was sometimes read before the sampler wrote it.
pgcpu_stop() { kill -TERM "$pgcpu_pid"; wait "$pgcpu_pid" || true; pgcpu=$(cat "$work/pgcpu.out"); }
raw_dump() { # prints "seconds pg_dump-cpu-seconds"
  local t0 t1 cpu
  log "raw pg_dump"
  pgcpu_start
  t0=$(now); docker exec "$pg" pg_dump -Fc -U "$user" koboform > "$work/raw.dump"; t1=$(now)
  pgcpu_stop
  echo "$(echo "$t1 - $t0" | bc -l) $pgcpu"
}

# s3rver for the S3 half.
s3dir="$work/s3"; mkdir -p "$s3dir"
s3port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/var/cache/kobo-testbed/npm/node_modules/.bin/s3rver -d "$s3dir" -a 127.0.0.1 -p "$s3port" -s --configure-bucket bench >/dev/null 2>&1 &
s3_pid=$!

log "starting the console (Release)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export KoboConsole__Storage__DataDirectory="$work/data" KoboConsole__Stack__Prefix="$prefix" \
  KoboConsole__Backups__Directory="$work/backups" KoboConsole__Backups__ItemRetries=0 \
  KoboConsole__Auth__BootstrapAdmin__Username=bench KoboConsole__Auth__BootstrapAdmin__Password=bench-password-1 \
  KoboConsole__Backups__S3__Bucket=bench KoboConsole__Backups__S3__ServiceUrl="http://127.0.0.1:$s3port" \
  KoboConsole__Backups__S3__ForcePathStyle=true KoboConsole__Backups__S3__UseChunkEncoding=false \
  KoboConsole__Backups__S3__AccessKeyId=S3RVER KoboConsole__Backups__S3__SecretAccessKey=S3RVER \
  ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning
dotnet src/KoboConsole.Web/bin/Release/net10.0/KoboConsole.Web.dll >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench-password-1","name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# Runs one backup through the API: console_backup TARGET [STORE [ITEM-PREFIX]];
# prints "seconds bytes rss_growth_kb cpu_ms item_seconds": the run's time, and the bytes and own
# time (its dump, row counts, hash and fsync) of the item whose name starts with ITEM-PREFIX.
console_backup() {
  local target=$1 store=${2:-postgres} item=${3:-postgres-koboform} before run state
  before=$(awk '/VmRSS/ {print $2}' "/proc/$app_pid/status")
  cpu0=$(awk '{print $14 + $15}' "/proc/$app_pid/stat")
  # Reset the high-water mark so VmHWM is the peak of this backup alone.
  echo 5 > "/proc/$app_pid/clear_refs"
  # KC_BENCH_TRACE=<file>: a CPU sampling trace of the first backup (dotnet-trace on PATH).
  if [ -n "${KC_BENCH_TRACE:-}" ] && [ ! -e "$KC_BENCH_TRACE" ]; then
    dotnet-trace collect -p "$app_pid" --profile dotnet-sampled-thread-time -o "$KC_BENCH_TRACE" >"$KC_BENCH_TRACE.log" 2>&1 </dev/null & trace_pid=$!
    sleep 2
  fi
  pgcpu_start
  run=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/backups" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d "{\"stores\":[\"$store\"],\"target\":\"$target\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])')
  while :; do
    state=$(curl -sf "http://127.0.0.1:$port/api/v1/runs/$run" -H "authorization: Bearer $token")
    case $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["state"])' "$state") in
      succeeded) break ;;
      failed|cancelled) echo "run $run: $state" >&2; exit 1 ;;
    esac
    sleep 1   # the run's own startedAt/finishedAt are measured, not this loop; polling faster costs the console CPU
  done
  cpu1=$(awk '{print $14 + $15}' "/proc/$app_pid/stat")
  pgcpu_stop
  if [ -n "${trace_pid:-}" ]; then kill -INT "$trace_pid" 2>/dev/null || true; wait "$trace_pid" || true; trace_pid=; fi
  python3 - "$state" "$item" "$before" "$(awk '/VmHWM/ {print $2}' "/proc/$app_pid/status")" "$(( (cpu1 - cpu0) * 1000 / $(getconf CLK_TCK) ))" "$pgcpu" <<'PY'
import json, sys
from datetime import datetime
r = json.loads(sys.argv[1]); prefix = sys.argv[2]; before = int(sys.argv[3]); hwm = int(sys.argv[4]); cpu_ms = int(sys.argv[5])
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
item = [i for i in r["items"] if (i.get("name") or "").startswith(prefix)][0]
print("\n".join(r["log"]), file=sys.stderr)
print(f"console CPU during the run: {cpu_ms / 1000:.1f} s", file=sys.stderr)
print((t(r["finishedAt"]) - t(r["startedAt"])).total_seconds(), item["bytes"], hwm - before, cpu_ms,
      (t(item["finishedAt"]) - t(item["startedAt"])).total_seconds(), sys.argv[6])
PY
}

# Warm-up: the first S3 call of a process loads the AWS SDK and JITs the upload path, once.
log "warm-up: console backup of redis to s3rver"
read -r _ _ warm_mem _ _ < <(console_backup s3 redis redis-)
log "console backup to s3rver at half the rows"
read -r s3a_s s3a_bytes s3a_mem s3a_cpu _ < <(console_backup s3)
fill $((half + 1)) "$rows"
dbsize=$(docker exec "$pg" psql -At -U "$user" -d koboform -c "SELECT pg_database_size('koboform')")
log "koboform is $((dbsize / 1048576)) MB"

# The fill's dead tuples and dirty pages are dealt with first, so autovacuum or a checkpoint does
# not land in one side's measurement.
docker exec "$pg" psql -q -U "$user" -d koboform -c "VACUUM ANALYZE bench" -c CHECKPOINT
# Anchor and console in the order raw, console, console, raw: neither always goes first.
raws=(); disks=()
raw_sum=0
order_list=()
for _ in $(seq 1 "$rounds"); do order_list+=(raw console console raw); done
for order in "${order_list[@]}"; do
  if [ "$order" = raw ]; then
    read -r raw_s raw_cpu < <(raw_dump); raw_bytes=$(stat -c %s "$work/raw.dump")
    raw_sum=$(echo "$raw_sum + $raw_s" | bc -l)
    raws+=("$raw_s $raw_cpu")
  else
    rm -rf "$work/backups/postgres"   # kobo's names have one-minute resolution
    log "console backup to disk"
    read -r disk_s disk_bytes disk_mem disk_cpu disk_item_s disk_pg < <(console_backup disk)
    disks+=("$disk_s $disk_bytes $disk_mem $disk_cpu $disk_item_s $disk_pg")
  fi
done
# Debian's awscli (the issue's anchor), not whatever `aws` is first on the PATH.
[ -x /usr/bin/aws ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends awscli >/dev/null
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1
log "S3 uploads with $(/usr/bin/aws --version 2>&1)"
# The S3 anchor, what an admin does without the console: a raw dump, then `aws s3 cp` of the file.
s3s=(); anchors=(); anchor_sum=0
order_list=()
for _ in $(seq 1 "$rounds"); do order_list+=(anchor console console anchor); done
for order in "${order_list[@]}"; do
  if [ "$order" = anchor ]; then
    read -r dump_s dump_cpu < <(raw_dump)
    log "aws s3 cp of that file"
    t0=$(now); /usr/bin/aws --endpoint-url "http://127.0.0.1:$s3port" s3 cp "$work/raw.dump" s3://bench/raw.dump --only-show-errors; t1=$(now)
    up_s=$(echo "$t1 - $t0" | bc -l)
    anchor_sum=$(echo "$anchor_sum + $dump_s + $up_s" | bc -l)
    anchors+=("$dump_s $up_s $dump_cpu")
  else
    log "console backup to s3rver at the full size"
    rm -rf "$s3dir/bench/postgres"   # earlier runs' objects: the console refuses to replace a backup of the same minute
    read -r s3_s s3_bytes s3_mem s3_cpu s3_item_s s3_pg < <(console_backup s3)
    s3s+=("$s3_s $s3_bytes $s3_mem $s3_cpu $s3_item_s $s3_pg")
  fi
done
raw_mean=$(echo "$raw_sum / ${#raws[@]}" | bc -l)
anchor=$(echo "$anchor_sum / ${#anchors[@]}" | bc -l)

mbps() { echo "scale=1; $1 / 1048576 / $2" | bc -l; }
mb() { echo "$(( $1 / 1024 )) MB"; }
echo
echo "koboform: $((dbsize / 1048576)) MB in PostgreSQL ($rows rows), dump $((raw_bytes / 1048576)) MB; $(nproc) cores; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'count(*) of the table at half the rows: %.1f s; warm-up S3 backup of redis: %s growth\n' "$count_s" "$(mb "$warm_mem")"
echo
echo "| measurement | seconds | MB/s of dump | vs anchor | console memory growth | console CPU | koboform item alone | pg_dump on CPU |"
echo "|---|---|---|---|---|---|---|---|"
for r in "${raws[@]}"; do
  read -r raw_s raw_cpu <<<"$r"
  printf '| raw `docker exec pg_dump -Fc > file` (anchor) | %.1f | %s | – | – | – | – | %s s |\n' "$raw_s" "$(mbps "$raw_bytes" "$raw_s")" "$raw_cpu"
done
disk_sum=0; disk_item_sum=0
for d in "${disks[@]}"; do
  read -r disk_s disk_bytes disk_mem disk_cpu disk_item_s disk_pg <<<"$d"
  disk_sum=$(echo "$disk_sum + $disk_s" | bc -l)
  disk_item_sum=$(echo "$disk_item_sum + $disk_item_s" | bc -l)
  printf '| console → disk (whole run: both databases, row counts, manifest) | %.1f | %s | %.2fx of the mean raw | %s | %.1f s | %.1f s (%.2fx) | %s s |\n' "$disk_s" "$(mbps "$disk_bytes" "$disk_s")" "$(echo "$raw_mean / $disk_s" | bc -l)" "$(mb "$disk_mem")" "$(echo "$disk_cpu / 1000" | bc -l)" "$disk_item_s" "$(echo "$raw_mean / $disk_item_s" | bc -l)" "$disk_pg"
done
disk_mean=$(echo "$disk_sum / ${#disks[@]}" | bc -l)
disk_item_mean=$(echo "$disk_item_sum / ${#disks[@]}" | bc -l)
printf '| **means**: raw %.1f s, console → disk %.1f s | | | **%.2fx** | | | %.1f s (%.2fx) | |\n' "$raw_mean" "$disk_mean" "$(echo "$raw_mean / $disk_mean" | bc -l)" "$disk_item_mean" "$(echo "$raw_mean / $disk_item_mean" | bc -l)"
printf '| console → s3rver, half the rows (%d MB dump; first PostgreSQL S3 backup of the process) | %.1f | %s | – | %s | %.1f s | – | – |\n' "$((s3a_bytes / 1048576))" "$s3a_s" "$(mbps "$s3a_bytes" "$s3a_s")" "$(mb "$s3a_mem")" "$(echo "$s3a_cpu / 1000" | bc -l)"
for a in "${anchors[@]}"; do
  read -r dump_s up_s dump_cpu <<<"$a"
  printf '| raw dump, then `aws s3 cp` of the file (anchor: %.1f s + %.1f s upload) | %.1f | %s | – | – | – | – | %s s |\n' "$dump_s" "$up_s" "$(echo "$dump_s + $up_s" | bc -l)" "$(mbps "$raw_bytes" "$(echo "$dump_s + $up_s" | bc -l)")" "$dump_cpu"
done
s3_sum=0
for d in "${s3s[@]}"; do
  read -r s3_s s3_bytes s3_mem s3_cpu s3_item_s s3_pg <<<"$d"
  s3_sum=$(echo "$s3_sum + $s3_s" | bc -l)
  printf '| console → s3rver, full size (dump and upload streamed together) | %.1f | %s | %.2fx of the mean anchor | %s | %.1f s | %.1f s (%.2fx) | %s s |\n' "$s3_s" "$(mbps "$s3_bytes" "$s3_s")" "$(echo "$anchor / $s3_s" | bc -l)" "$(mb "$s3_mem")" "$(echo "$s3_cpu / 1000" | bc -l)" "$s3_item_s" "$(echo "$anchor / $s3_item_s" | bc -l)" "$s3_pg"
done
s3_mean=$(echo "$s3_sum / ${#s3s[@]}" | bc -l)
printf '| **means**: dump then upload %.1f s, console → s3rver %.1f s | | | **%.2fx** | | | | |\n' "$anchor" "$s3_mean" "$(echo "$anchor / $s3_mean" | bc -l)"
