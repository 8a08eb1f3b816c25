#!/usr/bin/env bash
# Compares builds of `stockschool` on the same `evaluate` run, alternately, so that a noisy
# machine slows them alike: N rounds of each binary in turn, then per binary the median wall
# and user time and their ratios to the first binary's.
# Usage: scripts/bench-compare.sh ROUNDS BINARY... [-- EVALUATE ARGS]
#   e.g. scripts/bench-compare.sh 5 /tmp/stockschool-old .build/release/stockschool
# Default evaluate arguments: --set alpha158 --no-store on the 800-stock store that
# scripts/bench-research.sh prepares (run that once first), with its warm panel cache.
set -euo pipefail
rounds=$1
shift
binaries=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  binaries+=("$1")
  shift
done
[ "${1:-}" = -- ] && shift
work=${BENCH_DIR:-/tmp/stockschool-bench-factors}
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--set alpha158 --no-store --store "sqlite://$work/market-800-20100104-20231229.sqlite")
export STOCKSCHOOL_DATA_DIR=${STOCKSCHOOL_DATA_DIR:-$work/data-research}
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
log=$(mktemp)
for _ in $(seq "$rounds"); do
  for b in "${binaries[@]}"; do
    /usr/bin/time -f "$b %e %U" -o "$log.one" "$b" evaluate "${args[@]}" >/dev/null 2>&1
    cat "$log.one" >>"$log"
  done
done
python3 - "$log" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    binary, wall, user = line.split()
    runs.setdefault(binary, []).append((float(wall), float(user)))
base = None
for binary, values in runs.items():
    wall = statistics.median(v[0] for v in values)
    user = statistics.median(v[1] for v in values)
    base = base or (wall, user)
    print(f"{binary}: wall median {wall:.2f} s, user {user:.2f} s; "
          f"ratio wall {wall / base[0]:.3f}, user {user / base[1]:.3f}; walls {[v[0] for v in values]}")
PY
rm -f "$log" "$log.one"
