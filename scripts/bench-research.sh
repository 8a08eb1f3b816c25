#!/usr/bin/env bash
# Times the research targets of BENCHMARKS.md (issue 5) from cold processes, as a user runs them:
#   1. `stockschool evaluate --set alpha158` (158 factors × horizons 1,5,10,20) on 800 stocks ×
#      3,427 dates, panel cache warm (the first, cold run is shown apart); without and with
#      writing the 2.1M daily ICs to factor_ic;
#   2. a 10-year daily-rebalanced top-50 backtest on 5,000 stocks: the engine alone on a synthetic
#      panel (ResearchBench), and `stockschool backtest` end to end (panel load, factor, backtest);
#   3. ResearchBench evaluate: ms per factor for the evaluation alone.
# Usage: scripts/bench-research.sh [RUNS]   (default 5; stores are made once under BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
swift build -c release --product stockschool >/dev/null
swift build -c release --product ResearchBench >/dev/null
bin=$(swift build -c release --show-bin-path)
ss=$bin/stockschool
work=${BENCH_DIR:-/tmp/stockschool-bench-factors}
mkdir -p "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"

prepare() { # stocks start end
  local file="$work/market-$1-$2-$3.sqlite"
  if [ ! -f "$file" ]; then
    echo "preparing the store (not timed): $1 stocks, $2–$3"
    "$ss" demo --sync-only --store "sqlite://$file" --stocks "$1" --start "$2" --end "$3" >/dev/null
  fi
  echo "sqlite://$file"
}

timed() { # label, command...
  local label=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>/dev/null
  read -r seconds kb <"$work/time.txt"
  echo "$label: $seconds s wall, peak RSS $((kb / 1024)) MiB — $(head -1 "$work/out.txt")"
}

store800=$(prepare 800 20100104 20231229 | tail -1)
export STOCKSCHOOL_DATA_DIR="$work/data-research"
rm -rf "$STOCKSCHOOL_DATA_DIR"
for i in $(seq 0 "$runs"); do
  timed "evaluate alpha158 --no-store, $([ "$i" = 0 ] && echo "cold cache" || echo "warm cache $i")" \
    "$ss" evaluate --set alpha158 --no-store --store "$store800"
done
for i in $(seq 1 "$runs"); do
  timed "evaluate alpha158 storing factor_ic, run $i" "$ss" evaluate --set alpha158 --store "$store800"
done

"$bin/ResearchBench" backtest 5000 2500
store5000=$(prepare 5000 20140102 20240329 | tail -1)
for i in $(seq 0 "$runs"); do
  timed "backtest top 50 daily, 5,000 stocks 20140102–20240329, $([ "$i" = 0 ] && echo "cold cache" || echo "warm cache $i")" \
    "$ss" backtest --expr 'Ref($close,5)/$close' --top 50 --rebalance daily --start 20140102 --end 20240329 \
    --no-store --store "$store5000"
done
"$bin/ResearchBench" evaluate 800 3400
