#!/usr/bin/env bash
# The operations manual's rolling update (发布管理: 滚动更新, 回滚流程).
set -euo pipefail

usage() {
    cat <<'HELP'
Usage: scripts/deployment/rolling_update.sh [--binary PATH | --image TAG] api
       scripts/deployment/rolling_update.sh --rollback api

Replaces the API replicas (api, then api-2) one at a time: drain it from nginx, stop it
gracefully, start the new release in its place, wait until GET /api/health answers 200, put it
back, then the next. If a replica does not turn healthy within STOCKSCHOOL_DEPLOY_HEALTH_TIMEOUT
seconds (30), it and every replica already updated go back to the release they ran before, and
the script exits 1 naming the replica. Success is reported only after every replica has been
checked to run the new release and to be healthy.

--rollback api   roll back to the release that was live before the last successful update or
                 deploy (release.previous in the state directory), the same way.

The new release:
  local driver     --binary PATH, else $STOCKSCHOOL_BIN, else the stockschool on PATH or this
                   checkout's newest build (scripts/lib/binary.sh)
  compose driver   --image TAG (an image that exists), else stockschool:$STOCKSCHOOL_VERSION
                   built from deploy/Dockerfile (docker-compose build api)

Environment:
  STOCKSCHOOL_DEPLOY_DRIVER          compose (default: deploy/docker-compose.prod.yml) or local
  STOCKSCHOOL_DEPLOY_DIR             state directory (default deploy/.state)
  STOCKSCHOOL_DEPLOY_HEALTH_TIMEOUT  seconds a replica has to turn healthy (30)

Exit code: 0 every replica on the new release and healthy; 1 otherwise (after rolling back).
HELP
}

rollback="" binary="" image=""
while (($#)); do
    case $1 in
        -h | --help) usage; exit 0 ;;
        --rollback) rollback=1 ;;
        --binary) binary=${2:?--binary needs a path}; shift ;;
        --image) image=${2:?--image needs a tag}; shift ;;
        api) service=api ;;
        *) usage >&2; echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done
[[ -n ${service:-} ]] || { usage >&2; exit 2; }

. "$(dirname "$0")/lib/rollout.sh"
load_driver
drv_init
# One rollout at a time: two would drain both replicas at once.
mkdir -p "$DEPLOY_DIR"
exec 9>"$DEPLOY_DIR/rollout.lock"
flock -n 9 || die "another rolling update holds $DEPLOY_DIR/rollout.lock"

if [[ -n $rollback ]]; then
    [[ -z $binary$image ]] || die "--rollback restores the recorded previous release; it takes no --binary or --image"
    target=$(cat "$(release_file previous)" 2>/dev/null) || die "no previous release recorded in $DEPLOY_DIR; nothing to roll back to"
    rolling_update rollback "$target"
else
    target=$(drv_prepare_release "${binary:-$image}")
    rolling_update update "$target"
fi
