# shellcheck shell=bash
# The local driver (STOCKSCHOOL_DEPLOY_DRIVER=local): API replicas as plain `stockschool serve`
# processes on loopback ports behind an nginx of its own, everything under STOCKSCHOOL_DEPLOY_DIR:
#
#   settings                      ports and store, written by `deploy.sh deploy`
#   releases/<id>/stockschool     a copy of each deployed binary (<id>: its sha256, 12 digits), so
#   releases/<id>/source            the binary a rollback returns to still exists after a rebuild
#   replicas/<name>/{port,pid,release,serve.log}   one per replica (api, api-2); cwd of the process
#   nginx/{nginx.conf,upstream.conf,nginx.pid,error.log,access.log}
#   release.current, release.previous, releases.log   the release record (lib/rollout.sh)
#
# The tests run the rolling update this way (Tests/StockSchoolCLITests/RollingUpdateTests.swift);
# it also suits a single host without Docker.

NGINX_BIN=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
# Seconds a replica gets to finish its requests after SIGTERM before it is killed.
STOP_TIMEOUT=${STOCKSCHOOL_DEPLOY_STOP_TIMEOUT:-20}

replica_dir() { echo "$DEPLOY_DIR/replicas/$1"; }
nginx_dir() { echo "$DEPLOY_DIR/nginx"; }

drv_init() {
    [[ -f $DEPLOY_DIR/settings ]] || die "nothing deployed in $DEPLOY_DIR (run deploy.sh deploy with STOCKSCHOOL_DEPLOY_DRIVER=local)"
    # shellcheck source=/dev/null
    . "$DEPLOY_DIR/settings"
}

drv_replicas() { ls "$DEPLOY_DIR/replicas"; }

# A pid is alive when it exists and is no zombie (an orphaned replica's parent may not reap it).
pid_alive() {
    local status
    [[ -n ${1:-} ]] && status=$(cat "/proc/$1/status" 2>/dev/null) || return 1
    [[ $status != *$'\nState:\tZ'* ]]
}

replica_pid() { cat "$(replica_dir "$1")/pid" 2>/dev/null || true; }

drv_alive() { pid_alive "$(replica_pid "$1")"; }

drv_release_of() {
    drv_alive "$1" || return 1
    cat "$(replica_dir "$1")/release"
}

drv_healthy() {
    curl -fsS -o /dev/null -m 2 "http://127.0.0.1:$(cat "$(replica_dir "$1")/port")/api/health" 2>/dev/null
}

drv_describe() {
    local source=$DEPLOY_DIR/releases/$1/source
    if [[ -f $source ]]; then echo "$1 ($(cat "$source"))"; else echo "$1"; fi
}

# drv_prepare_release BINARY: copies BINARY into releases/<sha256>/ and prints the id.
drv_prepare_release() {
    local binary=$1 id
    [[ -x $binary ]] || die "$binary is not an executable"
    id=$(sha256sum "$binary" | cut -c1-12)
    if [[ ! -x $DEPLOY_DIR/releases/$id/stockschool ]]; then
        mkdir -p "$DEPLOY_DIR/releases/$id"
        cp "$binary" "$DEPLOY_DIR/releases/$id/stockschool.tmp"
        mv "$DEPLOY_DIR/releases/$id/stockschool.tmp" "$DEPLOY_DIR/releases/$id/stockschool"
        printf '%s\n' "$(realpath "$binary")" >"$DEPLOY_DIR/releases/$id/source"
    fi
    echo "$id"
}

drv_start() {
    local name=$1 release=$2 dir port
    dir=$(replica_dir "$name")
    port=$(cat "$dir/port")
    mkdir -p "$dir"
    # Detached from this script (nohup, all descriptors redirected, the rollout lock closed):
    # the replica outlives it.
    # The store URL travels in the environment, so a release's own environment may override it.
    (
        cd "$dir" || exit 1
        STOCKSCHOOL_DATABASE_URL=$STORE_URL nohup "$DEPLOY_DIR/releases/$release/stockschool" \
            serve --host 127.0.0.1 --port "$port" --no-alerts </dev/null >>serve.log 2>&1 9>&- &
        echo $! >pid
    )
    printf '%s\n' "$release" >"$dir/release"
}

drv_stop() {
    local name=$1 pid deadline
    pid=$(replica_pid "$name")
    pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    deadline=$((SECONDS + STOP_TIMEOUT))
    while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.1; done
    if pid_alive "$pid"; then
        warn "$name (pid $pid) still running ${STOP_TIMEOUT}s after SIGTERM; killing it"
        kill -KILL "$pid" 2>/dev/null || true
        while pid_alive "$pid"; do sleep 0.1; done
    fi
}

# The upstream block's servers, NAME (if given) marked down, then a graceful reload: the new
# workers stop sending to NAME, and once the old workers have exited every request they had in
# flight is answered.
write_upstream() {
    local drained=${1:-} name line
    : >"$(nginx_dir)/upstream.conf.tmp"
    for name in $(drv_replicas); do
        line="server 127.0.0.1:$(cat "$(replica_dir "$name")/port") max_fails=3 fail_timeout=10s"
        [[ $name == "$drained" ]] && line+=" down"
        printf '%s;  # %s\n' "$line" "$name" >>"$(nginx_dir)/upstream.conf.tmp"
    done
    mv "$(nginx_dir)/upstream.conf.tmp" "$(nginx_dir)/upstream.conf"
}

nginx_master() { cat "$(nginx_dir)/nginx.pid" 2>/dev/null || true; }

nginx_reload() {
    local master old deadline
    master=$(nginx_master)
    pid_alive "$master" || die "nginx is not running (pid file $(nginx_dir)/nginx.pid)"
    old=$(ps --ppid "$master" -o pid= | tr '\n' ' ')
    "$NGINX_BIN" -q -t -p "$(nginx_dir)/" -c "$(nginx_dir)/nginx.conf" || die "the generated nginx configuration does not load"
    kill -HUP "$master"
    deadline=$((SECONDS + 30))
    local pid
    for pid in $old; do
        while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.05; done
    done
}

drv_drain() {
    write_upstream "$1"
    nginx_reload
}

drv_undrain() {
    write_upstream
    nginx_reload
}

nginx_conf() {
    local dir user=""
    dir=$(nginx_dir)
    # As root, nginx's workers would switch to `nobody`; keep them the invoking user.
    [[ $(id -u) == 0 ]] && user="user $(id -un);"
    cat <<CONF
# Generated by scripts/deployment/deploy.sh (local driver). Plain HTTP on loopback: the
# production configuration (deploy/nginx/stockschool.conf) adds TLS and the per-client rate
# limit, which a load test from one address would trip.
$user
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/access.log combined;
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    upstream stockschool_api {
        include $dir/upstream.conf;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_connect_timeout 5s;
        proxy_read_timeout 300s;
        # The safety net under draining: a replica that refuses or answers 502/503 is retried on
        # the other one.
        proxy_next_upstream error timeout http_502 http_503;
        proxy_next_upstream_tries 2;
        location / { proxy_pass http://stockschool_api; }
    }
}
CONF
}

# local_deploy BINARY: writes the settings, starts each replica on BINARY and nginx in front.
local_deploy() {
    local binary=$1 release name port i=0 ports
    read -r -a ports <<<"${STOCKSCHOOL_DEPLOY_PORTS:-8081 8082}"
    ((${#ports[@]} >= 2)) || die "STOCKSCHOOL_DEPLOY_PORTS needs two ports (one per replica)"
    mkdir -p "$DEPLOY_DIR/replicas" "$(nginx_dir)/temp"
    cat >"$DEPLOY_DIR/settings" <<SETTINGS
NGINX_PORT=${STOCKSCHOOL_DEPLOY_NGINX_PORT:-8080}
STORE_URL=${STOCKSCHOOL_DATABASE_URL:-sqlite://$DEPLOY_ROOT/data/stockschool.sqlite}
SETTINGS
    drv_init
    release=$(drv_prepare_release "$binary")
    for name in api api-2; do
        port=${ports[i]}
        i=$((i + 1))
        mkdir -p "$(replica_dir "$name")"
        printf '%s\n' "$port" >"$(replica_dir "$name")/port"
        if drv_alive "$name"; then
            say "$name: already running (pid $(replica_pid "$name")), left alone; use rolling_update.sh to change its binary"
            continue
        fi
        say "$name: starting $(drv_describe "$release") on 127.0.0.1:$port"
        drv_start "$name" "$release"
    done
    for name in api api-2; do wait_healthy "$name" || die "$name did not turn healthy; see $(replica_dir "$name")/serve.log"; done
    write_upstream
    nginx_conf >"$(nginx_dir)/nginx.conf"
    if pid_alive "$(nginx_master)"; then
        nginx_reload
    else
        "$NGINX_BIN" -p "$(nginx_dir)/" -c "$(nginx_dir)/nginx.conf" </dev/null >/dev/null 2>>"$(nginx_dir)/error.log" \
            || die "nginx did not start; see $(nginx_dir)/error.log"
    fi
    say "nginx on http://127.0.0.1:$NGINX_PORT (pid $(nginx_master))"
    record_release deploy "$(cat "$(release_file current)" 2>/dev/null || true)" "$(drv_release_of api)"
}

# local_stop: every replica and nginx, gracefully.
local_stop() {
    local name master
    for name in $(drv_replicas); do
        say "$name: stopping"
        drv_stop "$name"
    done
    master=$(nginx_master)
    if pid_alive "$master"; then
        say "nginx: stopping"
        kill -QUIT "$master"
        while pid_alive "$master"; do sleep 0.1; done
    fi
}

drv_health_url() { echo "http://127.0.0.1:$NGINX_PORT"; }

# drv_health ARGS…: `stockschool health` (the live release's binary) through nginx.
drv_health() {
    local bin
    bin=$DEPLOY_DIR/releases/$(cat "$(release_file current)")/stockschool
    (cd "$DEPLOY_DIR" && "$bin" health --url "$(drv_health_url)" --store "$STORE_URL" "$@")
}
