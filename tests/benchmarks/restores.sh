#!/usr/bin/env bash
# Benchmark of a console restore of PostgreSQL against its anchor, on this machine, in one run:
#   1. a prefixed test-bed stack with a koboform database of about 1 GB (made here);
#   2. the console (dotnet run, Release) backs koboform up to disk through its API (the file both restore);
#   3. raw: `docker exec -i <pg> pg_restore <same flags> -d koboform < file`;
#   4. the console restoring the same backup through POST /api/v1/restores (safety backup skipped
#      with a reason, so both restore the same bytes): the restore step alone (from the run's log,
#      milliseconds from its run log) and the whole guarded run (pre-flight hash, maintenance, writers,
#      verify, health gate).
# 3 and 4 alternate as raw, console, console, raw, twice (a CHECKPOINT before each); means are reported.
# Prints a Markdown table for docs/benchmarks.md. Usage: bash tests/benchmarks/restores.sh [rows]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-6000000}
id="tb-rbench-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
prefix="rb${id: -6}"
work=$(mktemp -d /tmp/kc-rbench-XXXX)
log() { printf '==> %s\n' "$*" >&2; }
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  bash docker/testbed/stack.sh down "$id" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash docker/testbed/images.sh all >/dev/null
out=$(bash docker/testbed/stack.sh up prefixed "$id" --prefix "$prefix")
pg=$(sed -n 's/^container.postgres=//p' <<<"$out")
user=$(sed -n 's/^postgres_user=//p' <<<"$out")
domain=$(sed -n 's/^domain=//p' <<<"$out")
log "filling koboform with $rows rows"
docker exec "$pg" psql -q -U "$user" -d koboform -c \
  "CREATE TABLE bench AS SELECT g, md5(g::text) || md5(random()::text) || md5(random()::text) || md5(random()::text) AS t FROM generate_series(1, $rows) g"
dbsize=$(docker exec "$pg" psql -At -U "$user" -d koboform -c "SELECT pg_database_size('koboform')")
log "koboform is $((dbsize / 1048576)) MB"

log "starting the console (Release)"
dotnet build src/KoboConsole.Web -c Release -v q --nologo >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export KoboConsole__Storage__DataDirectory="$work/data" KoboConsole__Stack__Prefix="$prefix" \
  KoboConsole__Backups__Directory="$work/backups" KoboConsole__Backups__ItemRetries=0 \
  KoboConsole__Auth__BootstrapAdmin__Username=bench KoboConsole__Auth__BootstrapAdmin__Password=bench-password-1 \
  ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning
dotnet src/KoboConsole.Web/bin/Release/net10.0/KoboConsole.Web.dll >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 1; done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench-password-1","name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
api() { curl -sf -H "authorization: Bearer $token" -H 'content-type: application/json' "$@"; }
wait_run() {
  local run=$1 state
  while :; do
    state=$(api "http://127.0.0.1:$port/api/v1/runs/$run")
    case $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["state"])' "$state") in
      succeeded) echo "$state"; return ;;
      failed|cancelled) echo "run $run: $state" >&2; exit 1 ;;
    esac
    sleep 0.5
  done
}

log "console backup of PostgreSQL to disk"
run=$(api -X POST "http://127.0.0.1:$port/api/v1/backups" -d '{"stores":["postgres"],"target":"disk"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])')
backup=$(wait_run "$run")
read -r backup_id backup_key < <(python3 -c 'import json,sys; i=[i for i in json.loads(sys.argv[1])["items"] if i["name"].startswith("postgres-koboform")][0]; print(i["backupId"], i["name"])' "$backup")
file="$work/backups/postgres/$backup_key"
bytes=$(stat -c %s "$file")

now() { date +%s.%N; }
# A CHECKPOINT before every restore: the WAL of the previous restore (about 1 GB) would otherwise
# trigger a checkpoint during the next one, slowing whichever comes second.
checkpoint() { docker exec "$pg" psql -q -U "$user" -d postgres -c CHECKPOINT; }
raw_restore() {
  local t0 t1
  checkpoint
  log "raw pg_restore of $((bytes / 1048576)) MB"
  t0=$(now)
  docker exec -i "$pg" pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error -U "$user" -d koboform < "$file"
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}
# Prints "step_seconds run_seconds" of one console restore through the API.
console_restore() {
  local run restore
  checkpoint
  log "console restore through the API"
  run=$(api -X POST "http://127.0.0.1:$port/api/v1/restores" \
    -d "{\"backupIds\":[\"$backup_id\"],\"confirm\":\"$domain\",\"safetyBackup\":false,\"skipSafetyReason\":\"benchmark: same bytes as the raw pg_restore\"}" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["runId"])')
  restore=$(wait_run "$run")
  # The step's start and end come from the console's own run log in its SQLite file, which keeps
  # milliseconds (the API shows the log at 1 s resolution).
  python3 - "$restore" "$work/data/koboconsole.db" "$run" <<'PY'
import json, sqlite3, sys
from datetime import datetime
r = json.loads(sys.argv[1])
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
rows = sqlite3.connect(sys.argv[2]).execute("SELECT at, text FROM run_log WHERE run_id = ? ORDER BY seq", (sys.argv[3],)).fetchall()
at = lambda marker: next(a for a, text in rows if text.endswith(marker)) / 1000
print(at("▶ verify") - at("▶ restore"), (t(r["finishedAt"]) - t(r["startedAt"])).total_seconds())
PY
}

# Rounds in the order raw, console, console, raw (and again): neither side always goes first.
raws=(); steps=(); runs=()
for order in raw console console raw raw console console raw; do
  if [ "$order" = raw ]; then
    raws+=("$(raw_restore)")
  else
    read -r step_s run_s < <(console_restore)
    steps+=("$step_s"); runs+=("$run_s")
  fi
done
mean() { python3 -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print(sum(v)/len(v))' "$@"; }
list() { python3 -c 'import sys; print(", ".join(f"{float(x):.1f}" for x in sys.argv[1:]))' "$@"; }
raw_s=$(mean "${raws[@]}"); step_s=$(mean "${steps[@]}"); run_s=$(mean "${runs[@]}")

mbps() { echo "scale=1; $1 / 1048576 / $2" | bc -l; }
echo
echo "koboform: $((dbsize / 1048576)) MB in PostgreSQL ($rows rows), dump $((bytes / 1048576)) MB; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| measurement (mean of ${#raws[@]}, order raw-console-console-raw twice) | seconds | each | MB/s of dump | vs anchor |"
echo "|---|---|---|---|---|"
printf '| raw `docker exec -i pg_restore ... < file` (anchor) | %.1f | %s | %s | 1.00x |\n' "$raw_s" "$(list "${raws[@]}")" "$(mbps "$bytes" "$raw_s")"
printf '| console restore step (streamed into pg_restore, hashed) | %.1f | %s | %s | %.2fx |\n' "$step_s" "$(list "${steps[@]}")" "$(mbps "$bytes" "$step_s")" "$(echo "$raw_s / $step_s" | bc -l)"
printf '| console whole guarded run (pre-flight hash, maintenance, writers, verify, health gate) | %.1f | %s | %s | %.2fx |\n' "$run_s" "$(list "${runs[@]}")" "$(mbps "$bytes" "$run_s")" "$(echo "$raw_s / $run_s" | bc -l)"
