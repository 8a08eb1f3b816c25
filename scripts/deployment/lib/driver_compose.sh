# shellcheck shell=bash
# The compose driver (the default): the API replicas are the services api and api-2 of
# deploy/docker-compose.prod.yml, a release is an image (its id, sha256:…), and nginx is the
# compose service nginx. Untested here (no Docker engine); deploy.sh test runs `bash -n` on it.
#
# Draining: nginx's upstream names the services in deploy/nginx/stockschool.conf, a file mounted
# read-only into the container, so a replica is not marked `down` as the local driver does.
# Instead the replica is stopped with SIGTERM (serve finishes the requests it has), nginx retries
# requests it cannot deliver to it on the other replica (proxy_next_upstream error timeout
# http_502 http_503), and the reload after the new container is healthy makes nginx resolve the
# new container's address and forget the failures it counted.

COMPOSE_FILE=${STOCKSCHOOL_COMPOSE_FILE:-$DEPLOY_ROOT/deploy/docker-compose.prod.yml}
STOP_TIMEOUT=${STOCKSCHOOL_DEPLOY_STOP_TIMEOUT:-20}

compose() {
    local env_file
    env_file=$(dirname "$COMPOSE_FILE")/.env
    if [[ -f $env_file ]]; then
        docker-compose -f "$COMPOSE_FILE" --env-file "$env_file" "$@"
    else
        docker-compose -f "$COMPOSE_FILE" "$@"
    fi
}

drv_init() {
    command -v docker-compose >/dev/null 2>&1 || die "docker-compose is not installed (or set STOCKSCHOOL_DEPLOY_DRIVER=local)"
    command -v docker >/dev/null 2>&1 || die "docker is not installed"
    mkdir -p "$DEPLOY_DIR"
}

drv_replicas() { printf '%s\n' api api-2; }

container_of() { compose ps -q "$1" 2>/dev/null; }

drv_alive() {
    local c
    c=$(container_of "$1")
    [[ -n $c && $(docker inspect -f '{{.State.Running}}' "$c" 2>/dev/null) == true ]]
}

drv_release_of() {
    drv_alive "$1" || return 1
    docker inspect -f '{{.Image}}' "$(container_of "$1")"
}

drv_healthy() {
    compose exec -T "$1" curl -fsS -o /dev/null -m 2 http://127.0.0.1:8080/api/health >/dev/null 2>&1
}

drv_describe() {
    local tags
    tags=$(docker image inspect -f '{{join .RepoTags ","}}' "$1" 2>/dev/null || true)
    echo "${1#sha256:}" | cut -c1-12 | tr -d '\n'
    [[ -n $tags ]] && printf ' (%s)' "$tags"
    echo
}

# The tag compose runs: STOCKSCHOOL_VERSION from the environment, else from deploy/.env.
image_tag() {
    local tag=${STOCKSCHOOL_VERSION:-}
    if [[ -z $tag && -f $(dirname "$COMPOSE_FILE")/.env ]]; then
        tag=$(sed -n 's/^STOCKSCHOOL_VERSION=//p' "$(dirname "$COMPOSE_FILE")/.env" | tail -1)
    fi
    echo "stockschool:${tag:-latest}"
}

compose_build() { compose build api; }

# drv_prepare_release [IMAGE]: the image's id; without IMAGE, builds stockschool:$STOCKSCHOOL_VERSION.
drv_prepare_release() {
    local image=${1:-}
    if [[ -z $image ]]; then
        compose_build >&2 || die "docker-compose build api failed"
        image=$(image_tag)
    fi
    docker image inspect -f '{{.Id}}' "$image" || die "no image $image"
}

# Starts RELEASE (an image id) as NAME: the id gets a tag of its own, which compose runs.
drv_start() {
    local name=$1 release=$2 tag
    tag=release-$(echo "${release#sha256:}" | cut -c1-12)
    docker tag "$release" "stockschool:$tag"
    STOCKSCHOOL_VERSION=$tag compose up -d --no-deps --no-build --force-recreate "$name"
}

drv_stop() { compose stop -t "$STOP_TIMEOUT" "$1"; }

drv_drain() { say "  $1: nginx retries its requests on the other replica while it restarts (proxy_next_upstream)"; }

drv_undrain() {
    compose exec -T nginx nginx -s reload
    sleep 1
}

drv_health() {
    compose exec -T api stockschool health ${STOCKSCHOOL_DEPLOY_URL:+--url "$STOCKSCHOOL_DEPLOY_URL"} "$@"
}

compose_deploy() {
    local name previous
    drv_init
    previous=$(cat "$(release_file current)" 2>/dev/null || true)
    say "docker-compose up -d --build ($COMPOSE_FILE)"
    compose up -d --build
    for name in $(drv_replicas); do wait_healthy "$name" || die "$name did not turn healthy; see docker-compose logs $name"; done
    record_release deploy "$previous" "$(drv_release_of api)"
}

compose_down() { compose down; }
