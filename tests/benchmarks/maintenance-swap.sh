#!/bin/bash
# Benchmark: time from "turn maintenance on" to the first 503 served on nginx's published port,
# through the console's API, next to the same swap done by hand with the docker CLI (create a
# container, copy the page in, stop nginx, start it), in the same run on the same stack.
# Usage (root, Docker engine, test bed images): bash tests/benchmarks/maintenance-swap.sh [runs]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
RUNS="${1:-5}"
TB="$ROOT/docker/testbed"
WORK="$(mktemp -d /tmp/kc-bench-XXXXXX)"
ID="tb-prefixed-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PREFIX="b${ID: -6}"
APP_PORT="${APP_PORT:-$((15100 + RANDOM % 800))}"
APP_PID=""
cleanup() {
  if [ -n "$APP_PID" ]; then kill "$APP_PID" 2>/dev/null || true; fi
  bash "$TB/stack.sh" down "$ID" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# 0.3 s at most per try: a request caught by the swap (the port's proxy accepts, nothing answers)
# would otherwise blind the spinner for as long as it waits (it was 1 s, most of a swap).
code_of() { curl -s -o /dev/null -w '%{http_code}' --max-time 0.3 "http://127.0.0.1:$1/" || true; }
wait_code() { # wait_code <port> <code>: spin until the port answers that status
  local deadline=$(( $(now_ms) + 60000 ))
  until [ "$(code_of "$1")" = "$2" ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "timeout waiting for $2 on $1" >&2; exit 1; }
  done
}
nginx_port() { docker port "$NGINX" 80/tcp | head -n1 | sed 's/.*://'; }

# KC_BENCH_SKIP_IMAGES=1 uses the test-bed images as they are (no rebuild while others share them).
if [ -n "${KC_BENCH_SKIP_IMAGES:-}" ]; then export KOBO_TESTBED_IMAGES_READY=1; else bash "$TB/images.sh" all >/dev/null; fi
bash "$TB/stack.sh" up prefixed "$ID" --prefix "$PREFIX" >"$WORK/stack.txt"
NGINX="$(sed -n 's/^container.nginx=//p' "$WORK/stack.txt")"
NET="$(sed -n 's/^frontend_network=//p' "$WORK/stack.txt")"
IMAGE="$(docker inspect -f '{{.Image}}' "$NGINX")"

dotnet build "$ROOT/src/KoboConsole.Web" -c Release -o "$WORK/app" -v q -nologo >/dev/null
(cd "$WORK/app" && KoboConsole__Storage__DataDirectory="$WORK/data" KoboConsole__Stack__Prefix="$PREFIX" \
  KoboConsole__Auth__BootstrapAdmin__Username=admin KoboConsole__Auth__BootstrapAdmin__Password=bench-password-1 \
  ASPNETCORE_URLS="http://127.0.0.1:$APP_PORT" ASPNETCORE_CONTENTROOT="$ROOT/src/KoboConsole.Web" \
  ASPNETCORE_WEBROOT="$ROOT/wwwroot" Logging__LogLevel__Default=Warning \
  exec env 'Logging__LogLevel__KoboConsole.Web.Features.Maintenance.MaintenanceService=Debug' \
  'Logging__LogLevel__KoboConsole.Web.Features.Maintenance.MaintenanceSwitch=Debug' dotnet KoboConsole.Web.dll >"$WORK/app.log" 2>&1) &
APP_PID=$!
until curl -sf "http://127.0.0.1:$APP_PORT/healthz" >/dev/null; do sleep 0.2; done
TOKEN="$(curl -sf -X POST "http://127.0.0.1:$APP_PORT/api/v1/tokens" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"bench-password-1","name":"benchmark"}' | sed 's/.*"token":"\([^"]*\)".*/\1/')"
api() { curl -sf -o /dev/null -X POST "http://127.0.0.1:$APP_PORT/api/v1/maintenance/$1" -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' ${2:+-d "$2"}; }

# The docker CLI swap serves the same kind of page with the same nginx configuration.
mkdir -p "$WORK/bundle/etc/kobo-maintenance/www"
cat >"$WORK/bundle/etc/kobo-maintenance/nginx.conf" <<'CONF'
worker_processes 1;
pid /tmp/kobo-maintenance-nginx.pid;
error_log stderr;
events { worker_connections 256; }
http {
    default_type text/html;
    server {
        listen 80 default_server;
        root /etc/kobo-maintenance/www;
        location = /service_health/ { return 200 "ok\n"; }
        location / { return 503; }
        error_page 503 /maintenance.html;
        location = /maintenance.html { internal; add_header Retry-After 7200 always; }
    }
}
CONF
echo '<h1>Under maintenance</h1>' >"$WORK/bundle/etc/kobo-maintenance/www/maintenance.html"

console=() cli=() sent=()
for i in $(seq 1 "$RUNS"); do
  port="$(nginx_port)"; wait_code "$port" 200
  sent+=("$(cut -d' ' -f1 /proc/uptime)") # the monotonic clock the console's step log uses, at 10 ms
  t0=$(now_ms); api enable '{"eta":"2 hours"}' & req=$!
  wait_code "$port" 503; t1=$(now_ms); wait "$req"; t2=$(now_ms)
  console+=("$((t1 - t0)) $((t2 - t0))")
  api disable

  port="$(nginx_port)"; wait_code "$port" 200
  t0=$(now_ms)
  docker create --name "$PREFIX-bench-maintenance" --label "org.koboconsole.testbed.stack=$ID" -p "127.0.0.1:$port:80" \
    --network "$NET" --network-alias nginx --network-alias nginx.internal --entrypoint nginx "$IMAGE" \
    -c /etc/kobo-maintenance/nginx.conf -g 'daemon off;' >/dev/null
  docker cp "$WORK/bundle/etc/kobo-maintenance" "$PREFIX-bench-maintenance:/etc/" >/dev/null
  docker stop "$NGINX" >/dev/null
  docker start "$PREFIX-bench-maintenance" >/dev/null
  wait_code "$port" 503; t1=$(now_ms)
  cli+=("$((t1 - t0))")
  docker rm -f "$PREFIX-bench-maintenance" >/dev/null
  docker start "$NGINX" >/dev/null
done

echo "run console_first_503_ms console_request_ms cli_first_503_ms"
for i in $(seq 0 $((RUNS - 1))); do echo "$((i + 1)) ${console[$i]} ${cli[$i]}"; done

# Where the console's time went: each step's end, in ms after the request reached the endpoint
# (the switch logs one line per step at Debug).
echo
echo "console steps (each step's end, ms after the request was sent, ±10 ms; one line per enable):"
awk -v sent="${sent[*]}" 'BEGIN { split(sent, up, " ") }
/Maintenance switch step done at / {
  ms = $0; sub(/.*step done at /, "", ms); sub(/ ms: .*/, "", ms)
  step = $0; sub(/.*ms: /, "", step)
  if (step == "request received") { n++; t0 = up[n] * 1000; on = 1; line = "" }
  if (!on) next
  line = line sprintf("%s %d | ", step, ms - t0)
  if (step == "verify the maintenance page") { print line; on = 0 }
}' "$WORK/app.log"
