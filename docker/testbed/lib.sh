#!/usr/bin/env bash
# Shared helpers for the test bed scripts. Sourced, never run.
# Human messages go to stderr so stdout stays machine-readable (key=value lines).

# shellcheck disable=SC2034 # used by the scripts that source this file
TESTBED_LABEL="org.koboconsole.testbed"
TESTBED_CACHE="${KOBO_TESTBED_CACHE:-/var/cache/kobo-testbed}"
TESTBED_STATE="${KOBO_TESTBED_STATE:-/var/lib/kobo-testbed}"
TESTBED_RUN="${KOBO_TESTBED_RUN:-/run/kobo-testbed}"

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { printf '[testbed] ERROR: %s\n' "$*" >&2; exit 1; }

need_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root (installs packages, starts dockerd, writes under /var)"
}

# Install Debian packages only when a command is missing; the machine may have nothing.
apt_install() {
  need_root
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script expects Debian or Ubuntu"
  log "installing packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || die "apt-get update failed (no Debian mirror reachable?)"
  apt-get install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

ensure_cmd() { # ensure_cmd <command> <package>
  command -v "$1" >/dev/null 2>&1 || apt_install "$2"
  command -v "$1" >/dev/null 2>&1 || die "$1 still missing after installing $2"
}
