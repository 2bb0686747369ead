#!/usr/bin/env bash
# kobo-shaped stacks for the console's integration tests, built with plain `docker run` (no
# compose tool here) and labelled exactly as Docker Compose labels its containers.
#   stack.sh up <current|legacy|prefixed|multihost> <stack-id> [--prefix P] [--postgres-secondary WORDS] [--tls-proxy] [--image SERVICE=IMAGE]...
#     --image: run SERVICE from IMAGE instead of the test bed's (e.g. a tag of it, to test image updates).
#     --postgres-secondary primary/secondary | master/slave (any case; current and prefixed only):
#     a second PostgreSQL, a streaming-replication standby of the stack's own, on a second engine.
#   stack.sh down <stack-id>
#   stack.sh down-all          (removes EVERY test bed stack on this machine, others' too)
# `up` prints key=value lines on stdout (see README.md); messages go to stderr.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
# shellcheck source=run-conf.sh
. "$HERE/run-conf.sh"
# shellcheck source=tls-proxy.sh
. "$HERE/tls-proxy.sh"

MAIN_DOCKER="${KOBO_TESTBED_DOCKER_HOST:-unix:///var/run/docker.sock}"
DOMAIN="${KOBO_TESTBED_DOMAIN:-kobo.test}"
IMG_SERVICES=kobo-testbed/services:latest
IMG_BUSYBOX=kobo-testbed/busybox:latest
IMG_MONGO=kobo-testbed/mongo:latest
COMPOSE_V2_VERSION=2.29.7
COMPOSE_V1_VERSION=1.29.2

usage() { die "usage: stack.sh up <current|legacy|prefixed|multihost> <stack-id> [--prefix P] [--postgres-secondary primary/secondary|master/slave] [--tls-proxy] [--image SERVICE=IMAGE] | down <stack-id> | down-all"; }

dk() { local h="$1"; shift; docker -H "$h" "$@"; }

# --- naming -------------------------------------------------------------------------------

ctr_name() { # ctr_name <project> <service>: Compose v2 joins with '-', v1 with '_'
  if [ "$COMPOSE_V" = 1 ]; then echo "${1}_${2}_1"; else echo "${1}-${2}-1"; fi
}

# --- containers ----------------------------------------------------------------------------

# image_id <host> <image>: sets IMAGE_ID, asked once per engine and image (a docker call costs
# a second when several stacks come up at once). Not in a subshell, so the memo stays.
declare -A IMAGE_IDS=()
declare -A IMAGE_FOR=() # --image SERVICE=IMAGE
image_id() {
  local key="$1 $2"
  [ -n "${IMAGE_IDS[$key]:-}" ] || IMAGE_IDS[$key]="$(dk "$1" image inspect -f '{{.Id}}' "$2")"
  IMAGE_ID="${IMAGE_IDS[$key]}"
}

# run_ctr <host> <project> <service> <image> <config-file> <networks> [docker args...] -- <cmd...>
# networks: "net1=alias,alias net2=alias" (first one given to create, the rest connected after).
run_ctr() {
  local host="$1" project="$2" service="$3" image="$4" cfile="$5" nets="$6"
  shift 6
  local args=() cmd=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do args+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  cmd=("$@")
  local name hash first=1 net spec alias
  image="${IMAGE_FOR[$service]:-$image}"
  name="${RUN_NAME:-$(ctr_name "$project" "$service")}"
  # Compose hashes the service's resolved config; any stable digest of ours does the same job.
  hash="$(printf '%s\n' "$image" "${args[@]}" "${cmd[@]}" | sha256sum | cut -d' ' -f1)"
  local create=(create --name "$name" --restart unless-stopped
    --label "com.docker.compose.project=$project"
    --label "com.docker.compose.service=$service"
    --label "com.docker.compose.oneoff=False"
    --label "com.docker.compose.container-number=1"
    --label "com.docker.compose.project.working_dir=$WORKDIR"
    --label "com.docker.compose.project.config_files=$WORKDIR/$cfile"
    --label "com.docker.compose.config-hash=$hash"
    --label "com.docker.compose.version=$COMPOSE_VERSION"
    --label "$TESTBED_LABEL=1"
    --label "$TESTBED_LABEL.stack=$STACK"
    --label "$TESTBED_LABEL.generation=$GEN")
  if [ "$COMPOSE_V" = 2 ]; then
    image_id "$host" "$image"
    create+=(--label "com.docker.compose.image=$IMAGE_ID")
  fi
  for spec in $nets; do
    net="${spec%%=*}"
    if [ "$first" = 1 ]; then
      create+=(--network "$net" --network-alias "$service")
      [ "$COMPOSE_V" = 2 ] && create+=(--network-alias "$name")
      for alias in ${spec#*=}; do :; done
      IFS=',' read -r -a al <<<"${spec#*=}"
      for alias in "${al[@]}"; do [ -n "$alias" ] && [ "$alias" != "$net" ] && create+=(--network-alias "$alias"); done
    fi
    first=0
  done
  dk "$host" "${create[@]}" "${args[@]}" "$image" "${cmd[@]}" >/dev/null \
    || die "could not create container $name"
  first=1
  for spec in $nets; do
    if [ "$first" = 0 ]; then
      net="${spec%%=*}"
      local conn=(network connect --alias "$service")
      [ "$COMPOSE_V" = 2 ] && conn+=(--alias "$name")
      IFS=',' read -r -a al <<<"${spec#*=}"
      for alias in "${al[@]}"; do [ -n "$alias" ] && [ "$alias" != "$net" ] && conn+=(--alias "$alias"); done
      dk "$host" "${conn[@]}" "$net" "$name" >/dev/null || die "could not connect $name to $net"
    fi
    first=0
  done
  dk "$host" start "$name" >/dev/null || die "could not start $name (docker logs $name)"
  echo "container.$service=$name" >>"$OUT"
}

make_net() { # make_net <host> <project> <key>: Compose names networks <project>_<key>
  local host="$1" name="${2}_${3}" owner
  local attempt
  for attempt in $(seq 1 20); do
    dk "$host" network inspect "$name" >/dev/null 2>&1 || break
    owner="$(dk "$host" network inspect -f "{{ index .Labels \"$TESTBED_LABEL.stack\" }}" "$name")"
    [ "$owner" = "$STACK" ] && return 0
    [ -n "$owner" ] || die "network $name already exists and is not a test bed stack's"
    # Left by a test-bed stack that is gone (no container of it remains): its down could not remove
    # the network (a Docker 20.10 stale endpoint, see remove_labelled) or is still removing it.
    # Kobo's unprefixed network names are shared by every unprefixed stack, so it must go first.
    if [ -n "$(dk "$host" ps -aq --filter "label=$TESTBED_LABEL.stack=$owner")" ]; then
      die "network $name already exists and belongs to $owner, which still has containers (bash docker/testbed/stack.sh down $owner)"
    fi
    dk "$host" network rm "$name" >/dev/null 2>&1 && break
    force_disconnect "$host" "$name" "$owner"
    dk "$host" network rm "$name" >/dev/null 2>&1 && break
    if [ "$attempt" = 5 ]; then
      # A stale endpoint only dockerd's restart clears, which would end every other test on the
      # engine. The network itself works (no container is on it): take it as it is. Its labels keep
      # naming $owner, so the next unprefixed stack finds it the same way after this one is down.
      log "WARNING: network $name of the gone stack $owner keeps a stale endpoint (a Docker 20.10 defect); reused as it is"
      return 0
    fi
    sleep 1
  done
  dk "$host" network create --driver bridge \
    --label "com.docker.compose.network=$3" --label "com.docker.compose.project=$2" \
    --label "com.docker.compose.version=$COMPOSE_VERSION" \
    --label "$TESTBED_LABEL=1" --label "$TESTBED_LABEL.stack=$STACK" "$name" >/dev/null \
    || die "could not create network $name"
}

# Refuse to reuse names another stack (or anything else) holds; replace our own (idempotent up).
claim_names() { # claim_names <host> <name>...
  local host="$1" n owner
  shift
  for n in "$@"; do
    dk "$host" container inspect "$n" >/dev/null 2>&1 || continue
    owner="$(dk "$host" container inspect -f "{{ index .Config.Labels \"$TESTBED_LABEL.stack\" }}" "$n")"
    if [ "$owner" != "$STACK" ]; then
      if [ -n "$owner" ]; then
        die "container name $n is taken by test bed stack '$owner' on $host: run 'stack.sh down $owner' first, or use the prefixed generation"
      fi
      die "container name $n is taken on $host by a container that is not part of the test bed: remove it or use the prefixed generation"
    fi
    dk "$host" rm -f -v "$n" >/dev/null
  done
}

# --- environment, as kobo's env files put it on the containers ------------------------------

secret() { # stable per stack, so an idempotent `up` keeps the data it initialised
  local f="$SDIR/secrets/$1"
  [ -s "$f" ] || { mkdir -p "$SDIR/secrets"; head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$f"; }
  cat "$f"
}

set_env() {
  PG_USER=kobo
  PG_PASS="$(secret postgres)"
  MONGO_USER=root
  MONGO_PASS="$(secret mongo)"
  REDIS_PASS="$(secret redis)"
  ENV_DOMAINS=(-e "PUBLIC_DOMAIN_NAME=$DOMAIN" -e "INTERNAL_DOMAIN_NAME=docker.internal"
    -e KOBOFORM_PUBLIC_SUBDOMAIN=kf -e KOBOCAT_PUBLIC_SUBDOMAIN=kc
    -e ENKETO_EXPRESS_PUBLIC_SUBDOMAIN=ee -e PUBLIC_REQUEST_SCHEME=http)
  ENV_DATABASES=(-e "POSTGRES_USER=$PG_USER" -e "POSTGRES_PASSWORD=$PG_PASS"
    -e KPI_POSTGRES_DB=koboform -e KC_POSTGRES_DB=kobocat
    -e "MONGO_INITDB_ROOT_USERNAME=$MONGO_USER" -e "MONGO_INITDB_ROOT_PASSWORD=$MONGO_PASS"
    -e MONGO_INITDB_DATABASE=formhub -e "REDIS_PASSWORD=$REDIS_PASS"
    -e "POSTGRES_BACKUP_SCHEDULE=0 1 * * 0" -e "MONGO_BACKUP_SCHEDULE=0 2 * * 0"
    -e "REDIS_BACKUP_SCHEDULE=0 3 * * 0")
  ENV_AWS=(-e BACKUP_AWS_STORAGE_BUCKET_NAME= -e AWS_BACKUP_YEARLY_RETENTION=2
    -e AWS_BACKUP_MONTHLY_RETENTION=12 -e AWS_BACKUP_WEEKLY_RETENTION=4 -e AWS_BACKUP_DAILY_RETENTION=30
    -e AWS_POSTGRES_BACKUP_MINIMUM_SIZE=50 -e AWS_MONGO_BACKUP_MINIMUM_SIZE=50
    -e AWS_REDIS_BACKUP_MINIMUM_SIZE=5 -e AWS_BACKUP_CHUNK_SIZE=250)
  local pg="${BE_HOSTS[postgres]}" mg="${BE_HOSTS[mongo]}" rm="${BE_HOSTS[redis_main]}" rc="${BE_HOSTS[redis_cache]}"
  ENV_APP=(-e "DATABASE_URL=postgis://$PG_USER:$PG_PASS@$pg:5432/koboform"
    -e "KC_DATABASE_URL=postgis://$PG_USER:$PG_PASS@$pg:5432/kobocat"
    -e "MONGO_DB_URL=mongodb://$MONGO_USER:$MONGO_PASS@$mg:27017/formhub"
    -e "REDIS_SESSION_URL=redis://:$REDIS_PASS@$rc:6380/2"
    -e "CACHE_URL=redis://:$REDIS_PASS@$rc:6380/3"
    -e "SERVICE_ACCOUNT_BACKEND_URL=redis://:$REDIS_PASS@$rc:6380/6"
    -e "ENKETO_REDIS_MAIN_URL=redis://:$REDIS_PASS@$rm:6379/0"
    -e "KOBOFORM_URL=http://kf.$DOMAIN" -e "KOBOCAT_URL=http://kc.$DOMAIN" -e "ENKETO_URL=http://ee.$DOMAIN"
    -e STANDIN_LOG_INTERVAL=5)
  if [ "$GEN" = legacy ]; then
    ENV_APP+=(-e "CELERY_BROKER_URL=amqp://guest:guest@rabbit:5672//" -e "KOBOCAT_BROKER_URL=amqp://guest:guest@rabbit:5672//")
  else
    ENV_APP+=(-e "CELERY_BROKER_URL=redis://:$REDIS_PASS@$rm:6379/1")
  fi
}

# --- readiness -----------------------------------------------------------------------------

http_get() { # http_get <port> <host-header> <path>: prints the response (bash /dev/tcp: no curl needed)
  local resp
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$3" "$2" >&3
  resp="$(timeout 5 cat <&3)" || true
  exec 3<&- 3>&-
  printf '%s' "$resp"
}

wait_ready() { # nginx through its published port (kpi page) and postgres over TCP with a password
  local deadline=$((SECONDS + ${KOBO_TESTBED_READY_TIMEOUT:-180})) ok_http=0 ok_pg=0 pgname
  pgname="$(ctr_name "$BE_PROJECT" postgres)"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ "$ok_http" = 0 ] && { if [ -n "$NGINX_PORT" ]; then http_get "$NGINX_PORT" "kf.$DOMAIN" /; else tls_get "kf.$DOMAIN" /; fi; } 2>/dev/null | grep -q 'kpi stand-in'; then
      ok_http=1
    fi
    if [ "$ok_pg" = 0 ] && dk "$BE_DOCKER" exec -e "PGPASSWORD=$PG_PASS" "$pgname" \
        psql -h 127.0.0.1 -U "$PG_USER" -d koboform -Atc 'select 1' >/dev/null 2>&1; then
      ok_pg=1
    fi
    [ "$ok_http" = 1 ] && [ "$ok_pg" = 1 ] && return 0
    sleep 1
  done
  [ "$ok_http" = 1 ] || die "nginx did not serve the kpi stand-in on 127.0.0.1:${NGINX_PORT:-$TLS_PORT (TLS proxy)} in time (docker logs $(ctr_name "$FE_PROJECT" nginx))"
  die "postgres did not accept connections in time (docker logs $pgname)"
}

# --- the replication secondary -------------------------------------------------------------

# start_secondary <primary address>: kobo's secondary back end, reduced to its postgres, on the
# second engine: same project, service and container name as the primary, its own data folder,
# the endpoint variable of its vocabulary (PRIMARY_ENDPOINT from 2020, MASTER_ENDPOINT before).
start_secondary() {
  local gw="$1" port second="${roles#*/}" endpoint_var=KOBO_POSTGRES_PRIMARY_ENDPOINT
  port="$(dk "$BE_DOCKER" port "$(ctr_name "$BE_PROJECT" postgres)" 5432/tcp | head -n1 | sed 's/.*://')"
  [ -n "$port" ] || die "the primary postgres has no published port for its secondary"
  case "${second,,}" in slave) endpoint_var=KOBO_POSTGRES_MASTER_ENDPOINT ;; esac
  mkdir -p "$SDIR/secondary/.vols/db" "$SDIR/secondary/log/postgres"
  run_ctr "$PG2_DOCKER" "$BE_PROJECT" postgres "$IMG_SERVICES" docker-compose.backend.yml "$BE_NET=postgres.kobo.private" \
    "${ENV_DATABASES[@]}" "${ENV_DOMAINS[@]}" \
    -e "KOBO_POSTGRES_DB_SERVER_ROLE=$second" -e KOBO_POSTGRES_REPLICATION_USER=kobo_replication \
    -e "KOBO_POSTGRES_REPLICATION_PASSWORD=$(secret replication)" \
    -e "$endpoint_var=primary.postgres.kobo.private" -e "POSTGRES_PORT=$port" \
    --add-host "primary.postgres.kobo.private:$gw" \
    -v "$SDIR/secondary/.vols/db:/var/lib/postgresql/data" -v "$SDIR/secondary/log/postgres:/srv/logs" -- kobo-postgres
  sed -i '$d' "$OUT" # run_ctr's container.postgres line: the stack's postgres is the primary's
}

wait_secondary() { # the standby answers and reports pg_is_in_recovery()
  local deadline=$((SECONDS + ${KOBO_TESTBED_READY_TIMEOUT:-180})) name
  name="$(ctr_name "$BE_PROJECT" postgres)"
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ "$(dk "$PG2_DOCKER" exec "$name" psql -U "$PG_USER" -d koboform -Atc 'select pg_is_in_recovery()' 2>/dev/null)" = t ] && return 0
    sleep 1
  done
  die "the postgres secondary did not start streaming in time (docker -H $PG2_DOCKER logs $name)"
}

# --- up ------------------------------------------------------------------------------------

media_seed() { # a few files in the media volumes, so media backups have something to copy
  local d
  for d in "$WORKDIR/.vols/kpi_media/user1/asset_files" "$WORKDIR/.vols/kobocat_media_uploads/user1/attachments"; do
    mkdir -p "$d"
    [ -e "$d/photo1.jpg" ] || head -c 65536 /dev/urandom >"$d/photo1.jpg"
    [ -e "$d/photo2.jpg" ] || head -c 32768 /dev/urandom >"$d/photo2.jpg"
  done
}

cmd_up() {
  GEN="${1:-}"
  STACK="${2:-}"
  if [ -z "$GEN" ] || [ -z "$STACK" ]; then usage; fi
  shift 2
  local prefix="" roles="" tls=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --prefix) prefix="${2:-}"; shift ;;
      --prefix=*) prefix="${1#--prefix=}" ;;
      --postgres-secondary) roles="${2:-}"; shift ;;
      --postgres-secondary=*) roles="${1#--postgres-secondary=}" ;;
      --tls-proxy) tls=1 ;;
      --image)
        [[ "${2:-}" =~ ^[a-z_]+=[A-Za-z0-9][A-Za-z0-9._/:@-]*$ ]] || die "--image takes SERVICE=IMAGE, not '${2:-}'"
        IMAGE_FOR["${2%%=*}"]="${2#*=}"
        shift ;;
      *) usage ;;
    esac
    shift
  done
  [[ "$STACK" =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]] || die "stack id '$STACK' must be lower-case letters, digits and '-' (max 31)"
  [ -z "$prefix" ] || [[ "$prefix" =~ ^[a-z0-9][a-z0-9-]{0,20}$ ]] || die "prefix '$prefix' must be lower-case letters, digits and '-'"
  case "$GEN" in
    current|multihost) ;;
    prefixed) [ -n "$prefix" ] || prefix="$STACK" ;;
    legacy) [ -z "$prefix" ] || die "the legacy generation has no prefix (one project: kobodocker)" ;;
    *) usage ;;
  esac
  if [ -n "$roles" ]; then
    [[ "$roles" =~ ^[A-Za-z]+/[A-Za-z]+$ ]] || die "--postgres-secondary takes the two role words, primary/secondary or master/slave (any case), not '$roles'"
    case "$GEN" in
      current|prefixed) ;;
      *) die "--postgres-secondary works with the current and prefixed generations (their back end is on the main engine)" ;;
    esac
  fi
  need_root
  local start=$SECONDS
  "$HERE/engine.sh" ensure
  # A test process that has just run images.sh all says so (the check costs seconds a stack).
  [ "${KOBO_TESTBED_IMAGES_READY:-}" = 1 ] || "$HERE/images.sh" all

  SDIR="$TESTBED_STATE/stacks/$STACK"
  if [ -s "$SDIR/stack.env" ] && ! grep -qx "generation=$GEN" "$SDIR/stack.env"; then
    die "stack '$STACK' already exists with another generation: run 'stack.sh down $STACK' first"
  fi
  # A new stack that fails half-way is removed again, so a failed `up` leaves nothing behind.
  if [ ! -d "$SDIR" ]; then
    trap 'rc=$?; if [ $rc -ne 0 ]; then log "up failed: removing the partial stack $STACK"; cmd_down "$STACK" >/dev/null 2>&1 || true; fi' EXIT
  fi
  mkdir -p "$SDIR"
  OUT="$SDIR/up.out.tmp"
  : >"$OUT"

  local p="${prefix:+$prefix-}"
  FE_DOCKER="$MAIN_DOCKER"
  BE_DOCKER="$MAIN_DOCKER"
  if [ "$GEN" = legacy ]; then
    COMPOSE_V=1; COMPOSE_VERSION=$COMPOSE_V1_VERSION
    FE_PROJECT=kobodocker; BE_PROJECT=kobodocker; MT_PROJECT=""
    WORKDIR="$SDIR/kobo-docker"
  else
    COMPOSE_V=2; COMPOSE_VERSION=$COMPOSE_V2_VERSION
    FE_PROJECT="${p}kobofe"; BE_PROJECT="${p}kobobe"; MT_PROJECT="${p}kobomaintenance"
    WORKDIR="$SDIR/kobo-docker"
  fi
  mkdir -p "$WORKDIR"
  {
    echo "stack=$STACK"
    echo "generation=$GEN"
    echo "prefix=$prefix"
  } >"$SDIR/stack.env"

  if [ "$GEN" = multihost ]; then
    local sock
    sock="$("$HERE/engine.sh" second "$STACK")"
    BE_DOCKER="unix://$sock"
    echo "engine=$STACK" >>"$SDIR/stack.env"
    "$HERE/engine.sh" load "$STACK" "$IMG_SERVICES" "$IMG_MONGO"
  fi
  PG2_DOCKER=""
  if [ -n "$roles" ]; then
    # kobo's secondary is the postgres service of a back-end install on another server: same
    # project and container name, another Docker engine.
    local sock2
    sock2="$("$HERE/engine.sh" second "$STACK")"
    PG2_DOCKER="unix://$sock2"
    echo "engine=$STACK" >>"$SDIR/stack.env"
    "$HERE/engine.sh" load "$STACK" "$IMG_SERVICES"
  fi
  echo "frontend_docker=$FE_DOCKER" >>"$SDIR/stack.env"
  echo "backend_docker=$BE_DOCKER" >>"$SDIR/stack.env"

  local fe_svcs be_svcs=(postgres mongo redis_main redis_cache)
  case "$GEN" in
    legacy) fe_svcs=(nginx kpi kobocat enketo_express); be_svcs+=(rabbit) ;;
    *) fe_svcs=(nginx kpi enketo_express worker worker_low_priority worker_long_running_tasks beat) ;;
  esac
  local names=() s
  for s in "${fe_svcs[@]}"; do names+=("$(ctr_name "$FE_PROJECT" "$s")"); done
  if [ "$GEN" = multihost ]; then
    claim_names "$FE_DOCKER" "${names[@]}"
    names=()
  fi
  for s in "${be_svcs[@]}"; do names+=("$(ctr_name "$BE_PROJECT" "$s")"); done
  claim_names "$BE_DOCKER" "${names[@]}"

  # Networks. Single server: the front end joins the back-end network (kobo's external
  # kobo-be-network). Multi-host: the back end has its own engine, reached through extra_hosts.
  local FE_NET BE_NET
  declare -gA BE_HOSTS
  if [ "$GEN" = legacy ]; then
    FE_NET="kobodocker_default"; BE_NET="kobodocker_default"
    make_net "$MAIN_DOCKER" kobodocker default
    BE_HOSTS=([postgres]=postgres [mongo]=mongo [redis_main]=redis_main [redis_cache]=redis_cache)
  else
    FE_NET="${FE_PROJECT}_kobo-fe-network"; BE_NET="${BE_PROJECT}_kobo-be-network"
    make_net "$FE_DOCKER" "$FE_PROJECT" kobo-fe-network
    make_net "$BE_DOCKER" "$BE_PROJECT" kobo-be-network
    BE_HOSTS=([postgres]=postgres.kobo.private [mongo]=mongo.kobo.private
      [redis_main]=redis-main.kobo.private [redis_cache]=redis-cache.kobo.private)
  fi
  set_env
  media_seed
  [ "$GEN" = legacy ] || write_run_conf "$SDIR/kobo-install" # kobo-install came in 2020
  # Relative to the kobo-docker checkout (Compose's working_dir), as kobo lays them out.
  mkdir -p "$WORKDIR"/log/{nginx,redis_main,redis_cache,postgres,mongo,kpi,enketo_express} \
    "$WORKDIR"/backups/{postgres,mongo,redis} "$WORKDIR"/.vols/{db,mongo,redis_main_data,redis_cache_data}

  # Back end
  local be_cfg=docker-compose.backend.yml pub=() x
  [ "$GEN" = legacy ] && be_cfg=docker-compose.yml
  local alias_pg="" alias_mg="" alias_rm="" alias_rc=""
  if [ "$GEN" != legacy ]; then
    alias_pg=postgres.kobo.private; alias_mg=mongo.kobo.private
    alias_rm=redis-main.kobo.private; alias_rc=redis-cache.kobo.private
  fi
  [ "$GEN" = multihost ] && pub=(-p 127.0.0.1::5432)
  local pg_roles=() gw2=""
  if [ -n "$roles" ]; then
    claim_names "$PG2_DOCKER" "$(ctr_name "$BE_PROJECT" postgres)"
    make_net "$PG2_DOCKER" "$BE_PROJECT" kobo-be-network
    # The primary publishes 5432 on the second engine's gateway only: reachable from there, as a
    # primary's port is from the secondary's server on kobo's private network.
    gw2="$(dk "$PG2_DOCKER" network inspect -f '{{ (index .IPAM.Config 0).Gateway }}' "$BE_NET")"
    [ -n "$gw2" ] || die "the second engine's network $BE_NET has no gateway address"
    pub=(-p "$gw2::5432")
    pg_roles=(-e "KOBO_POSTGRES_DB_SERVER_ROLE=${roles%%/*}" -e KOBO_POSTGRES_REPLICATION_USER=kobo_replication
      -e "KOBO_POSTGRES_REPLICATION_PASSWORD=$(secret replication)")
  fi
  run_ctr "$BE_DOCKER" "$BE_PROJECT" postgres "$IMG_SERVICES" "$be_cfg" "$BE_NET=$alias_pg" \
    "${ENV_DATABASES[@]}" "${ENV_DOMAINS[@]}" "${ENV_AWS[@]}" "${pub[@]}" "${pg_roles[@]}" \
    -v "$WORKDIR/.vols/db:/var/lib/postgresql/data" -v "$WORKDIR/backups/postgres:/srv/backups" \
    -v "$WORKDIR/log/postgres:/srv/logs" -- kobo-postgres
  if [ -n "$roles" ]; then
    start_secondary "$gw2"
    pub=()
  fi
  [ "$GEN" = multihost ] && pub=(-p 127.0.0.1::27017)
  run_ctr "$BE_DOCKER" "$BE_PROJECT" mongo "$IMG_MONGO" "$be_cfg" "$BE_NET=$alias_mg" \
    "${ENV_DATABASES[@]}" "${ENV_DOMAINS[@]}" "${ENV_AWS[@]}" "${pub[@]}" \
    -v "$WORKDIR/.vols/mongo:/data/db" -v "$WORKDIR/backups/mongo:/srv/backups" -- mongod
  [ "$GEN" = multihost ] && pub=(-p 127.0.0.1::6379)
  run_ctr "$BE_DOCKER" "$BE_PROJECT" redis_main "$IMG_SERVICES" "$be_cfg" "$BE_NET=$alias_rm" \
    "${ENV_DATABASES[@]}" "${ENV_DOMAINS[@]}" "${ENV_AWS[@]}" "${pub[@]}" \
    -v "$WORKDIR/.vols/redis_main_data:/data" -v "$WORKDIR/log/redis_main:/var/log/redis" \
    -v "$WORKDIR/backups/redis:/srv/backups" -- kobo-redis main
  [ "$GEN" = multihost ] && pub=(-p 127.0.0.1::6380)
  run_ctr "$BE_DOCKER" "$BE_PROJECT" redis_cache "$IMG_SERVICES" "$be_cfg" "$BE_NET=$alias_rc" \
    "${ENV_DATABASES[@]}" "${pub[@]}" \
    -v "$WORKDIR/.vols/redis_cache_data:/data" -v "$WORKDIR/log/redis_cache:/var/log/redis" -- kobo-redis cache
  if [ "$GEN" = legacy ]; then
    run_ctr "$BE_DOCKER" "$BE_PROJECT" rabbit "$IMG_BUSYBOX" "$be_cfg" "$BE_NET=" \
      -e RABBITMQ_DEFAULT_USER=guest -e STANDIN_LOG_INTERVAL=5 -- standin rabbit
  fi

  # Front end: back-end addresses. Multi-host: extra_hosts to the back-end containers' addresses
  # on the second engine (routed by this host, like a LAN between two servers).
  local app_nets="$FE_NET=" extra=() fe_cfg=docker-compose.frontend.yml
  [ "$GEN" = legacy ] && fe_cfg=docker-compose.yml
  if [ "$GEN" = multihost ]; then
    local svc ip
    for svc in postgres mongo redis_main redis_cache; do
      ip="$(dk "$BE_DOCKER" container inspect -f "{{ (index .NetworkSettings.Networks \"$BE_NET\").IPAddress }}" "$(ctr_name "$BE_PROJECT" "$svc")")"
      extra+=(--add-host "${BE_HOSTS[$svc]}:$ip")
    done
  elif [ "$GEN" != legacy ]; then
    app_nets="$FE_NET= $BE_NET="
  fi
  local media=(-v "$WORKDIR/.vols/kpi_media:/srv/src/kpi/media" -v "$WORKDIR/.vols/kobocat_media_uploads:/srv/src/kobocat/media")
  local nginx_env=() nginx_pub=(-p 127.0.0.1::80)
  [ "$tls" = 1 ] && nginx_pub=()   # behind kobo-install's TLS proxy nginx publishes nothing
  [ "$GEN" = legacy ] && nginx_env=(-e NGINX_KC_UPSTREAM=kobocat:8001)
  local nginx_aliases="nginx.internal,kf.docker.internal,kc.docker.internal,ee.docker.internal"
  [ "$GEN" = legacy ] && nginx_aliases=""
  run_ctr "$FE_DOCKER" "$FE_PROJECT" nginx "$IMG_SERVICES" "$fe_cfg" "$FE_NET=$nginx_aliases" \
    "${ENV_DOMAINS[@]}" "${nginx_env[@]}" "${nginx_pub[@]}" -v "$WORKDIR/log/nginx:/var/log/nginx" -- kobo-nginx
  local kpi_nets="$app_nets" ee_nets="$app_nets"
  if [ "$GEN" != legacy ]; then
    kpi_nets="$FE_NET=kpi.internal ${app_nets#"$FE_NET= "}"
    ee_nets="$FE_NET=enketo_express.internal ${app_nets#"$FE_NET= "}"
    [ "$GEN" = multihost ] && kpi_nets="$FE_NET=kpi.internal" && ee_nets="$FE_NET=enketo_express.internal"
  fi
  run_ctr "$FE_DOCKER" "$FE_PROJECT" kpi "$IMG_BUSYBOX" "$fe_cfg" "$kpi_nets" \
    "${ENV_DOMAINS[@]}" "${ENV_DATABASES[@]}" "${ENV_AWS[@]}" "${ENV_APP[@]}" "${extra[@]}" "${media[@]}" \
    -v "$WORKDIR/log/kpi:/srv/logs" -- standin kpi
  run_ctr "$FE_DOCKER" "$FE_PROJECT" enketo_express "$IMG_BUSYBOX" "$fe_cfg" "$ee_nets" \
    "${ENV_DOMAINS[@]}" -e "REDIS_PASSWORD=$REDIS_PASS" -e STANDIN_LOG_INTERVAL=5 "${extra[@]}" \
    -e "ENKETO_REDIS_MAIN_URL=redis://:$REDIS_PASS@${BE_HOSTS[redis_main]}:6379/0" \
    -e "ENKETO_REDIS_CACHE_URL=redis://:$REDIS_PASS@${BE_HOSTS[redis_cache]}:6380/0" -- standin enketo_express
  if [ "$GEN" = legacy ]; then
    run_ctr "$FE_DOCKER" "$FE_PROJECT" kobocat "$IMG_BUSYBOX" "$fe_cfg" "$app_nets" \
      "${ENV_DOMAINS[@]}" "${ENV_DATABASES[@]}" "${ENV_APP[@]}" "${media[@]}" -- standin kobocat
  else
    for s in worker worker_low_priority worker_long_running_tasks beat; do
      run_ctr "$FE_DOCKER" "$FE_PROJECT" "$s" "$IMG_BUSYBOX" "$fe_cfg" "$app_nets" \
        "${ENV_DOMAINS[@]}" "${ENV_DATABASES[@]}" "${ENV_AWS[@]}" "${ENV_APP[@]}" "${extra[@]}" "${media[@]}" \
        -e STANDIN_LOG_INTERVAL=10 -- standin "$s"
    done
  fi

  NGINX_PORT=""
  if [ "$tls" = 1 ]; then
    tls_proxy_up "$prefix"
  else
    NGINX_PORT="$(dk "$FE_DOCKER" port "$(ctr_name "$FE_PROJECT" nginx)" 80/tcp | head -n1 | sed 's/.*://')"
    [ -n "$NGINX_PORT" ] || die "nginx has no published port"
  fi
  wait_ready
  [ -z "$roles" ] || wait_secondary

  {
    echo "stack=$STACK"
    echo "generation=$GEN"
    echo "prefix=$prefix"
    echo "frontend_project=$FE_PROJECT"
    echo "backend_project=$BE_PROJECT"
    echo "maintenance_project=$MT_PROJECT"
    echo "compose_version=$COMPOSE_VERSION"
    echo "frontend_docker=$FE_DOCKER"
    echo "backend_docker=$BE_DOCKER"
    echo "frontend_network=$FE_NET"
    echo "backend_network=$BE_NET"
    echo "domain=$DOMAIN"
    echo "nginx_port=$NGINX_PORT"
    echo "nginx_url=${NGINX_PORT:+http://127.0.0.1:$NGINX_PORT/}"
    [ "$tls" = 1 ] && tls_proxy_out
    if [ "$GEN" = multihost ]; then
      for x in postgres:5432 mongo:27017 redis_main:6379 redis_cache:6380; do
        echo "${x%%:*}_port=$(dk "$BE_DOCKER" port "$(ctr_name "$BE_PROJECT" "${x%%:*}")" "${x#*:}/tcp" | head -n1 | sed 's/.*://')"
      done
    fi
    if [ -n "$roles" ]; then
      echo "postgres_roles=$roles"
      echo "postgres_secondary_docker=$PG2_DOCKER"
      echo "postgres_secondary_container=$(ctr_name "$BE_PROJECT" postgres)"
    fi
    echo "postgres_user=$PG_USER"
    echo "postgres_password=$PG_PASS"
    echo "kpi_db=koboform"
    echo "kc_db=kobocat"
    echo "mongo_user=$MONGO_USER"
    echo "mongo_password=$MONGO_PASS"
    echo "redis_password=$REDIS_PASS"
    echo "stack_dir=$SDIR"
    echo "kobo_docker_dir=$WORKDIR"
    [ "$GEN" = legacy ] || echo "kobo_install_dir=$SDIR/kobo-install"
    cat "$OUT"
  } >"$SDIR/up.out"
  rm -f "$OUT"
  cat "$SDIR/up.out"
  trap - EXIT
  log "stack '$STACK' ($GEN) is up in $((SECONDS - start)) s: ${NGINX_PORT:+http://127.0.0.1:$NGINX_PORT/}${TLS_PORT:+https://127.0.0.1:$TLS_PORT/} (Host: kf.$DOMAIN)"
}

# --- down ----------------------------------------------------------------------------------

# Docker 20.10 under load can keep a stale endpoint on a network after its containers are gone
# ("has active endpoints", though inspect lists no container). `network disconnect -f` with the
# gone container's name clears it, so a stack's container names are kept until its networks are.
endpoints_file() { echo "$TESTBED_STATE/endpoints/$1"; }

force_disconnect() { # force_disconnect <host> <network> <stack>: every name the stack's containers had
  local host="$1" net="$2" f n
  f="$(endpoints_file "$3")"
  [ -f "$f" ] || return 0
  while read -r n; do
    [ -n "$n" ] && dk "$host" network disconnect -f "$net" "$n" >/dev/null 2>&1 || true
  done <"$f"
}

remove_labelled() { # remove_labelled <host> <label filter> [<stack>]
  local host="$1" filter="$2" stack="${3:-}" ids=()
  if [ -n "$stack" ]; then
    mkdir -p "$TESTBED_STATE/endpoints"
    dk "$host" ps -a --format '{{.Names}}' --filter "label=$filter" 2>/dev/null >>"$(endpoints_file "$stack")" || true
  fi
  mapfile -t ids < <(dk "$host" ps -aq --filter "label=$filter" 2>/dev/null || true)
  # Stopped first, then removed: 'rm -f' of running containers joined to a second network with
  # 'network connect' left a stale endpoint on that network in about one stack of ten (Docker 20.10).
  [ "${#ids[@]}" -eq 0 ] || dk "$host" stop -t 0 "${ids[@]}" >/dev/null 2>&1 || true
  [ "${#ids[@]}" -eq 0 ] || dk "$host" rm -f -v "${ids[@]}" >/dev/null || die "could not remove containers on $host"
  mapfile -t ids < <(dk "$host" network ls -q --filter "label=$filter" 2>/dev/null || true)
  local id attempt attached
  for id in "${ids[@]}"; do
    for attempt in 1 2 3 4 5; do
      dk "$host" network rm "$id" >/dev/null 2>&1 && continue 2
      [ -n "$stack" ] && force_disconnect "$host" "$id" "$stack"
      sleep 1
    done
    # Still there: the next unprefixed stack that needs the name tries again (make_net); a
    # prefixed stack's name is its own, so an empty network left behind harms no one.
    attached="$(dk "$host" network inspect -f '{{len .Containers}}' "$id" 2>/dev/null || echo gone)"
    case "$attached" in
      gone) ;;
      0) LEFT_NETWORKS=1; log "WARNING: network $id on $host keeps a stale endpoint (a Docker 20.10 defect); left behind, empty" ;;
      *) die "could not remove network $id on $host: $attached containers still attached" ;;
    esac
  done
}

cmd_down() {
  STACK="${1:-}"
  [ -n "$STACK" ] || usage
  [[ "$STACK" =~ ^[a-z0-9][a-z0-9-]{0,30}$ ]] || die "bad stack id '$STACK'"
  need_root
  "$HERE/engine.sh" ensure
  local start=$SECONDS sdir="$TESTBED_STATE/stacks/$STACK"
  LEFT_NETWORKS=0
  remove_labelled "$MAIN_DOCKER" "$TESTBED_LABEL.stack=$STACK" "$STACK"
  if [ -S "$TESTBED_RUN/$STACK.sock" ]; then
    remove_labelled "unix://$TESTBED_RUN/$STACK.sock" "$TESTBED_LABEL.stack=$STACK" || true
    "$HERE/engine.sh" stop-second "$STACK"
  elif [ -d "$TESTBED_STATE/engines/$STACK" ]; then
    "$HERE/engine.sh" stop-second "$STACK"
  fi
  rm -rf "$sdir"
  [ "$LEFT_NETWORKS" = 1 ] || rm -f "$(endpoints_file "$STACK")"
  log "stack '$STACK' removed in $((SECONDS - start)) s"
}

cmd_down_all() {
  need_root
  "$HERE/engine.sh" ensure
  local sock name
  # Only stack members: containers that other people run from our images inherit the image
  # label org.koboconsole.testbed=1, but never the stack label.
  remove_labelled "$MAIN_DOCKER" "$TESTBED_LABEL.stack"
  for sock in "$TESTBED_RUN"/*.sock; do
    [ -S "$sock" ] || continue
    name="$(basename "$sock" .sock)"
    remove_labelled "unix://$sock" "$TESTBED_LABEL.stack" || true
    "$HERE/engine.sh" stop-second "$name"
  done
  for name in "$TESTBED_STATE"/engines/*; do
    [ -d "$name" ] && "$HERE/engine.sh" stop-second "$(basename "$name")"
  done
  rm -rf "$TESTBED_STATE/stacks"
  log "all test bed stacks removed"
}

case "${1:-}" in
  up) shift; cmd_up "$@" ;;
  down) shift; cmd_down "$@" ;;
  down-all) shift; cmd_down_all ;;
  *) usage ;;
esac
