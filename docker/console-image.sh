#!/usr/bin/env bash
# Builds koboconsole:local, the CI stand-in for the image docker/Dockerfile makes, on a machine
# that cannot pull mcr.microsoft.com images:
#   kobo-testbed/aspnet-standin:<hash>  Debian bookworm with the packages of Microsoft's
#       runtime-deps image (mmdebstrap), the host's .NET and ASP.NET Core shared runtimes copied
#       to /usr/share/dotnet, the 'app' user (uid 1654) and the ENV of the aspnet image.
#   koboconsole:local  docker/Dockerfile.local over that base: `dotnet publish` output and the
#       same runtime stage as docker/Dockerfile (user, data volume, HEALTHCHECK, ENTRYPOINT).
# Both are labelled with a hash of their inputs and skipped when an image with that hash exists
# (like docker/testbed/images.sh). Prints the image name on stdout.
# Usage: docker/console-image.sh [--force]
set -euo pipefail
shopt -s inherit_errexit
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=testbed/lib.sh
. "$HERE/testbed/lib.sh"
IMAGE="${KOBOCONSOLE_LOCAL_IMAGE:-koboconsole:local}"
SOURCES="${KOBO_TESTBED_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}"
# The packages of mcr.microsoft.com/dotnet/runtime-deps (Debian flavour).
RUNTIME_DEPS="ca-certificates,libc6,libgcc-s1,libicu72,libssl3,libstdc++6,tzdata,zlib1g"

label_of() { docker image inspect -f "{{ index .Config.Labels \"$TESTBED_LABEL.hash\" }}" "$1" 2>/dev/null || true; }

dotnet_root() { # the folder holding the host's shared runtimes, from `dotnet --list-runtimes`
  local dir
  dir="$(dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App /{gsub(/[][]/,"",$3); print $3; exit}')"
  [ -n "$dir" ] || die "no Microsoft.AspNetCore.App runtime found by 'dotnet --list-runtimes'"
  dirname "$(dirname "$dir")"
}

runtime_version() { dotnet --list-runtimes | awk '/^Microsoft.AspNetCore.App /{v=$2} END{print v}'; }

build_rootfs() { # build_rootfs <tarball>
  ensure_cmd mmdebstrap mmdebstrap
  log "mmdebstrap bookworm with $RUNTIME_DEPS"
  # shellcheck disable=SC2016 # the hook expands $1 (the chroot) itself
  mmdebstrap --variant=essential --mode=root --format=tar --include="$RUNTIME_DEPS" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
    bookworm "$1.tmp.$$" "$SOURCES" >&2 || die "mmdebstrap failed (is a Debian mirror reachable through $SOURCES?)"
  mv "$1.tmp.$$" "$1"
}

build_base() { # prints the base image name
  local version root hash image
  version="$(runtime_version)"
  root="$(dotnet_root)"
  hash="$(printf '%s\n' "$RUNTIME_DEPS" "$version" "$(declare -f dotnet_root build_rootfs build_base)" | sha256sum | cut -c1-16)"
  image="kobo-testbed/aspnet-standin:$hash"
  if [ "$(label_of "$image")" = "$hash" ]; then
    log "$image is up to date"
    echo "$image"
    return 0
  fi
  local rootfs_hash tarball ctx
  rootfs_hash="$(printf '%s\n' "$RUNTIME_DEPS" "$(declare -f build_rootfs)" | sha256sum | cut -c1-16)"
  tarball="$TESTBED_CACHE/aspnet-rootfs-$rootfs_hash.tar"
  mkdir -p "$TESTBED_CACHE"
  [ -s "$tarball" ] || build_rootfs "$tarball"
  docker import "$tarball" "kobo-testbed/aspnet-rootfs:$rootfs_hash" >/dev/null
  ctx="$(mktemp -d)"
  mkdir -p "$ctx/dotnet/shared" "$ctx/dotnet/host"
  cp -a "$root/dotnet" "$ctx/dotnet/"
  cp -a "$root/host/fxr" "$ctx/dotnet/host/"
  cp -a "$root/shared/Microsoft.NETCore.App" "$root/shared/Microsoft.AspNetCore.App" "$ctx/dotnet/shared/"
  # Only the runtime the app rolls forward to: the newest patch of each shared framework.
  find "$ctx/dotnet/shared" -mindepth 2 -maxdepth 2 -type d ! -name "$version" -exec rm -rf {} +
  cat >"$ctx/Dockerfile" <<DOCKERFILE
FROM kobo-testbed/aspnet-rootfs:$rootfs_hash
# What mcr.microsoft.com/dotnet/aspnet:10.0 sets up: the runtime, its user and its environment.
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true \\
    DOTNET_VERSION=$version ASPNET_VERSION=$version
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \\
 && echo 'app:x:1654:1654::/home/app:/bin/sh' >>/etc/passwd \\
 && echo 'app:x:1654:' >>/etc/group \\
 && mkdir -p /home/app && chown 1654:1654 /home/app
DOCKERFILE
  docker build -q --label "$TESTBED_LABEL=1" --label "$TESTBED_LABEL.hash=$hash" -t "$image" "$ctx" >/dev/null \
    || { rm -rf "$ctx"; die "docker build of $image failed"; }
  rm -rf "$ctx"
  docker rmi "kobo-testbed/aspnet-rootfs:$rootfs_hash" >/dev/null 2>&1 || true
  local tag # older recipes are never used again
  for tag in $(docker images --format '{{.Tag}}' kobo-testbed/aspnet-standin); do
    [ "$tag" = "$hash" ] || docker rmi "kobo-testbed/aspnet-standin:$tag" >/dev/null 2>&1 || true
  done
  log "built $image (.NET $version)"
  echo "$image"
}

source_hash() { # the app's inputs: sources, static files, build props, the local Dockerfile, the base
  {
    (cd "$ROOT" && find src wwwroot -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/.data/*' -print0 \
      | LC_ALL=C sort -z | xargs -0 sha256sum)
    (cd "$ROOT" && sha256sum global.json Directory.Build.props Directory.Packages.props docker/Dockerfile.local)
    echo "$1"
  } | sha256sum | cut -c1-16
}

main() {
  need_root
  "$HERE/testbed/engine.sh" ensure >/dev/null
  local base hash
  base="$(build_base)"
  hash="$(source_hash "$base")"
  if [ "${1:-}" != "--force" ] && [ "$(label_of "$IMAGE")" = "$hash" ]; then
    log "$IMAGE is up to date (hash $hash)"
    echo "$IMAGE"
    return 0
  fi
  CTX="$(mktemp -d)"
  trap 'rm -rf "$CTX"' EXIT
  local ctx="$CTX"
  log "dotnet publish (Release)"
  dotnet publish "$ROOT/src/KoboConsole.Web/KoboConsole.Web.csproj" -c Release -o "$ctx/publish" \
    -p:UseAppHost=false --nologo -v q >&2 || die "dotnet publish failed"
  cp "$HERE/Dockerfile.local" "$ctx/Dockerfile"
  local old
  old="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  docker build -q --build-arg "BASE=$base" --label "$TESTBED_LABEL=1" --label "$TESTBED_LABEL.hash=$hash" \
    -t "$IMAGE" "$ctx" >/dev/null || die "docker build of $IMAGE failed"
  if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]; then
    docker rmi "$old" >/dev/null 2>&1 || log "kept the previous $IMAGE ($old): containers still use it"
  fi
  log "built $IMAGE (hash $hash)"
  echo "$IMAGE"
}

main "$@"
