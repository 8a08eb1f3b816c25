# Shared by scripts/test.sh and scripts/bench.sh: install what is missing, then start a private
# PostgreSQL and Redis on free loopback ports under a temporary directory, and stop them again.
# Source it; it defines functions only.

SERVICES_DIR=""
PG_BIN=""

log() { printf '[services] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    log "need root to run: $*"; return 1; fi
}

# Installs Debian packages for whatever is missing: SQLite headers, PostgreSQL, Redis, promtool,
# and the tools deploy/check.sh runs.
ensure_packages() {
  local missing=()
  [ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
  ls -d /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  # promtool checks /metrics in the API tests (Debian ships it in the prometheus package).
  command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
  # deploy/check.sh (run by the ops tests) needs amtool and PyYAML.
  command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
  python3 -c 'import yaml' >/dev/null 2>&1 || missing+=(python3-yaml)
  # The Fernet interoperability tests encrypt and decrypt with Python's `cryptography` (required
  # when CI=true).
  python3 -c 'import cryptography' >/dev/null 2>&1 || missing+=(python3-cryptography)
  # deploy/check.sh also validates the compose file (`docker-compose config`) and the nginx
  # configuration (`nginx -t` on a copy, with an openssl-generated certificate). Nothing is
  # started: no Docker engine is needed, and the check runs its own `nginx -t` against a scratch
  # prefix, never a system nginx. (nginx is in /usr/sbin, often not on a user's PATH.)
  command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
  local new_nginx=""
  [ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || { missing+=(nginx); new_nginx=1; }
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  # The rolling update test puts load on a local nginx in front of two replicas while it swaps them.
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  # The dashboard tests load every page in headless Chromium; the CJK fonts make the Chinese
  # labels of their screenshots legible.
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  # On a systemd host the nginx package's postinst starts a web server on port 80; the tests only
  # need the binary, so stop and disable the service we just caused to exist.
  if [ -n "$new_nginx" ] && command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet nginx 2>/dev/null; then
    as_root systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
  # The Debian package starts a cluster on 5432; ours runs apart on its own port, so stop theirs
  # only if we just installed it would be intrusive — leave it alone.
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as the `postgres` user when we are root (initdb refuses to run as root).
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres [durable]: exports STOCKSCHOOL_TEST_POSTGRES_URL. Without "durable" the
# throwaway cluster skips fsync, as test data need not survive a power cut.
start_postgres() {
  local durable=${1:-}
  [ -n "${PG_BIN:-}" ] || ensure_packages  # sets PG_BIN
  local dir="$SERVICES_DIR/pg"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$SERVICES_DIR"
  as_postgres "$PG_BIN/initdb" -D "$dir/data" -U stockschool -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; return 1; }
  local port; port=$(free_port)
  local options="-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=500"
  # `db slow-queries` reads pg_stat_statements, which must be preloaded (Debian ships it).
  options="$options -c shared_preload_libraries=pg_stat_statements"
  [ "$durable" = durable ] || options="$options -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -o "$options" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; return 1; }
  export STOCKSCHOOL_TEST_POSTGRES_URL="postgres://stockschool@127.0.0.1:$port/postgres"
  log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

start_redis() {
  local dir="$SERVICES_DIR/redis"
  mkdir -p "$dir"
  local port; port=$(free_port)
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 1 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$port" ping >/dev/null || { cat "$dir/redis.log" >&2; return 1; }
  export STOCKSCHOOL_TEST_REDIS_URL="redis://127.0.0.1:$port/0"
  log "Redis on 127.0.0.1:$port"
}

start_services() {
  SERVICES_DIR=$(mktemp -d /tmp/stockschool-services.XXXXXX)
  chmod 755 "$SERVICES_DIR"
  start_postgres "${1:-}"
  start_redis
}

stop_services() {
  [ -n "$SERVICES_DIR" ] || return 0
  if [ -f "$SERVICES_DIR/pg/data/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$SERVICES_DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$SERVICES_DIR/redis/redis.pid" ]; then
    local pid
    pid=$(cat "$SERVICES_DIR/redis/redis.pid")
    kill "$pid" 2>/dev/null || true
    # Redis may still be writing its files; removing them under it fails.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$SERVICES_DIR" 2>/dev/null || { sleep 0.5; rm -rf "$SERVICES_DIR"; }
  SERVICES_DIR=""
}
