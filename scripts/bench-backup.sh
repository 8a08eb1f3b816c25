#!/usr/bin/env bash
# Times `stockschool backup create`, `backup verify` and `backup restore-test` on an existing store,
# several runs each, and prints every run and the medians (BENCHMARKS.md, issue 8).
# Usage: scripts/bench-backup.sh STORE_URL [RUNS]
#   e.g. scripts/bench-backup.sh sqlite:///tmp/market-5000.sqlite 3
# The backups go to a scratch directory (STOCKSCHOOL_BACKUP_DIR is overridden) removed afterwards;
# Redis is left out (STOCKSCHOOL_REDIS_URL unset) so the figures are the database's.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/binary.sh
store="${1:?usage: scripts/bench-backup.sh STORE_URL [RUNS]}"
runs="${2:-3}"
bin="$(stockschool_bin)"
work="$(mktemp -d /tmp/stockschool-bench-backup.XXXXXX)"
trap 'rm -rf "$work"' EXIT
export STOCKSCHOOL_BACKUP_DIR="$work/backups" STOCKSCHOOL_LOG_DIR="$work/logs"
unset STOCKSCHOOL_REDIS_URL
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); awk "BEGIN {print $end - $start}"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
echo "store: $store; binary: $bin; $runs runs"
"$bin" db stats --store "$store" | grep -E "stock_daily|daily_basic|adj_factor"
creates=() verifies=() tests=()
for run in $(seq "$runs"); do
    rm -rf "$STOCKSCHOOL_BACKUP_DIR"
    c=$(seconds "$bin" backup create --store "$store")
    v=$(seconds "$bin" backup verify --store "$store")
    t=$(seconds "$bin" backup restore-test --store "$store")
    size=$(du -sh "$STOCKSCHOOL_BACKUP_DIR" | cut -f1)
    printf 'run %d: create %.1f s, verify %.1f s, create+verify %.1f s, restore-test %.1f s (backup %s)\n' \
        "$run" "$c" "$v" "$(awk "BEGIN {print $c + $v}")" "$t" "$size"
    creates+=("$c") verifies+=("$v") tests+=("$t")
done
printf 'median: create %.1f s, verify %.1f s, restore-test %.1f s\n' \
    "$(printf '%s\n' "${creates[@]}" | median)" "$(printf '%s\n' "${verifies[@]}" | median)" \
    "$(printf '%s\n' "${tests[@]}" | median)"
