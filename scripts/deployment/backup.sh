#!/usr/bin/env bash
# The operations manual's backup script, over `stockschool backup`:
#   backup.sh backup [--full|--emergency|--pre-release]   take a backup (then prune old ones)
#   backup.sh list                                          list backups, newest first
#   backup.sh verify [ID]                                   check files and row counts (default: newest)
#   backup.sh restore ID                                    emergency backup, then restore ID
#   backup.sh restore-test [ID]                             full restore into a temporary store
#   backup.sh prune                                         apply the retention policy
# Settings come from ./stockschool.yaml and STOCKSCHOOL_* as for every command (backup.dir,
# database.url, redis.url, backup.keep_*). Exit code: 0 success, 1 failure, 2 bad usage.
set -uo pipefail
. "$(dirname "$0")/../lib/binary.sh"

usage() {
    sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[[ $# -ge 1 ]] || usage
command="$1"
shift
bin="$(stockschool_bin)" || exit 2

case "$command" in
backup)
    args=()
    for option in "$@"; do
        case "$option" in
        --full) args+=(--full) ;;
        --emergency) args+=(--tag emergency) ;;
        --pre-release) args+=(--tag pre-release) ;;
        *) echo "backup.sh backup: unknown option $option (--full, --emergency or --pre-release)" >&2; exit 2 ;;
        esac
    done
    "$bin" backup create "${args[@]}" || exit $?
    # Scheduled backups keep the directory within the retention policy; a failed prune is
    # a failure (exit 1) but does not undo the backup just taken.
    "$bin" backup prune || { echo "backup.sh: the backup was taken, but pruning old backups failed" >&2; exit 1; }
    ;;
list | verify | restore | restore-test | prune)
    exec "$bin" backup "$command" "$@"
    ;;
-h | --help | help) usage ;;
*)
    echo "backup.sh: unknown command '$command'" >&2
    usage
    ;;
esac
