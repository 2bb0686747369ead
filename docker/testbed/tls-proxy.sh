# shellcheck shell=bash
# The TLS edge as kobo-install lays it out beside kobo-docker: a Compose project `nginx-certbot`
# (kobo-install runs `docker compose up -d` in its nginx-certbot folder, so the project is never
# prefixed) whose service `nginx_ssl_proxy` joins the front-end network and proxies
# https://{kf,kc,ee}.<domain> to kobo's nginx, reached by its alias `nginx` (the maintenance
# container takes that alias when it replaces nginx). nginx then publishes no port.
# Sourced by stack.sh (`up ... --tls-proxy`); uses its globals (SDIR, DOMAIN, FE_*, STACK, ...).

TLS_PROJECT=nginx-certbot

tls_proxy_name() { # Compose's name; a prefixed stack puts its prefix in front so stacks never collide
  echo "${1:+$1-}$(ctr_name "$TLS_PROJECT" nginx_ssl_proxy)"
}

# A self-signed certificate as certbot would lay it out, valid KOBO_TESTBED_TLS_DAYS days (default
# 20: inside the console's 14-day warning only after 6 days, so both paths can be tested with the knob).
tls_certificate() {
  local live="$TLS_DIR/data/certbot/conf/live/$DOMAIN" days="${KOBO_TESTBED_TLS_DAYS:-20}"
  [[ "$days" =~ ^[0-9]{1,4}$ ]] || die "KOBO_TESTBED_TLS_DAYS must be a number of days, not '$days'"
  mkdir -p "$live" "$TLS_DIR/data/certbot/www"
  [ -s "$live/fullchain.pem" ] && return 0
  ensure_cmd openssl openssl
  openssl req -x509 -newkey rsa:2048 -nodes -days "$days" -subj "/CN=kf.$DOMAIN/O=kobo test bed" \
    -addext "subjectAltName=DNS:kf.$DOMAIN,DNS:kc.$DOMAIN,DNS:ee.$DOMAIN" \
    -keyout "$live/privkey.pem" -out "$live/fullchain.pem" 2>/dev/null || die "openssl could not make the test certificate"
}

tls_config() { # kobo-install's app.conf shape: 80 redirects to https, 443 proxies to nginx
  local names="kf.$DOMAIN kc.$DOMAIN ee.$DOMAIN"
  mkdir -p "$TLS_DIR/data/nginx"
  cat >"$TLS_DIR/data/nginx/app.conf" <<CONF
server {
    listen 80;
    server_name $names;
    server_tokens off;
    location / { return 301 https://\$host\$request_uri; }
}
server {
    listen 443 ssl;
    server_name $names;
    server_tokens off;
    ssl_certificate /etc/letsencrypt/live/$DOMAIN/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/$DOMAIN/privkey.pem;
    # Resolved per request: after a maintenance swap, "nginx" is another container.
    resolver 127.0.0.11 valid=1s ipv6=off;
    location / {
        set \$kobo_nginx http://nginx:80;
        proxy_pass \$kobo_nginx;
        proxy_set_header Host \$http_host;
        proxy_set_header X-Real-IP \$remote_addr;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_connect_timeout 3s;
    }
}
CONF
}

tls_proxy_up() { # tls_proxy_up <prefix>
  TLS_DIR="$SDIR/nginx-certbot"
  TLS_NAME="$(tls_proxy_name "$1")"
  claim_names "$FE_DOCKER" "$TLS_NAME"
  tls_certificate
  tls_config
  local workdir="$WORKDIR"
  WORKDIR="$TLS_DIR" RUN_NAME="$TLS_NAME" run_ctr "$FE_DOCKER" "$TLS_PROJECT" nginx_ssl_proxy "$IMG_SERVICES" docker-compose.yml "$FE_NET=" \
    -p 127.0.0.1::80 -p 127.0.0.1::443 \
    -v "$TLS_DIR/data/nginx:/etc/nginx/conf.d" -v "$TLS_DIR/data/certbot/conf:/etc/letsencrypt" -v "$TLS_DIR/data/certbot/www:/var/www/certbot" \
    -- bash -c "mkdir -p /var/log/nginx && exec nginx -g 'daemon off;'"
  WORKDIR="$workdir"
  TLS_PORT="$(dk "$FE_DOCKER" port "$TLS_NAME" 443/tcp | head -n1 | sed 's/.*://')"
  TLS_HTTP_PORT="$(dk "$FE_DOCKER" port "$TLS_NAME" 80/tcp | head -n1 | sed 's/.*://')"
  [ -n "$TLS_PORT" ] || die "nginx_ssl_proxy has no published 443 port"
}

tls_get() { # tls_get <host-header> <path>: through the proxy's published 443, SNI = host
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$2" "$1" \
    | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$TLS_PORT" -servername "$1" 2>/dev/null
}

tls_proxy_out() {
  echo "tls_project=$TLS_PROJECT"
  echo "tls_port=$TLS_PORT"
  echo "tls_http_port=$TLS_HTTP_PORT"
  echo "tls_url=https://127.0.0.1:$TLS_PORT/"
  echo "tls_cert=$TLS_DIR/data/certbot/conf/live/$DOMAIN/fullchain.pem"
}
