#!/usr/bin/env bash
# Builds the local test bed images (nothing can be pulled here):
#   kobo-testbed/busybox:latest   busybox-static + application stand-ins (kpi, enketo, workers, ...)
#   kobo-testbed/mongo:latest     busybox + a MongoDB stand-in (mongod, mongodump, mongorestore)
#   kobo-testbed/services:latest  Debian bookworm + PostgreSQL 15, Redis 7, nginx
#   kobo-testbed/postgres17:latest  Debian trixie + PostgreSQL 17 (the target of major upgrade tests)
# Each image is labelled with a hash of its inputs; a build is skipped when an image with that
# hash exists, and rootfs tarballs are cached under /var/cache/kobo-testbed.
# Usage: images.sh [all|services|busybox|mongo|postgres17]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

prune_cache() { # prune_cache <prefix> <keep>: tarballs of older recipes are never used again
  local f
  for f in "$TESTBED_CACHE/$1"-*.tar; do
    [ -e "$f" ] && [ "$f" != "$2" ] && rm -f "$f"
  done
  return 0
}

hash_inputs() { # hash_inputs <files or dirs...> -> sha256 of names + contents, stable order
  local f
  {
    for f in "$@"; do
      if [ -d "$f" ]; then
        find "$f" -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
      else
        sha256sum "$f"
      fi
    done
  } | sed "s|$HERE/||" | sha256sum | cut -c1-16
}

image_has_hash() { # image_has_hash <image> <hash>
  local got
  got="$(docker image inspect -f "{{ index .Config.Labels \"$TESTBED_LABEL.hash\" }}" "$1" 2>/dev/null || true)"
  [ "$got" = "$2" ]
}

import_tar() { # import_tar <tarball> <image> <hash> [--change ...]
  local tarball="$1" image="$2" hash="$3" old
  shift 3
  old="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
  docker import \
    --change "LABEL $TESTBED_LABEL=1" \
    --change "LABEL $TESTBED_LABEL.hash=$hash" \
    "$@" "$tarball" "$image" >/dev/null || die "docker import of $tarball as $image failed"
  drop_replaced "$old" "$image"
}

# The image a rebuild replaced is left untagged; remove it unless containers still use it.
drop_replaced() { # drop_replaced <old id> <image>
  local old="$1" new
  [ -n "$old" ] || return 0
  new="$(docker image inspect -f '{{.Id}}' "$2" 2>/dev/null || true)"
  [ "$old" != "$new" ] || return 0
  docker rmi "$old" >/dev/null 2>&1 || log "kept the previous $2 ($old): containers still use it"
}

# A rootfs with busybox-static and one symlink per applet. Used by busybox and mongo images.
make_busybox_root() { # make_busybox_root <dir>
  local root="$1" applet
  local bb
  bb="$(static_busybox)"
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,tmp,root,var/log,var/www,data,proc,sys,dev,run}
  chmod 1777 "$root/tmp"
  cp "$bb" "$root/bin/busybox"
  for applet in $("$bb" --list); do
    [ "$applet" = busybox ] && continue
    ln -sf busybox "$root/bin/$applet"
  done
  # bash-isms are not needed; scripts use #!/bin/sh
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
}

# The image has no libc, so the binary must be Debian's statically linked busybox.
static_busybox() {
  if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed'; then
    apt_install busybox-static
  fi
  local bb
  bb="$(dpkg-query -L busybox-static | grep -E '/bin/busybox$' | head -n1)"
  [ -x "$bb" ] || die "busybox-static is installed but its binary was not found"
  echo "$bb"
}

busybox_version() { dpkg-query -W -f='${Version}' busybox-static; }

build_busybox() {
  static_busybox >/dev/null
  local hash image="kobo-testbed/busybox:latest"
  # Inputs: the recipe (these functions' bodies), the stand-in scripts and busybox's version.
  hash="$(printf '%s\n' "$(declare -f make_busybox_root build_busybox)" "$(hash_inputs "$HERE/images/busybox")" "$(busybox_version)" | sha256sum | cut -c1-16)"
  if image_has_hash "$image" "$hash"; then
    log "$image is up to date (hash $hash)"
    return 0
  fi
  local tarball="$TESTBED_CACHE/busybox-$hash.tar" start=$SECONDS
  mkdir -p "$TESTBED_CACHE"
  if [ ! -s "$tarball" ]; then
    local root
    root="$(mktemp -d)"
    make_busybox_root "$root"
    install -m 0755 "$HERE"/images/busybox/* "$root/usr/local/bin/"
    tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$tarball.tmp.$$" . && mv "$tarball.tmp.$$" "$tarball"
    rm -rf "$root"
  fi
  prune_cache busybox "$tarball"
  import_tar "$tarball" "$image" "$hash" \
    --change 'ENV PATH=/usr/local/bin:/bin:/usr/bin:/sbin:/usr/sbin' \
    --change 'CMD ["sh"]'
  log "built $image (hash $hash) in $((SECONDS - start)) s"
}

# MongoDB cannot be installed offline: busybox plus shell stand-ins for mongod/mongodump/mongorestore.
MONGO_ENV=(--change 'ENV MONGO_MAJOR=5.0' --change 'ENV MONGO_VERSION=5.0.31')

build_mongo() {
  local hash image="kobo-testbed/mongo:latest" start=$SECONDS
  hash="$(printf '%s\n' "$(declare -f make_busybox_root build_mongo)" "${MONGO_ENV[*]}" "$(hash_inputs "$HERE/images/busybox" "$HERE/images/mongo" "$HERE/images/services/kobo-backup-cron")" "$(busybox_version)" | sha256sum | cut -c1-16)"
  if image_has_hash "$image" "$hash"; then
    log "$image is up to date (hash $hash)"
    return 0
  fi
  local tarball="$TESTBED_CACHE/mongo-$hash.tar"
  mkdir -p "$TESTBED_CACHE"
  if [ ! -s "$tarball" ]; then
    local root
    root="$(mktemp -d)"
    make_busybox_root "$root"
    mkdir -p "$root/usr/local/lib" "$root/data/db" "$root/data/configdb"
    install -m 0755 "$HERE"/images/busybox/* "$HERE/images/mongo/mongod" "$HERE/images/mongo/mongodump" "$HERE/images/mongo/kobo-backup-to-disk" \
      "$HERE/images/mongo/mongorestore" "$root/usr/local/bin/"
    install -m 0755 "$HERE/images/services/kobo-backup-cron" "$root/usr/local/bin/"
    install -m 0644 "$HERE/images/mongo/mongo-standin-common" "$root/usr/local/lib/"
    tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$tarball.tmp.$$" . && mv "$tarball.tmp.$$" "$tarball"
    rm -rf "$root"
  fi
  prune_cache mongo "$tarball"
  import_tar "$tarball" "$image" "$hash" \
    --change 'ENV PATH=/usr/local/bin:/bin:/usr/bin:/sbin:/usr/sbin' \
    "${MONGO_ENV[@]}" \
    --change 'EXPOSE 27017' \
    --change 'CMD ["mongod"]'
  log "built $image (hash $hash) in $((SECONDS - start)) s"
}

# --- services: Debian rootfs (slow, cached as a tarball and as a base image) + entry scripts ---

SERVICES_SOURCES="${KOBO_TESTBED_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}"

services_base_hash() {
  # The rootfs depends on the package list and on how mmdebstrap is called (this function's body).
  printf '%s\n%s\n' "$(cat "$HERE/images/services/packages")" "$(declare -f build_services_rootfs)" | sha256sum | cut -c1-16
}

build_services_rootfs() { # build_services_rootfs <tarball>
  local tarball="$1" pkgs
  ensure_cmd mmdebstrap mmdebstrap
  [ -r "$SERVICES_SOURCES" ] || die "apt sources file $SERVICES_SOURCES not readable (set KOBO_TESTBED_APT_SOURCES)"
  pkgs="$(grep -vE '^\s*(#|$)' "$HERE/images/services/packages" | paste -sd, -)"
  log "mmdebstrap bookworm with $pkgs (several minutes)"
  # essential variant + includes keeps the image small; docs, man pages and locales are dropped,
  # and the Debian package must not create its own 'main' cluster (kobo-postgres runs initdb).
  # LLVM (and z3, which only LLVM uses) is PostgreSQL's optional JIT: 130 MB we never load
  # (kobo-postgres sets jit=off).
  # shellcheck disable=SC2016 # the hooks expand $1 (the chroot) themselves
  mmdebstrap --variant=essential --mode=root --format=tar \
    --include="$pkgs" \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --essential-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/00-testbed.conf"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log "$1"/etc/nginx/sites-enabled/default' \
    --customize-hook='rm -f "$1"/usr/lib/x86_64-linux-gnu/libLLVM-*.so* "$1"/usr/lib/x86_64-linux-gnu/libz3.so* && rm -rf "$1"/usr/lib/postgresql/15/lib/llvmjit* "$1"/usr/lib/postgresql/15/lib/bitcode "$1"/usr/share/i18n "$1"/usr/lib/x86_64-linux-gnu/gconv' \
    bookworm "$tarball.tmp.$$" "$SERVICES_SOURCES" >&2 || die "mmdebstrap failed (is a Debian mirror reachable through $SERVICES_SOURCES?)"
  mv "$tarball.tmp.$$" "$tarball"
}

build_services() {
  local base_hash base_image final_hash image="kobo-testbed/services:latest" start=$SECONDS
  base_hash="$(services_base_hash)"
  base_image="kobo-testbed/services-base:$base_hash"
  if ! image_has_hash "$base_image" "$base_hash"; then
    local tarball="$TESTBED_CACHE/services-rootfs-$base_hash.tar"
    mkdir -p "$TESTBED_CACHE"
    [ -s "$tarball" ] || build_services_rootfs "$tarball"
    prune_cache services-rootfs "$tarball"
    import_tar "$tarball" "$base_image" "$base_hash"
    local tag
    for tag in $(docker images --format '{{.Tag}}' kobo-testbed/services-base); do
      [ "$tag" = "$base_hash" ] || docker rmi "kobo-testbed/services-base:$tag" >/dev/null 2>&1 || true
    done
    log "imported $base_image in $((SECONDS - start)) s"
  fi
  final_hash="$(printf '%s %s' "$base_hash" "$(hash_inputs "$HERE/images/services")" | sha256sum | cut -c1-16)"
  if image_has_hash "$image" "$final_hash"; then
    log "$image is up to date (hash $final_hash)"
    return 0
  fi
  # Entry scripts go in a thin layer on top of the cached base, so editing them is a 2-second build.
  local old out
  old="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
  if ! out="$(docker build -q -f "$HERE/images/services/Dockerfile" \
    --build-arg "BASE=$base_image" \
    --label "$TESTBED_LABEL=1" --label "$TESTBED_LABEL.hash=$final_hash" \
    -t "$image" "$HERE/images/services" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "docker build of $image failed"
  fi
  drop_replaced "$old" "$image"
  log "built $image (hash $final_hash) in $((SECONDS - start)) s"
}

# --- postgres17: Debian trixie rootfs from the same mirror as bookworm (the sources file with its
# suites renamed), cached like services, plus the same kobo-postgres entry script ---

postgres17_base_hash() {
  printf '%s\n%s\n' "$(cat "$HERE/images/postgres17/packages")" "$(declare -f build_postgres17_rootfs)" | sha256sum | cut -c1-16
}

build_postgres17_rootfs() { # build_postgres17_rootfs <tarball>
  local tarball="$1" pkgs sources
  ensure_cmd mmdebstrap mmdebstrap
  [ -r "$SERVICES_SOURCES" ] || die "apt sources file $SERVICES_SOURCES not readable (set KOBO_TESTBED_APT_SOURCES)"
  pkgs="$(grep -vE '^\s*(#|$)' "$HERE/images/postgres17/packages" | paste -sd, -)"
  # The machine's mirror, asked for trixie instead of bookworm (bookworm-updates -> trixie-updates, ...).
  sources="$(mktemp --suffix=.sources)"
  sed -E '/^(Suites:|deb )/s/bookworm/trixie/g' "$SERVICES_SOURCES" >"$sources"
  log "mmdebstrap trixie with $pkgs (several minutes)"
  # shellcheck disable=SC2016 # the hooks expand $1 (the chroot) themselves
  mmdebstrap --variant=essential --mode=root --format=tar \
    --include="$pkgs" \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --essential-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/00-testbed.conf"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/* "$1"/var/log/*.log' \
    --customize-hook='rm -f "$1"/usr/lib/x86_64-linux-gnu/libLLVM*.so* "$1"/usr/lib/x86_64-linux-gnu/libz3.so* && rm -rf "$1"/usr/lib/postgresql/17/lib/llvmjit* "$1"/usr/lib/postgresql/17/lib/bitcode "$1"/usr/share/i18n "$1"/usr/lib/x86_64-linux-gnu/gconv' \
    trixie "$tarball.tmp.$$" "$sources" >&2 || { rm -f "$sources"; die "mmdebstrap trixie failed (does the mirror in $SERVICES_SOURCES serve trixie?)"; }
  rm -f "$sources"
  mv "$tarball.tmp.$$" "$tarball"
}

build_postgres17() {
  local base_hash base_image final_hash image="kobo-testbed/postgres17:latest" start=$SECONDS
  base_hash="$(postgres17_base_hash)"
  base_image="kobo-testbed/postgres17-base:$base_hash"
  if ! image_has_hash "$base_image" "$base_hash"; then
    local tarball="$TESTBED_CACHE/postgres17-rootfs-$base_hash.tar"
    mkdir -p "$TESTBED_CACHE"
    [ -s "$tarball" ] || build_postgres17_rootfs "$tarball"
    prune_cache postgres17-rootfs "$tarball"
    import_tar "$tarball" "$base_image" "$base_hash"
    local tag
    for tag in $(docker images --format '{{.Tag}}' kobo-testbed/postgres17-base); do
      [ "$tag" = "$base_hash" ] || docker rmi "kobo-testbed/postgres17-base:$tag" >/dev/null 2>&1 || true
    done
    log "imported $base_image in $((SECONDS - start)) s"
  fi
  final_hash="$(printf '%s %s' "$base_hash" "$(hash_inputs "$HERE/images/postgres17" "$HERE/images/services/kobo-postgres" "$HERE/images/services/kobo-backup-cron" "$HERE/images/services/kobo-backup-to-disk" "$HERE/images/services/seed.sql")" | sha256sum | cut -c1-16)"
  if image_has_hash "$image" "$final_hash"; then
    log "$image is up to date (hash $final_hash)"
    return 0
  fi
  local old out
  old="$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)"
  if ! out="$(docker build -q -f "$HERE/images/postgres17/Dockerfile" \
    --build-arg "BASE=$base_image" \
    --label "$TESTBED_LABEL=1" --label "$TESTBED_LABEL.hash=$final_hash" \
    -t "$image" "$HERE/images" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "docker build of $image failed"
  fi
  drop_replaced "$old" "$image"
  log "built $image (hash $final_hash) in $((SECONDS - start)) s"
}

main() {
  local what="${1:-all}"
  need_root
  "$HERE/engine.sh" ensure >/dev/null
  case "$what" in
    busybox) build_busybox ;;
    mongo) build_busybox && build_mongo ;;
    services) build_services ;;
    postgres17) build_postgres17 ;;
    all) build_busybox && build_mongo && build_services && build_postgres17 ;;
    *) die "usage: images.sh [all|services|busybox|mongo|postgres17]" ;;
  esac
}

main "$@"
