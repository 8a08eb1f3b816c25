"""The earlier system's stack for the same request: FastAPI + uvicorn + asyncpg on the same
PostgreSQL. GET /api/v1/stocks/{ts_code}/daily?start_date&end_date answers the same JSON shape as
StockSchool's route (bars joined with adj_factor, {items, page, page_size, total}), uncached.
Used only by scripts/bench-api.sh; not part of StockSchool."""
import os

import asyncpg
from fastapi import FastAPI, HTTPException

app = FastAPI()
pool = None

FIELDS = ["open", "high", "low", "close", "pre_close", "change", "pct_chg", "vol", "amount"]


@app.on_event("startup")
async def startup():
    global pool
    pool = await asyncpg.create_pool(os.environ["BENCH_PG_DSN"], min_size=4, max_size=8)


@app.get("/api/v1/stocks/{ts_code}/daily")
async def daily(ts_code: str, start_date: str, end_date: str, page: int = 1, page_size: int = 1000):
    if len(ts_code) != 9 or not ts_code[:6].isdigit():
        raise HTTPException(400, "bad ts_code")
    start, end = int(start_date), int(end_date)
    async with pool.acquire() as con:
        total = await con.fetchval(
            "SELECT count(*) FROM stock_daily WHERE ts_code = $1 AND trade_date BETWEEN $2 AND $3", ts_code, start, end)
        rows = await con.fetch(
            "SELECT d.trade_date, d.open, d.high, d.low, d.close, d.pre_close, d.change, d.pct_chg, d.vol, d.amount, "
            "a.adj_factor FROM stock_daily d LEFT JOIN adj_factor a ON a.ts_code = d.ts_code AND a.trade_date = d.trade_date "
            "WHERE d.ts_code = $1 AND d.trade_date BETWEEN $2 AND $3 ORDER BY d.trade_date LIMIT $4 OFFSET $5",
            ts_code, start, end, page_size, (page - 1) * page_size)
    items = []
    for r in rows:
        item = {"ts_code": ts_code, "trade_date": str(r["trade_date"])}
        for f in FIELDS:
            item[f] = r[f]
        item["adj_factor"] = r["adj_factor"]
        items.append(item)
    return {"ts_code": ts_code, "adj": "none", "items": items, "page": page, "page_size": page_size, "total": total}
