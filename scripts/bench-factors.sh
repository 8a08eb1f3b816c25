#!/usr/bin/env bash
# Times `stockschool factors compute` from a cold process, as a user runs it: wall time and peak
# RSS (GNU time) of each run, the first with an empty panel cache, then RUNS with it warm.
# Usage: scripts/bench-factors.sh [STOCKS] [START] [END] [RUNS]
#        (defaults: 800 stocks, 20100104–20231229 ≈ 3,400 trading days — the shape of Qlib's
#        published data-server benchmark — and 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
stocks=${1:-800}
start=${2:-20100104}
end=${3:-20231229}
runs=${4:-5}
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
swift build -c release --product stockschool >/dev/null
ss=$(swift build -c release --show-bin-path)/stockschool
work=${BENCH_DIR:-/tmp/stockschool-bench-factors}
mkdir -p "$work"
store="sqlite://$work/market-$stocks-$start-$end.sqlite"
if [ ! -f "$work/market-$stocks-$start-$end.sqlite" ]; then
  echo "preparing the store (not timed): $stocks stocks, $start–$end"
  "$ss" demo --store "$store" --stocks "$stocks" --start "$start" --end "$end" >/dev/null
fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
for set in alpha158 alpha158-quick technical; do
  export STOCKSCHOOL_DATA_DIR="$work/data-$set"
  rm -rf "$STOCKSCHOOL_DATA_DIR"
  for i in $(seq 0 "$runs"); do
    label=$([ "$i" = 0 ] && echo "cold cache" || echo "warm cache $i")
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$ss" factors compute --set "$set" --summary --store "$store" >"$work/out.txt" 2>/dev/null
    read -r seconds kb <"$work/time.txt"
    echo "$set, $label: $seconds s wall, peak RSS $((kb / 1024)) MiB — $(head -1 "$work/out.txt")"
  done
done
