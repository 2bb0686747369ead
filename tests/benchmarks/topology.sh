#!/usr/bin/env bash
# Benchmark: GET /api/v1/topology with 60 kobo-labelled containers on two Docker engines (the main
# one and a second dockerd started here), next to its anchor: the docker CLI reading the same
# thing (`docker ps` on both engines, then `docker inspect` of the 60 containers), which is what
# the console did on every call before it served its live snapshot. Each is measured alone,
# alternating, for several rounds; every round is N calls after one warm-up call.
# Usage (root, Docker engine, test-bed images): bash tests/benchmarks/topology.sh [rounds] [calls]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
ROUNDS="${1:-3}"
CALLS="${2:-30}"
MAIN=unix:///var/run/docker.sock
NAME="speedtopo$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
WORK="$(mktemp -d /tmp/kc-tbench-XXXXXX)"
APP_PORT="${APP_PORT:-$((15900 + RANDOM % 90))}"
APP_PID=""
SECOND=""
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; fi
  ids="$(docker -H "$MAIN" ps -aq --filter "label=org.koboconsole.bench=$NAME")"
  [ -z "$ids" ] || docker -H "$MAIN" rm -f $ids >/dev/null 2>&1 || true
  bash docker/testbed/engine.sh stop-second "$NAME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

bash docker/testbed/images.sh all >/dev/null
SECOND="unix://$(bash docker/testbed/engine.sh second "$NAME")"
services=(nginx kpi enketo_express worker worker_low_priority worker_long_running_tasks beat postgres mongo redis_main redis_cache kobocat rabbit certbot)
for i in $(seq 0 58); do
  s="${services[$((i % ${#services[@]}))]}"
  case "$s" in postgres|mongo|redis_main|redis_cache|rabbit) p="$NAME-kobobe" ;; *) p="$NAME-kobofe" ;; esac
  e="$MAIN"; [ $((i % 2)) -eq 0 ] || e="$SECOND"
  docker -H "$e" run -d --name "$NAME-$s-$i" --label org.koboconsole.testbed=1 --label "org.koboconsole.bench=$NAME" \
    --label "com.docker.compose.project=$p" --label "com.docker.compose.service=$s" kobo-testbed/busybox sleep 3600 >/dev/null
done
docker -H "$MAIN" run -d --name "$NAME-maintenance" --label org.koboconsole.testbed=1 --label "org.koboconsole.bench=$NAME" \
  --label "com.docker.compose.project=$NAME-kobomaintenance" --label com.docker.compose.service=maintenance kobo-testbed/busybox sleep 3600 >/dev/null

dotnet build src/KoboConsole.Web -c Release -o "$WORK/app" -v q -nologo >/dev/null
(cd "$WORK/app" && KoboConsole__Storage__DataDirectory="$WORK/data" KoboConsole__Stack__Prefix="$NAME" \
  KoboConsole__Docker__Hosts__0__Name=main KoboConsole__Docker__Hosts__0__Endpoint="$MAIN" \
  KoboConsole__Docker__Hosts__1__Name=second KoboConsole__Docker__Hosts__1__Endpoint="$SECOND" \
  KoboConsole__Auth__BootstrapAdmin__Username=admin KoboConsole__Auth__BootstrapAdmin__Password=bench-password-1 \
  ASPNETCORE_URLS="http://127.0.0.1:$APP_PORT" ASPNETCORE_CONTENTROOT="$ROOT/src/KoboConsole.Web" \
  ASPNETCORE_WEBROOT="$ROOT/wwwroot" Logging__LogLevel__Default=Warning exec dotnet KoboConsole.Web.dll >"$WORK/app.log" 2>&1) &
APP_PID=$!
until curl -sf "http://127.0.0.1:$APP_PORT/healthz" >/dev/null; do
  kill -0 "$APP_PID" 2>/dev/null || { cat "$WORK/app.log" >&2; exit 1; }
  sleep 0.2
done
TOKEN="$(curl -sf -X POST "http://127.0.0.1:$APP_PORT/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"bench-password-1","name":"benchmark"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')"

console_once() { # prints milliseconds of one GET, checks it listed 60 containers
  local out ms
  out="$(curl -sf -o "$WORK/body.json" -w '%{time_total}' "http://127.0.0.1:$APP_PORT/api/v1/topology" -H "Authorization: Bearer $TOKEN")"
  [ "$(grep -o '"service":' "$WORK/body.json" | wc -l)" -eq 60 ] || { echo "the API did not list 60 containers" >&2; exit 1; }
  ms="$(awk -v s="$out" 'BEGIN { printf "%.1f", s * 1000 }')"
  echo "$ms"
}
anchor_once() { # docker ps on both engines, then inspect of every container listed
  local t0 t1
  t0=$(date +%s%N)
  for e in "$MAIN" "$SECOND"; do
    ids="$(docker -H "$e" ps -aq --filter "label=org.koboconsole.bench=$NAME")"
    docker -H "$e" inspect $ids >/dev/null
  done
  t1=$(date +%s%N)
  awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1000000 }'
  echo
}
stats() { # p50 p95 of the numbers in a file
  sort -n "$1" | awk '{ a[NR] = $1 } END { p50 = a[int((NR + 1) / 2)]; i = int(NR * 0.95 + 0.999); if (i > NR) i = NR; printf "p50 %s ms, p95 %s ms", p50, a[i] }'
}

console_once >/dev/null # the first call after start-up waits for the first full read
echo "load: $(uptime | sed 's/.*load average: //')"
echo "| round | anchor (docker ps + inspect) | console GET /api/v1/topology | ratio of p95 (console / anchor) |"
echo "|---|---|---|---|"
for r in $(seq 1 "$ROUNDS"); do
  : >"$WORK/a.txt"; : >"$WORK/c.txt"
  anchor_once >/dev/null
  for _ in $(seq 1 "$CALLS"); do anchor_once >>"$WORK/a.txt"; done
  for _ in $(seq 1 "$CALLS"); do console_once >>"$WORK/c.txt"; done
  a95="$(sort -n "$WORK/a.txt" | awk '{ a[NR] = $1 } END { i = int(NR * 0.95 + 0.999); print a[i] }')"
  c95="$(sort -n "$WORK/c.txt" | awk '{ a[NR] = $1 } END { i = int(NR * 0.95 + 0.999); print a[i] }')"
  echo "| $r | $(stats "$WORK/a.txt") | $(stats "$WORK/c.txt") | $(awk -v a="$a95" -v c="$c95" 'BEGIN { printf "%.2f", c / a }') |"
done
echo "load: $(uptime | sed 's/.*load average: //')"
