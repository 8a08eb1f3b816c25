#!/usr/bin/env bash
# Measures the performance targets recorded in BENCHMARKS.md: builds in release, starts a
# private PostgreSQL (durable settings: fsync on) and runs each benchmark, median of several runs.
# Usage: scripts/bench.sh                      every benchmark with its defaults
#        scripts/bench.sh factors [ARGS...]   factor computation from a cold process (bench-factors.sh)
#        scripts/bench.sh technical           classic indicators against TA-Lib (needs PyPI)
#        scripts/bench.sh research [RUNS]     evaluate, backtest (bench-research.sh)
#        scripts/bench.sh STEP [ARGS...]      one of generate, load, panel, sync, with its options
#                                             (e.g. scripts/bench.sh sync --end 20150630 --runs 3)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh

ensure_packages
trap stop_services EXIT INT TERM
start_services durable
swift build -c release --product StockSchoolBench
bench=$(swift build -c release --show-bin-path)/StockSchoolBench
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(swift --version 2>/dev/null | head -1)"
# Run, not exec: an exec'd script would leave the private PostgreSQL and Redis running, as the
# EXIT trap that stops them goes with this shell.
if [ "${1:-}" = factors ]; then
  shift
  scripts/bench-factors.sh "$@"
elif [ "${1:-}" = research ]; then
  shift
  scripts/bench-research.sh "$@"
elif [ "${1:-}" = technical ]; then
  # Classic indicators against TA-Lib's C library (PyPI ta-lib), 5,000 series × 2,500 bars each.
  python3 -m venv /tmp/stockschool-talib-venv >/dev/null
  /tmp/stockschool-talib-venv/bin/pip install -q ta-lib numpy
  /tmp/stockschool-talib-venv/bin/python scripts/bench_talib.py
  swift run -c release TechnicalBench
elif [ $# -gt 0 ]; then
  "$bench" "$@"
else
  "$bench" generate
  "$bench" load
  "$bench" panel
  # A shorter market for the end-to-end sync: ~1.8M rows a run, three runs per backend.
  "$bench" sync --end 20150630 --runs 3
fi
