#!/usr/bin/env bash
# Builds the PostgreSQL store the issue-8 target names: `stock_daily` with exactly 12,500,000 rows,
# 5,000 stocks × 2,500 trading days, plus `stock_basic` and `trade_cal`, from a simulated market's
# SQLite file (BENCHMARKS.md, issue 8). Then time it with scripts/bench-backup.sh.
# Usage: scripts/bench-backup-store.sh MARKET_SQLITE POSTGRES_URL
#   MARKET_SQLITE  a store of 5,000 stocks over at least 2,500 trading days, e.g. the one
#                  `StockSchoolBench factors` leaves at /tmp/stockschool-bench-factors/
#   POSTGRES_URL   a database that does not exist yet, e.g. postgres://u@127.0.0.1:5432/bench_sd125
# The market's own bars are copied as they are; the (stock, day) pairs where a stock was not yet
# listed get one constant bar, so every stock has every day.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/binary.sh
market="${1:?usage: scripts/bench-backup-store.sh MARKET_SQLITE POSTGRES_URL}"
url="${2:?usage: scripts/bench-backup-store.sh MARKET_SQLITE POSTGRES_URL}"
[ -f "$market" ] || { echo "no such file: $market" >&2; exit 1; }
database="${url##*/}"
database="${database%%\?*}"
server="${url%/*}/postgres"
bin="$(stockschool_bin)"

stocks=$(sqlite3 "$market" "SELECT count(*) FROM stock_basic")
[ "$stocks" = 5000 ] || { echo "$market has $stocks stocks, not 5000" >&2; exit 1; }
last=$(sqlite3 "$market" \
    "SELECT trade_date FROM (SELECT DISTINCT trade_date FROM stock_daily ORDER BY trade_date LIMIT 2500) ORDER BY trade_date DESC LIMIT 1")
days=$(sqlite3 "$market" "SELECT count(DISTINCT trade_date) FROM stock_daily WHERE trade_date <= $last")
[ "$days" = 2500 ] || { echo "$market has $days trading days, not 2500" >&2; exit 1; }

psql -q "$server" -c "CREATE DATABASE \"$database\""
"$bin" init --store "$url"
copy() { # TABLE COLUMNS [SELECTED [WHERE]]: SELECTED defaults to COLUMNS
    sqlite3 -csv "$market" "SELECT ${3:-$2} FROM $1 ${4:-}" | psql -q "$url" -c "\\copy $1 ($2) FROM STDIN (FORMAT csv)"
}
daily="ts_code, trade_date, open, high, low, close, pre_close, change, pct_chg, vol, amount"
copy stock_basic "ts_code, symbol, name, area, industry, fullname, enname, cnspell, market, exchange, curr_type, list_status, list_date, delist_date, is_hs, act_name, act_ent_type"
copy trade_cal "exchange, cal_date, is_open, pretrade_date" "exchange, cal_date, CASE is_open WHEN 1 THEN 'true' ELSE 'false' END, pretrade_date"
copy stock_daily "$daily" "$daily" "WHERE trade_date <= $last"
psql -q "$url" <<SQL
INSERT INTO stock_daily (ts_code, trade_date, open, high, low, close, pre_close, change, pct_chg, vol, amount)
SELECT b.ts_code, d.trade_date, 10, 10, 10, 10, 10, 0, 0, 0, 0
FROM stock_basic b CROSS JOIN (SELECT DISTINCT trade_date FROM stock_daily) d
ON CONFLICT DO NOTHING;
VACUUM ANALYZE;
SQL
rows=$(psql -At "$url" -c "SELECT count(*) FROM stock_daily")
echo "$url: stock_daily holds $rows rows"
[ "$rows" = 12500000 ]
