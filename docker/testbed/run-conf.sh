# shellcheck shell=bash
# kobo-install's settings file for a test-bed stack: <stack_dir>/kobo-install/.run.conf, beside the
# kobo-docker folder as kobo-install lays them out. Shaped like kobo-install's own file (JSON from
# Python's json.dumps(indent=2, sort_keys=True), mode 0600), with the keys the console reads and a
# few it must leave alone (passwords among them). Sourced by stack.sh.

write_run_conf() { # write_run_conf <kobo-install dir> (uses DOMAIN, GEN, prefix, WORKDIR, PG_PASS)
  local dir="$1" multi=false now
  [ "$GEN" = multihost ] && multi=true
  now="$(date +%s)"
  mkdir -p "$dir"
  cat >"$dir/.run.conf.tmp" <<JSON
{
  "backend_server_role": "primary",
  "date_created": $now,
  "date_modified": $now,
  "debug": false,
  "default_from_email": "support@$DOMAIN",
  "docker_prefix": "${prefix:-}",
  "https": true,
  "kobodocker_path": "$WORKDIR",
  "maintenance_date_iso": "",
  "maintenance_date_str": "",
  "maintenance_email": "maintenance@$DOMAIN",
  "maintenance_enabled": false,
  "maintenance_eta": "2 hours",
  "mongo_backup_schedule": "0 2 * * 0",
  "multi": $multi,
  "postgres_backup_schedule": "0 1 * * 0",
  "postgres_password": "$PG_PASS",
  "public_domain_name": "$DOMAIN",
  "redis_backup_schedule": "0 3 * * 0",
  "server_role": "frontend",
  "use_backup": true,
  "use_private_dns": false
}
JSON
  # json.dumps writes no newline after the closing brace.
  printf '%s' "$(cat "$dir/.run.conf.tmp")" >"$dir/.run.conf"
  rm -f "$dir/.run.conf.tmp"
  chmod 600 "$dir/.run.conf"
}
