#!/usr/bin/env bash
# Times issue 6's API targets with wrk (2 threads, 64 connections), median of RUNS runs:
#   GET /api/v1/stocks/{ts_code}/daily for one year of bars (243 rows)
#   1. cached in memory (SQLite store), 2. cached in Redis, 3. uncached on SQLite,
#   4. uncached on PostgreSQL, 5. FastAPI + uvicorn + asyncpg on the same PostgreSQL (the earlier
#      system's stack; 1 worker and 2 workers), and the ratios against it.
# Usage: scripts/bench-api.sh [RUNS] [SECONDS]   (default 5 runs of 10 s)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/services.sh
runs=${1:-5}
seconds=${2:-10}
ensure_packages
command -v wrk >/dev/null || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
trap 'stop_services; [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true' EXIT INT TERM
start_services durable
swift build -c release --product stockschool >/dev/null
ss=$(swift build -c release --show-bin-path)/stockschool
work=${BENCH_DIR:-/tmp/stockschool-bench-api}
mkdir -p "$work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"

sqlite="sqlite://$work/market.sqlite"
[ -f "$work/market.sqlite" ] || "$ss" demo --sync-only --store "$sqlite" >/dev/null
port=$(free_port)

wait_up() { for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health/live" >/dev/null && return; sleep 0.1; done; echo "server did not start" >&2; exit 1; }

# One wrk run: "requests/s p50 p99" (latencies in ms).
measure() {
  wrk -t2 -c64 -d"${seconds}s" --latency "$url" >"$work/wrk.txt"
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.txt")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $4}' "$work/wrk.txt")
  echo "$rps $(ms "$p50") $(ms "$p99") ${non2xx:-0}"
}
ms() { # wrk prints 1.23ms, 812.00us or 1.02s
  case $1 in *us) echo "${1%us}" | awk '{printf "%.3f", $1 / 1000}' ;; *ms) echo "${1%ms}" ;; *s) echo "${1%s}" | awk '{printf "%.1f", $1 * 1000}' ;; *) echo "$1" ;; esac
}
# Median of the runs of one configuration; prints and records "label rps p50 p99".
series() { # label
  local label=$1 results=()
  curl -sf "$url" >/dev/null # warm the cache / the connection pool
  for i in $(seq 1 "$runs"); do results+=("$(measure)"); done
  printf '%s\n' "${results[@]}" | sort -n -k1 | awk -v label="$label" -v n="$runs" '
    { r[NR] = $1; p50[NR] = $2; p99[NR] = $3; errors += $4 }
    END { m = int((n + 1) / 2); printf "%s|%.0f|%.2f|%.2f|%d\n", label, r[m], p50[m], p99[m], errors }' >>"$work/results.txt"
  tail -1 "$work/results.txt" | awk -F'|' '{printf "%-58s %9s req/s  p50 %6s ms  p99 %6s ms  (non-2xx %s)\n", $1, $2, $3, $4, $5}'

}
start_server() { # extra args…
  "$ss" serve --port "$port" "$@" >"$work/server.log" 2>&1 &
  server=$!
  wait_up
}
stop_server() { kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""; }

: >"$work/results.txt"
start_server --store "$sqlite"
# The first listed stock with bars through 2024: one year is 242 bars.
code=$(curl -sf "http://127.0.0.1:$port/api/v1/stocks?list_status=L&page_size=1" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["ts_code"])')
path="/api/v1/stocks/$code/daily?start_date=20240101&end_date=20241231"
url="http://127.0.0.1:$port$path"
echo "GET $path ($(curl -sf "$url" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["items"]))') bars) — wrk -t2 -c64 -d${seconds}s, median of $runs"
series "StockSchool, memory cache"
stop_server
STOCKSCHOOL_REDIS_URL=$STOCKSCHOOL_TEST_REDIS_URL start_server --store "$sqlite"
series "StockSchool, Redis cache"
stop_server
start_server --store "$sqlite" --no-cache
series "StockSchool, uncached, SQLite"
stop_server
# PostgreSQL is filled only now, and left to settle: right after a load its background work
# (autovacuum, checkpoints) takes CPU the SQLite and cache series above must not lose.
pg_admin=$STOCKSCHOOL_TEST_POSTGRES_URL
pg=${pg_admin%/postgres}/bench_api
psql "$pg_admin" -qc "DROP DATABASE IF EXISTS bench_api" >/dev/null
psql "$pg_admin" -qc "CREATE DATABASE bench_api" >/dev/null
"$ss" demo --sync-only --store "$pg" >/dev/null
psql "$pg" -qc "VACUUM ANALYZE" >/dev/null
psql "$pg_admin" -qc "CHECKPOINT" >/dev/null
start_server --store "$pg" --no-cache
series "StockSchool, uncached, PostgreSQL"
stop_server

python3 -m venv "$work/venv" >/dev/null
"$work/venv/bin/pip" install -q fastapi uvicorn asyncpg
for workers in 1 2; do
  BENCH_PG_DSN=${pg/postgres:/postgresql:} "$work/venv/bin/uvicorn" --app-dir Benchmarks/fastapi app:app \
    --port "$port" --workers "$workers" --log-level warning >"$work/fastapi.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$url" >/dev/null && break; sleep 0.2; done
  series "FastAPI + uvicorn ($workers worker) + asyncpg, PostgreSQL"
  kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
done
awk -F'|' '/uncached, PostgreSQL/ {ours = $2} /1 worker/ {one = $2} /2 worker/ {two = $2}
  END { if (one > 0 && two > 0) printf "StockSchool uncached on PostgreSQL vs FastAPI on the same database: %.1fx (1 worker), %.1fx (2 workers)\n", ours / one, ours / two }' "$work/results.txt"
