#!/usr/bin/env bash
# Benchmark: what sampling container stats costs the Docker engine and the reader, two ways, at
# the same one-second resolution and at the console's own (one sample a minute):
#   stream   one `GET /containers/{id}/stats` stream per container (the engine pushes every second)
#   oneshot  `stream=false&one-shot=true` reads of every container, one round every INTERVAL s
# For each, the CPU time dockerd and the reader (curl) used over DURATION seconds with N idle
# containers running. Usage (root, Docker engine, test-bed images; hold /tmp/kc-docker.lock):
#   bash tests/benchmarks/container-stats.sh [containers] [duration-seconds]
set -euo pipefail
N="${1:-12}"
DURATION="${2:-60}"
SOCK=/var/run/docker.sock
NAME="statsbench$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cleanup() {
  jobs -p | xargs -r kill 2>/dev/null || true
  ids="$(docker ps -aq --filter "label=org.koboconsole.bench=$NAME")"
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
}
trap cleanup EXIT

ids=()
for i in $(seq 1 "$N"); do
  ids+=("$(docker run -d --label "org.koboconsole.bench=$NAME" --name "$NAME-$i" kobo-testbed/busybox sh -c "trap 'exit 0' TERM; sleep 3600 & wait")")
done
sleep 3
hz=$(getconf CLK_TCK)
dockerd_pid=$(pgrep -xo dockerd)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
self_ticks() { awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat; }

measure() { # mode interval
  local mode="$1" interval="$2" d0 s0 d1 s1 end
  d0=$(ticks "$dockerd_pid"); s0=$(self_ticks)
  if [ "$mode" = stream ]; then
    for id in "${ids[@]}"; do
      timeout "$DURATION" curl -s --unix-socket "$SOCK" "http://x/containers/$id/stats?stream=true" >/dev/null &
    done
    wait
  else
    end=$((SECONDS + DURATION))
    while [ "$SECONDS" -lt "$end" ]; do
      for id in "${ids[@]}"; do
        curl -s --unix-socket "$SOCK" "http://x/containers/$id/stats?stream=false&one-shot=true" >/dev/null
      done
      sleep "$interval"
    done
  fi
  d1=$(ticks "$dockerd_pid"); s1=$(self_ticks)
  awk -v m="$mode" -v i="$interval" -v d=$((d1 - d0)) -v s=$((s1 - s0)) -v hz="$hz" -v t="$DURATION" -v n="$N" \
    'BEGIN { printf "%-8s every %3ss  %2d containers  dockerd %6.2f %% of a core  reader %6.2f %% of a core\n", m, i, n, 100*d/hz/t, 100*s/hz/t }'
}

measure stream 1
measure oneshot 1
measure oneshot 60
