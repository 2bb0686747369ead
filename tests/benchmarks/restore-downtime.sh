#!/usr/bin/env bash
# Benchmark: the downtime of a small restore (Redis) through the console, step by step, next to
# its anchor for the writer steps: the same writers stopped and started by hand with the docker
# CLI (`docker stop w1 w2 ...` stops them in parallel, as `docker compose stop` does). Each is
# measured alone, alternating, for several rounds; the safety backup is skipped with a reason so
# every round restores the same bytes.
# Usage (root, Docker engine, test-bed images): bash tests/benchmarks/restore-downtime.sh [rounds]
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"
ROUNDS="${1:-3}"
id="tb-rdown-$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
prefix="rd${id: -6}"
work=$(mktemp -d /tmp/kc-rdown-XXXX)
log() { printf '==> %s\n' "$*" >&2; }
cleanup() {
  [ -n "${app_pid:-}" ] && kill "$app_pid" 2>/dev/null || true
  bash docker/testbed/stack.sh down "$id" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash docker/testbed/images.sh all >/dev/null
out=$(bash docker/testbed/stack.sh up prefixed "$id" --prefix "$prefix")
domain=$(sed -n 's/^domain=//p' <<<"$out")
writers=()
for s in kpi worker worker_low_priority worker_long_running_tasks beat enketo_express kobocat; do
  c=$(sed -n "s/^container.$s=//p" <<<"$out")
  [ -z "$c" ] || writers+=("$c")
done
log "writers: ${writers[*]}"

log "starting the console (Release)"
dotnet build src/KoboConsole.Web -c Release -o "$work/app" -v q --nologo >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work/app" && KoboConsole__Storage__DataDirectory="$work/data" KoboConsole__Stack__Prefix="$prefix" \
  KoboConsole__Backups__Directory="$work/backups" \
  KoboConsole__Auth__BootstrapAdmin__Username=bench KoboConsole__Auth__BootstrapAdmin__Password=bench-password-1 \
  ASPNETCORE_URLS="http://127.0.0.1:$port" ASPNETCORE_CONTENTROOT="$root/src/KoboConsole.Web" ASPNETCORE_WEBROOT="$root/wwwroot" \
  Logging__LogLevel__Default=Warning exec dotnet KoboConsole.Web.dll >"$work/app.log" 2>&1) &
app_pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
  kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; exit 1; }
  sleep 0.5
done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench-password-1","name":"bench"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
api() { curl -sf -H "authorization: Bearer $token" -H 'content-type: application/json' "$@"; }
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
wait_run() {
  local run=$1 state
  while :; do
    state=$(api "http://127.0.0.1:$port/api/v1/runs/$run")
    case $(field "$state" state) in
      succeeded) echo "$state"; return ;;
      failed|cancelled) echo "run $run: $state" >&2; exit 1 ;;
    esac
    sleep 0.5
  done
}

log "console backup of Redis to disk"
run=$(field "$(api -X POST "http://127.0.0.1:$port/api/v1/backups" -d '{"stores":["redis"],"target":"disk"}')" runId)
backup_id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["items"][0]["backupId"])' "$(wait_run "$run")")

cat >"$work/steps.py" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
s = {t["step"]: t["seconds"] for t in r["steps"]}
steps = ", ".join(f"{k} {v:.1f}" for k, v in s.items())
print(f"{s.get('stop writers', 0):.1f} {s.get('start writers', 0):.1f} {r['downtimeSeconds']:.1f} {sum(s.values()):.1f} {steps}")
PY
cli_round() { # prints stop_s start_s
  local t0 t1 t2
  t0=$(date +%s.%N); docker stop -t 30 "${writers[@]}" >/dev/null; t1=$(date +%s.%N)
  docker start "${writers[@]}" >/dev/null; t2=$(date +%s.%N)
  python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f} {float(sys.argv[3])-float(sys.argv[2]):.1f}')" "$t0" "$t1" "$t2"
}
console_round() { # prints the restore's steps, downtime and whole run
  local run result
  local posted
  posted=$(curl -s -H "authorization: Bearer $token" -H 'content-type: application/json' -X POST "http://127.0.0.1:$port/api/v1/restores" \
    -d "{\"backupIds\":[\"$backup_id\"],\"confirm\":\"$domain\",\"safetyBackup\":false,\"skipSafetyReason\":\"benchmark of the downtime\"}")
  run=$(field "$posted" runId 2>/dev/null) || { echo "the restore was refused: $posted" >&2; exit 1; }
  wait_run "$run" >/dev/null
  result=$(api "http://127.0.0.1:$port/api/v1/restores/$run")
  python3 "$work/steps.py" "$result"
}

echo "load: $(uptime | sed 's/.*load average: //')"
echo "| round | CLI: docker stop (s) | CLI: docker start (s) | console: stop writers (s) | console: start writers (s) | console downtime, maintenance on → off (s) | console whole run (s) | console steps (s) |"
echo "|---|---|---|---|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  read -r cs cst < <(cli_round)
  sleep 5 # let kpi and the workers settle before the console stops them again
  read -r ks kst down whole steps < <(console_round)
  echo "| $r | $cs | $cst | $ks | $kst | $down | $whole | $steps |"
done
echo "load: $(uptime | sed 's/.*load average: //')"
