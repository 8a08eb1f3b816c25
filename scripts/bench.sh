#!/usr/bin/env bash
# Measures the performance targets recorded in BENCHMARKS.md: builds in release, starts a
# private PostgreSQL (durable settings: fsync on) and runs each benchmark, median of several runs.
# Usage: scripts/bench.sh [generate|load|panel ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh

ensure_packages
trap stop_services EXIT INT TERM
start_services durable
swift build -c release --product StockSchoolBench
bench=$(swift build -c release --show-bin-path)/StockSchoolBench
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr), $(swift --version 2>/dev/null | head -1)"
for what in "${@:-generate load panel}"; do
  for step in $what; do
    "$bench" "$step"
  done
done
