"""Time TA-Lib (Python wrapper over the C library) per indicator on 5,000 series x 2,500 bars.

Run: scripts/bench.sh technical   (makes a venv with PyPI ta-lib and numpy, then runs this and
the Swift TechnicalBench on the same shape)
Each indicator is called once per series (5,000 calls); best of 5 repeats is reported, as total
seconds and microseconds per series. The per-call overhead of the Python wrapper is estimated
by the same 5,000 calls on 40-bar series and reported separately.
"""

import sys
import time

import numpy as np
import talib

SERIES, BARS, REPEATS = 5000, 2500, 5
ONLY = set(sys.argv[1:])


def make_series(rng, bars):
    close = 10.0 * np.exp(np.cumsum(rng.normal(0.0, 0.02, bars)))
    spread = np.abs(rng.normal(0.0, 0.01, bars)) * close
    high = close + spread
    low = close - np.abs(rng.normal(0.0, 0.01, bars)) * close
    volume = rng.integers(10_000, 1_000_000, bars).astype(np.float64)
    return high, low, close, volume


INDICATORS = {
    "sma20": lambda h, l, c, v: talib.SMA(c, 20),
    "ema20": lambda h, l, c, v: talib.EMA(c, 20),
    "wma20": lambda h, l, c, v: talib.WMA(c, 20),
    "rsi14": lambda h, l, c, v: talib.RSI(c, 14),
    "roc10": lambda h, l, c, v: talib.ROC(c, 10),
    "mom10": lambda h, l, c, v: talib.MOM(c, 10),
    "atr14": lambda h, l, c, v: talib.ATR(h, l, c, 14),
    "natr14": lambda h, l, c, v: talib.NATR(h, l, c, 14),
    "willr14": lambda h, l, c, v: talib.WILLR(h, l, c, 14),
    "cci14": lambda h, l, c, v: talib.CCI(h, l, c, 14),
    "mfi14": lambda h, l, c, v: talib.MFI(h, l, c, v, 14),
    "obv": lambda h, l, c, v: talib.OBV(c, v),
    "macd": lambda h, l, c, v: talib.MACD(c, 12, 26, 9),
    "bbands20": lambda h, l, c, v: talib.BBANDS(c, 20, 2, 2, 0),
    "stoch933": lambda h, l, c, v: talib.STOCH(h, l, c, 9, 3, 0, 3, 0),
}


def bench(data):
    results = {}
    for name, fn in INDICATORS.items():
        if ONLY and name not in ONLY:
            continue
        best = float("inf")
        for _ in range(REPEATS):
            start = time.perf_counter()
            for h, l, c, v in data:
                fn(h, l, c, v)
            best = min(best, time.perf_counter() - start)
        results[name] = best
    return results


def main():
    rng = np.random.default_rng(20240601)
    data = [make_series(rng, BARS) for _ in range(SERIES)]
    tiny = [make_series(rng, 40) for _ in range(SERIES)]
    full = bench(data)
    overhead = bench(tiny)
    print(f"TA-Lib {talib.__ta_version__} via ta-lib {talib.__version__}: {SERIES} series x {BARS} bars, best of {REPEATS}")
    print(f"{'indicator':<10} {'total s':>9} {'us/series':>10} {'40-bar us/call':>15}")
    for name in full:
        print(f"{name:<10} {full[name]:9.3f} {full[name] / SERIES * 1e6:10.1f} {overhead[name] / SERIES * 1e6:15.2f}")


if __name__ == "__main__":
    main()
