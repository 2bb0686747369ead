#!/usr/bin/env bash
# Docker engines for the test bed.
#   engine.sh ensure               make the main engine answer (install docker.io, start dockerd)
#   engine.sh second <name>        start a second dockerd (for the multi-host generation); prints its socket
#   engine.sh stop-second <name>   stop that second dockerd and remove its state
#   engine.sh load <name> <image>...  copy images from the main engine to the second one
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

wait_for() { # wait_for <seconds> <command...>
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 1
  done
}

dockerd_running() { # without procps: a bare machine may not have pgrep
  local c
  for c in /proc/[0-9]*/comm; do
    [ "$(cat "$c" 2>/dev/null)" = dockerd ] && return 0
  done
  return 1
}

cmd_ensure() {
  if docker version >/dev/null 2>&1; then
    return 0
  fi
  need_root
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  command -v docker >/dev/null 2>&1 || apt_install docker.io
  # Only start a daemon when none is running: another user may own a daemon that is just slow.
  if ! dockerd_running; then
    local logf=/var/log/kobo-testbed-dockerd.log
    log "starting dockerd (log: $logf)"
    # Inherited descriptors closed: a daemon started under 'flock /tmp/kc-docker.lock' would
    # otherwise hold the lock for as long as it runs.
    nohup dockerd >"$logf" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  fi
  wait_for 60 docker version || die "docker engine did not answer within 60 s (see /var/log/kobo-testbed-dockerd.log)"
  log "docker engine is up"
}

second_paths() { # sets SOCK DATA EXEC PIDF LOGF for <name>
  local name="$1"
  [[ "$name" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,40}$ ]] || die "bad engine name '$name' (letters, digits, . _ -)"
  SOCK="$TESTBED_RUN/$name.sock"
  DATA="$TESTBED_STATE/engines/$name"
  # exec-root holds containerd's socket paths, which must stay short (unix socket limit 108 bytes)
  EXEC="$TESTBED_RUN/x-$name"
  PIDF="$TESTBED_RUN/$name.pid"
  LOGF="/var/log/kobo-testbed-$name-dockerd.log"
  # The second engine's default bridge: our own interface (max 15 characters), never docker0.
  BRIDGE="ktb-$(printf '%s' "$name" | sha256sum | cut -c1-8)"
}

# Address space: each second engine gets its own 10.N.0.0/16 (N in 213-244), starting from a
# number derived from the name and skipping any /16 the host already routes, so that several
# second engines (and the main one) never hand out the same subnets.
second_octet() {
  local n i
  n=$(( $(printf '%s' "$1" | cksum | cut -d' ' -f1) % 32 ))
  for i in $(seq 0 31); do
    local o=$(( (n + i) % 32 + 213 ))
    ip -4 route show | grep -q "^10\.$o\." || { echo "$o"; return 0; }
  done
  die "no free 10.213-244.0.0/16 range left for a second engine"
}

cmd_second() {
  local name="${1:-}"
  [ -n "$name" ] || die "usage: engine.sh second <name>"
  need_root
  cmd_ensure
  second_paths "$name"
  if [ -S "$SOCK" ] && docker -H "unix://$SOCK" version >/dev/null 2>&1; then
    echo "$SOCK"
    return 0
  fi
  mkdir -p "$TESTBED_RUN" "$DATA" "$EXEC"
  ensure_cmd ip iproute2
  local octet pool
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    octet="$(ip -4 -o addr show dev "$BRIDGE" | awk '{print $4}' | cut -d. -f2)"
  else
    octet="$(second_octet "$name")"
    ip link add name "$BRIDGE" type bridge || die "could not create bridge $BRIDGE"
    ip addr add "10.$octet.255.1/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  fi
  pool="10.$octet.0.0/17"
  log "starting second dockerd '$name' on $SOCK (bridge $BRIDGE, pool $pool, log $LOGF)"
  # NOT --bridge=none: with it dockerd deletes the host's docker0 at start (the main engine's
  # default bridge). The second engine gets its own bridge interface instead.
  # --iptables=false/--ip-masq=false: the main engine owns the host's iptables chains; a second
  # daemon writing the same DOCKER chains would break it. Published ports still work through
  # docker-proxy (the userland proxy), which is all the test bed needs on 127.0.0.1.
  setsid nohup dockerd \
    --host "unix://$SOCK" \
    --data-root "$DATA" \
    --exec-root "$EXEC" \
    --pidfile "$PIDF" \
    --bridge="$BRIDGE" \
    --iptables=false \
    --ip-masq=false \
    --userland-proxy=true \
    --default-address-pool "base=$pool,size=24" \
    --label "$TESTBED_LABEL=1" \
    >"$LOGF" 2>&1 </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- &
  wait_for 60 docker -H "unix://$SOCK" version || die "second engine '$name' did not answer within 60 s (see $LOGF)"
  # Nothing can be pulled: give the new engine the test bed images the main engine has.
  local img imgs=()
  for img in kobo-testbed/busybox:latest kobo-testbed/mongo:latest kobo-testbed/services:latest; do
    docker image inspect "$img" >/dev/null 2>&1 && imgs+=("$img")
  done
  [ "${#imgs[@]}" -eq 0 ] || cmd_load "$name" "${imgs[@]}"
  echo "$SOCK"
}

cmd_load() { # load <name> <image>...: copy images into the second engine when missing or different
  local name="${1:-}"
  shift || true
  second_paths "$name"
  local img want have
  for img in "$@"; do
    want="$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null)" || die "image $img missing on the main engine: run images.sh"
    have="$(docker -H "unix://$SOCK" image inspect -f '{{.Id}}' "$img" 2>/dev/null || true)"
    if [ "$want" != "$have" ]; then
      log "copying $img to engine '$name'"
      docker save "$img" | docker -H "unix://$SOCK" load >/dev/null || die "could not copy $img to engine '$name'"
    fi
  done
}

cmd_stop_second() {
  local name="${1:-}"
  [ -n "$name" ] || die "usage: engine.sh stop-second <name>"
  need_root
  second_paths "$name"
  if [ -s "$PIDF" ]; then
    local pid
    pid="$(cat "$PIDF")"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping second dockerd '$name' (pid $pid)"
      kill "$pid"
      for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
      done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    fi
  fi
  # Unmount whatever the daemon left mounted before removing its directories.
  local m
  # shellcheck disable=SC2013 # mount points of docker data have no spaces
  for m in $(awk -v a="$DATA" -v b="$EXEC" '$2 ~ "^"a || $2 ~ "^"b {print $2}' /proc/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link del "$BRIDGE" || log "could not delete bridge $BRIDGE"
  fi
  rm -rf "$DATA" "$EXEC" "$SOCK" "$PIDF" "$LOGF"
}

case "${1:-}" in
  ensure) cmd_ensure ;;
  second) shift; cmd_second "$@" ;;
  stop-second) shift; cmd_stop_second "$@" ;;
  load) shift; cmd_load "$@" ;;
  *) die "usage: engine.sh ensure | second <name> | stop-second <name> | load <name> <image>..." ;;
esac
