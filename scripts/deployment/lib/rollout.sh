# shellcheck shell=bash
# The driver-independent half of deploy.sh and rolling_update.sh: progress output, the health
# wait, the one-replica-at-a-time loop with automatic rollback, and the release record that
# `rolling_update.sh --rollback api` restores. Source it; it defines functions only.
#
# A driver (lib/driver_local.sh, lib/driver_compose.sh) provides:
#   drv_init                 load its settings; fail when nothing is deployed
#   drv_replicas             the replica names, one per line, in rollout order
#   drv_release_of NAME      the release NAME runs now; fails when NAME is not running
#   drv_alive NAME           NAME's process/container is running (a dead one is not waited for)
#   drv_healthy NAME         one probe: GET /api/health on NAME answers 200
#   drv_drain NAME           stop sending new requests to NAME; return once in-flight ones are done
#   drv_undrain NAME         send requests to NAME again
#   drv_stop NAME            stop NAME gracefully (SIGTERM, then force after a timeout)
#   drv_start NAME RELEASE   start RELEASE as NAME (same port / service name)
#   drv_describe RELEASE     a human-readable name for RELEASE (binary path, image tag)

DEPLOY_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
DEPLOY_DRIVER=${STOCKSCHOOL_DEPLOY_DRIVER:-compose}
DEPLOY_DIR=${STOCKSCHOOL_DEPLOY_DIR:-$DEPLOY_ROOT/deploy/.state}
# Seconds a new replica has to answer GET /api/health with 200 before it counts as failed.
HEALTH_TIMEOUT=${STOCKSCHOOL_DEPLOY_HEALTH_TIMEOUT:-30}

say() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '[%s] WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
    printf '[%s] ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
    exit 1
}

load_driver() {
    case $DEPLOY_DRIVER in
        local | compose) ;;
        *) die "STOCKSCHOOL_DEPLOY_DRIVER=$DEPLOY_DRIVER: expected local or compose" ;;
    esac
    # shellcheck source=/dev/null
    . "$DEPLOY_ROOT/scripts/deployment/lib/driver_$DEPLOY_DRIVER.sh"
}

# wait_healthy NAME: polls GET /api/health every half second until it answers 200, the process
# dies, or HEALTH_TIMEOUT seconds pass.
wait_healthy() {
    local name=$1 deadline=$((SECONDS + HEALTH_TIMEOUT))
    while ((SECONDS < deadline)); do
        if drv_healthy "$name"; then
            say "  $name: /api/health 200"
            return 0
        fi
        if ! drv_alive "$name"; then
            warn "$name exited before turning healthy (see its log)"
            return 1
        fi
        sleep 0.5
    done
    warn "$name: /api/health not 200 within ${HEALTH_TIMEOUT}s"
    return 1
}

# replace_replica NAME RELEASE: drain, stop, start RELEASE, wait healthy, undrain. On failure NAME
# is left stopped and drained (the caller restores it) and the function returns 1.
replace_replica() {
    local name=$1 release=$2
    say "$name: draining"
    drv_drain "$name"
    say "$name: stopping $(drv_describe "$(drv_release_of "$name" 2>/dev/null || echo none)")"
    drv_stop "$name"
    say "$name: starting $(drv_describe "$release")"
    drv_start "$name" "$release"
    if ! wait_healthy "$name"; then
        drv_stop "$name"
        return 1
    fi
    drv_undrain "$name"
    say "$name: back in the upstream"
}

# restore_replica NAME RELEASE: the way back for a replica whose new release failed (it is stopped
# and drained). If even the old release does not come back, say so and fail: there is nothing
# left to try automatically.
restore_replica() {
    local name=$1 release=$2
    say "$name: restarting the previous release $(drv_describe "$release")"
    drv_stop "$name"
    drv_start "$name" "$release"
    wait_healthy "$name" || die "$name did not come back on $(drv_describe "$release") either; it stays out of the upstream"
    drv_undrain "$name"
    say "$name: back in the upstream"
}

release_file() { echo "$DEPLOY_DIR/release.$1"; }

# record_release ACTION FROM TO: what is live now (release.current) and what was live before it
# (release.previous, what --rollback restores), plus one history line.
record_release() {
    local action=$1 from=$2 to=$3
    mkdir -p "$DEPLOY_DIR"
    if [[ -n $from && $from != "$to" ]]; then printf '%s\n' "$from" >"$(release_file previous)"; fi
    printf '%s\n' "$to" >"$(release_file current)"
    printf '%s %s %s -> %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$action" "${from:-none}" "$to" >>"$DEPLOY_DIR/releases.log"
}

# rolling_update ACTION TARGET: every replica to TARGET, one at a time; on a failure, every
# replica back to what it ran before, and exit 1. Success is claimed only after each replica has
# been checked to run TARGET and to answer /api/health with 200.
rolling_update() {
    local action=$1 target=$2 name
    local -a names=() updated=()
    local -A before=()
    mapfile -t names < <(drv_replicas)
    ((${#names[@]})) || die "no replicas configured"

    say "preflight: every replica running and healthy"
    for name in "${names[@]}"; do
        before[$name]=$(drv_release_of "$name") || die "$name is not running: start it first (deploy.sh deploy)"
        drv_healthy "$name" || die "$name is not healthy now; a rolling update would leave no healthy replica while it is drained"
        say "  $name: $(drv_describe "${before[$name]}")"
    done

    say "$action: ${#names[@]} replicas to $(drv_describe "$target")"
    for name in "${names[@]}"; do
        if [[ ${before[$name]} == "$target" ]]; then
            say "$name: already on $(drv_describe "$target"), left alone"
            continue
        fi
        if replace_replica "$name" "$target"; then
            updated+=("$name")
            continue
        fi
        local failed=$name
        warn "$failed failed on $(drv_describe "$target"); rolling back"
        restore_replica "$failed" "${before[$failed]}"
        local i
        for ((i = ${#updated[@]} - 1; i >= 0; i--)); do
            local done_name=${updated[i]}
            replace_replica "$done_name" "${before[$done_name]}" || restore_replica "$done_name" "${before[$done_name]}"
        done
        for name in "${names[@]}"; do
            [[ $(drv_release_of "$name") == "${before[$name]}" ]] && drv_healthy "$name" \
                || die "rollback incomplete: $name is not back on $(drv_describe "${before[$name]}") and healthy"
        done
        printf '%s %s %s -> %s FAILED at %s, rolled back\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$action" \
            "${before[${names[0]}]}" "$target" "$failed" >>"$DEPLOY_DIR/releases.log"
        die "$action FAILED: replica $failed did not turn healthy on $(drv_describe "$target"); every replica is back on its previous release and healthy"
    done

    say "verifying: every replica on $(drv_describe "$target") and healthy"
    for name in "${names[@]}"; do
        [[ $(drv_release_of "$name") == "$target" ]] || die "$name does not run $(drv_describe "$target") after the update"
        drv_healthy "$name" || die "$name is not healthy after the update"
    done
    record_release "$action" "${before[${names[0]}]}" "$target"
    say "$action done: ${names[*]} on $(drv_describe "$target")"
}
