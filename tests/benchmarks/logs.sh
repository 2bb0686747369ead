#!/bin/bash
# Benchmark: live-log lines/s to one /hubs/logs client, next to `docker logs -f` reading the same
# kind of output ALONE (never at the same time): per round, one container prints 200 000 lines as
# fast as it can for the console's hub, then a fresh one for `docker logs -f`, alternating which
# goes first. Then the latency of a line at ~1 000 lines/s (Docker's timestamp → received).
# Usage (root, Docker engine, test bed images): bash tests/benchmarks/logs.sh [rounds] [lines]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${1:-3}"
LINES="${2:-200000}"
WORK="$(mktemp -d /tmp/kc-bench-XXXXXX)"
PREFIX="${KC_BENCH_PREFIX:-speedlogs$(head -c 2 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
APP_PORT="${APP_PORT:-$((15900 + RANDOM % 800))}"
APP_PID=""
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; fi
  docker ps -aq --filter "label=com.docker.compose.project=$PREFIX-kobofe" | xargs -r docker rm -f >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

[ -n "${KC_BENCH_SKIP_IMAGES:-}" ] || bash "$ROOT/docker/testbed/images.sh" busybox >/dev/null
dotnet build "$ROOT/src/KoboConsole.Web" -c Release -o "$WORK/app" -v q -nologo >/dev/null
dotnet build "$ROOT/tests/benchmarks/LogsClient" -c Release -o "$WORK/client" -v q -nologo >/dev/null
(cd "$WORK/app" && KoboConsole__Storage__DataDirectory="$WORK/data" KoboConsole__Stack__Prefix="$PREFIX" \
  KoboConsole__Auth__BootstrapAdmin__Username=admin KoboConsole__Auth__BootstrapAdmin__Password=bench-password-1 \
  ASPNETCORE_URLS="http://127.0.0.1:$APP_PORT" ASPNETCORE_CONTENTROOT="$ROOT/src/KoboConsole.Web" \
  ASPNETCORE_WEBROOT="$ROOT/wwwroot" Logging__LogLevel__Default=Warning exec dotnet KoboConsole.Web.dll >"$WORK/app.log" 2>&1) &
APP_PID=$!
until curl -sf "http://127.0.0.1:$APP_PORT/healthz" >/dev/null; do sleep 0.2; done
URL="http://127.0.0.1:$APP_PORT"
TOKEN="$(curl -sf -X POST "$URL/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"bench-password-1","name":"benchmark"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')"
client() { dotnet "$WORK/client/LogsClient.dll" "$@"; }

# A kpi-labelled container of the prefixed install: "waiting" every 0.1 s until /tmp/go exists, then its script.
container() { # container <script>: prints its id
  docker run -d --name "$PREFIX-kobofe-kpi-$RANDOM$RANDOM" --label "com.docker.compose.project=$PREFIX-kobofe" \
    --label com.docker.compose.service=kpi --label com.docker.compose.oneoff=False kobo-testbed/busybox \
    sh -c "while [ ! -f /tmp/go ]; do echo waiting; usleep 100000; done; $1; sleep 3600"
}
# measure <reader> <args...>: a fresh container, the reader following it, then the lines
measure() {
  local id out; id="$(container "seq 1 $LINES")"
  sleep 2 # the console sees the container (live topology) and Docker has attached its log
  out="$WORK/reader.out"; : >"$out"
  case "$1" in
    hub) client hub "$URL" "$TOKEN" "$id" "$LINES" >"$out" & ;;
    cli) client cli "$id" "$LINES" >"$out" & ;;
  esac
  local reader=$!
  until grep -q '^ready' "$out"; do sleep 0.05; done
  local cpu0; cpu0="$(cpu_ms)"
  docker exec "$id" touch /tmp/go
  wait "$reader" || echo "reader $1 did not see the last line" >&2
  echo "$(grep -v '^ready' "$out") console_cpu_us_per_line=$(awk "BEGIN { printf \"%.1f\", ($(cpu_ms) - $cpu0) * 1000 / $LINES }")"
  docker rm -f "$id" >/dev/null
}
value() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
cpu_ms() { awk '{ print ($14 + $15) * 10 }' "/proc/$APP_PID/stat"; } # the console's user+system CPU (100 ticks/s)

# One hub run first, not counted: the console's and the reader's first stream JIT-compile their
# path (the docker CLI is compiled ahead), which cost the first counted round half its rate.
LINES_ALL="$LINES"; LINES=20000; echo "warm-up (not counted): $(measure hub)"; LINES="$LINES_ALL"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "round first hub_lines_per_s hub_gaps hub_longest_pause_ms console_cpu_us_per_line cli_lines_per_s cli_longest_pause_ms ratio load1"
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) -eq 1 ]; then first=hub; h="$(measure hub)"; c="$(measure cli)"; else first=cli; c="$(measure cli)"; h="$(measure hub)"; fi
  hr="$(echo "$h" | value lines_per_s)"; cr="$(echo "$c" | value lines_per_s)"
  echo "$r $first $hr $(echo "$h" | value gaps) $(echo "$h" | value longest_pause_ms) $(echo "$h" | value console_cpu_us_per_line) $cr $(echo "$c" | value longest_pause_ms) $(awk "BEGIN { printf \"%.2f\", $hr / $cr }") $(cut -d' ' -f1 /proc/loadavg)"
  echo "  $h" >>"$WORK/raw.txt"; echo "  $c" >>"$WORK/raw.txt"
done
cat "$WORK/raw.txt"

# With KC_BENCH_TRACE=<file.nettrace>: one more hub run under dotnet-trace (thread-time samples),
# and its top methods (exclusive) printed; dotnet-trace is a NuGet tool (KC_DOTNET_TRACE = its path).
if [ -n "${KC_BENCH_TRACE:-}" ]; then
  trace="${KC_DOTNET_TRACE:-dotnet-trace}"
  "$trace" collect -p "$APP_PID" --profile dotnet-sampled-thread-time -o "$KC_BENCH_TRACE" --duration 00:00:00:15 >/dev/null 2>&1 & tracer=$!
  sleep 3
  echo "traced: $(measure hub)"
  wait "$tracer" || true
  "$trace" report "$KC_BENCH_TRACE" topN -n 40 2>&1 | grep -v -E 'WaitHandle|Monitor\.|LowLevelLifoSemaphore|Thread\.Sleep|epoll|SocketAsyncEngine\.EventLoop|WaitForSignal|WaitOne' | head -45
fi

# Latency at ~1 000 lines/s: 10 lines per burst, a burst about every 10 ms, for 25 s.
id="$(container 'while true; do for i in 0 1 2 3 4 5 6 7 8 9; do echo line; done; usleep 8500; done')"
sleep 2
out="$WORK/latency.out"; : >"$out"
client latency "$URL" "$TOKEN" "$id" 25 >"$out" & reader=$!
until grep -q '^ready' "$out"; do sleep 0.05; done
docker exec "$id" touch /tmp/go
wait "$reader"
grep -v '^ready' "$out"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
