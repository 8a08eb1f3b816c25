#!/usr/bin/env bash
# The operations manual's deployment commands (发布管理, 完整系统恢复): deploy, test, health.
set -euo pipefail

usage() {
    cat <<'HELP'
Usage: scripts/deployment/deploy.sh deploy [--binary PATH]
       scripts/deployment/deploy.sh test [--binary PATH]
       scripts/deployment/deploy.sh health [stockschool health options…]
       scripts/deployment/deploy.sh status | stop

deploy   compose: docker-compose -f deploy/docker-compose.prod.yml up -d --build, then wait until
         api and api-2 answer GET /api/health with 200.
         local: start the replicas api and api-2 (stockschool serve on STOCKSCHOOL_DEPLOY_PORTS,
         default "8081 8082", store STOCKSCHOOL_DATABASE_URL) and an nginx in front of them on
         STOCKSCHOOL_DEPLOY_NGINX_PORT (8080); replicas already running are left alone.
         Records the live release, the one `rolling_update.sh --rollback api` returns to.
test     the pre-release checks, each reported, exit 1 if any fails:
           bash -n on scripts/deployment/*.sh and lib/*.sh
           deploy/check.sh (Prometheus rules, Alertmanager, Grafana, compose file, nginx -t)
           the candidate (compose: the image built from deploy/Dockerfile; local: --binary or
           the stockschool binary.sh finds) serves: `serve` on a free port against a scratch
           sample store answers /api/health 200 and /openapi.json.
health   stockschool health against the API through nginx (local: http://127.0.0.1:PORT;
         compose: inside the api container, STOCKSCHOOL_DEPLOY_URL or its own 127.0.0.1:8080);
         extra arguments are passed on; its exit code too (0 ok, 1 warning, 2 critical).
status   each replica's release, pid/container and health.
stop     local: stop the replicas and nginx. compose: docker-compose down.

Environment: STOCKSCHOOL_DEPLOY_DRIVER (compose | local), STOCKSCHOOL_DEPLOY_DIR (deploy/.state).
HELP
}

command=${1:-}
[[ -n $command ]] || { usage >&2; exit 2; }
shift
case $command in -h | --help) usage; exit 0 ;; esac

. "$(dirname "$0")/lib/rollout.sh"
. "$DEPLOY_ROOT/scripts/lib/binary.sh"
load_driver

binary_arg() {
    if [[ ${1:-} == --binary ]]; then echo "${2:?--binary needs a path}"; else stockschool_bin; fi
}

# One pre-release check: its name, its output indented, ok/FAILED.
failed=()
check() {
    local name=$1
    shift
    say "check: $name"
    if "$@" 2>&1 | sed 's/^/    /'; then say "  ok"; else say "  FAILED"; failed+=("$name"); fi
}

syntax_check() {
    local f
    for f in "$DEPLOY_ROOT"/scripts/deployment/*.sh "$DEPLOY_ROOT"/scripts/deployment/lib/*.sh; do
        bash -n "$f" || return 1
    done
    echo "bash -n: $(ls "$DEPLOY_ROOT"/scripts/deployment/*.sh "$DEPLOY_ROOT"/scripts/deployment/lib/*.sh | wc -l) scripts parse"
}

# smoke_serve BINARY…: the candidate starts, migrates a scratch sample store and answers.
smoke_serve() {
    local dir port pid status=0
    dir=$(mktemp -d)
    chmod 1777 "$dir" # the image's user (uid 10001) writes the store there too
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    (
        cd "$dir"
        timeout 120 "$@" sync --source sample --stocks 5 --start 20240102 --end 20240110 --store "sqlite://$dir/smoke.sqlite" >sync.log 2>&1 \
            || { cat sync.log; exit 1; }
        "$@" serve --host 127.0.0.1 --port "$port" --no-alerts --store "sqlite://$dir/smoke.sqlite" >serve.log 2>&1 &
        pid=$!
        trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT
        for _ in $(seq 60); do
            curl -fsS -o /dev/null -m 2 "http://127.0.0.1:$port/api/health" 2>/dev/null && break
            sleep 0.5
        done
        curl -fsS -m 5 "http://127.0.0.1:$port/api/health" && echo \
            && curl -fsS -m 5 -o /dev/null "http://127.0.0.1:$port/openapi.json" && echo "GET /openapi.json 200" \
            || { tail -20 serve.log; exit 1; }
    ) || status=1
    rm -rf "$dir"
    return "$status"
}

case $command in
    deploy)
        if [[ $DEPLOY_DRIVER == local ]]; then
            local_deploy "$(binary_arg "$@")"
        else
            compose_deploy
        fi
        ;;
    test)
        check "shell syntax" syntax_check
        check "deploy/check.sh" bash "$DEPLOY_ROOT/deploy/check.sh"
        if [[ $DEPLOY_DRIVER == local ]]; then
            check "candidate binary serves" smoke_serve "$(binary_arg "$@")"
        else
            check "candidate image builds" compose_build
            check "candidate image serves" smoke_serve docker run --rm --network host -v /tmp:/tmp "stockschool:${STOCKSCHOOL_VERSION:-latest}"
        fi
        if ((${#failed[@]})); then die "deploy.sh test: ${#failed[@]} check(s) failed: ${failed[*]}"; fi
        say "deploy.sh test: all checks passed"
        ;;
    health)
        drv_init
        drv_health "$@"
        ;;
    status)
        drv_init
        for name in $(drv_replicas); do
            if release=$(drv_release_of "$name"); then
                if drv_healthy "$name"; then health=healthy; else health=UNHEALTHY; fi
                say "$name: $(drv_describe "$release"), $health"
            else
                say "$name: not running"
            fi
        done
        say "live release: $(cat "$(release_file current)" 2>/dev/null || echo none), previous: $(cat "$(release_file previous)" 2>/dev/null || echo none)"
        ;;
    stop)
        drv_init
        if [[ $DEPLOY_DRIVER == local ]]; then local_stop; else compose_down; fi
        ;;
    *) usage >&2; exit 2 ;;
esac
