// StockSchool dashboard: fetches the JSON API and draws tables and SVG charts.
// No framework, no CDN: everything here is served by `stockschool serve` itself.
// Text from the API is only ever set with textContent or SVG text nodes, never as HTML.
(function () {
  "use strict";

  const T = JSON.parse(document.getElementById("i18n").textContent);
  const page = document.body.dataset.page;
  const SVG = "http://www.w3.org/2000/svg";
  const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"];

  // ---- API --------------------------------------------------------------------------------

  function apiKey() {
    try { return localStorage.getItem("stockschool.apiKey") || ""; } catch (e) { return ""; }
  }

  class APIFailure extends Error {
    constructor(status, message) { super(message); this.status = status; }
  }

  async function api(path, options) {
    const headers = {};
    const key = apiKey();
    if (key) headers["Authorization"] = "Bearer " + key;
    const init = { headers: headers, method: "GET" };
    if (options && options.body !== undefined) {
      init.method = "POST";
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new APIFailure(0, T.serverUnreachable);
    }
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok && !(options && options.accept && options.accept.includes(response.status))) {
      const message = body && body.error && body.error.message ? body.error.message : response.status + " " + response.statusText;
      throw new APIFailure(response.status, message);
    }
    return body;
  }

  // ---- DOM helpers ------------------------------------------------------------------------

  function el(tag, attributes, children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, String(value));
    }
    for (const child of [].concat(children || [])) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function byId(id) { return document.getElementById(id); }

  /** Replaces a part of the page with a clear message instead of a chart or table. */
  function showError(container, error) {
    if (!container) return;
    const status = error && error.status ? " (" + error.status + ")" : "";
    container.replaceChildren(
      el("div", { class: "error", role: "alert", "data-error": "true" }, [
        el("strong", { text: T.unavailable + status }), " ", error && error.message ? error.message : String(error),
      ]));
  }

  function showEmpty(container, message) {
    container.replaceChildren(el("p", { class: "muted empty", text: message }));
  }

  /** Runs `load` for one part of the page; a failure shows in that part only. */
  async function part(container, load) {
    if (!container) return;
    try {
      await load(container);
    } catch (e) {
      showError(container, e);
    }
  }

  // ---- Formatting -------------------------------------------------------------------------

  function isNumber(v) { return typeof v === "number" && isFinite(v); }
  function num(v, digits) { return isNumber(v) ? v.toFixed(digits === undefined ? 2 : digits) : "–"; }
  function pct(v, digits) { return isNumber(v) ? (v * 100).toFixed(digits === undefined ? 2 : digits) + "%" : "–"; }
  function big(v) {
    if (!isNumber(v)) return "–";
    if (Math.abs(v) >= 1e8) return (v / 1e8).toFixed(2) + T.unitYi;
    if (Math.abs(v) >= 1e4) return (v / 1e4).toFixed(2) + T.unitWan;
    return v.toFixed(2);
  }
  function bytes(v) {
    if (!isNumber(v)) return "–";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return v.toFixed(i === 0 ? 0 : 1) + " " + units[i];
  }
  function dateText(d) { return d && d.length === 8 ? d.slice(0, 4) + "-" + d.slice(4, 6) + "-" + d.slice(6) : (d || "–"); }
  function cell(text, value, cls) {
    return el("td", { "data-value": isNumber(value) ? value : null, class: cls || "num", text: text });
  }
  function badge(status) {
    return el("span", { class: "badge " + status, "data-status": status, text: T["status_" + status] || status });
  }

  // ---- Charts -----------------------------------------------------------------------------

  const margin = { top: 12, right: 56, bottom: 26, left: 10 };

  function niceTicks(min, max, count) {
    if (!(max > min)) { max = min + 1; }
    const span = max - min;
    const step0 = Math.pow(10, Math.floor(Math.log10(span / count)));
    const err = (count * step0) / span;
    const step = step0 * (err <= 0.15 ? 10 : err <= 0.35 ? 5 : err <= 0.75 ? 2 : 1);
    const ticks = [];
    for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
    return ticks;
  }

  function extent(values) {
    let lo = Infinity, hi = -Infinity;
    for (const v of values) if (isNumber(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (lo === Infinity) return null;
    if (lo === hi) { lo -= Math.abs(lo) * 0.05 || 1; hi += Math.abs(hi) * 0.05 || 1; }
    const pad = (hi - lo) * 0.05;
    return [lo - pad, hi + pad];
  }

  function frame(container, height, kind) {
    const width = Math.max(320, Math.floor(container.clientWidth || 720));
    const root = svg("svg", { class: "chart " + kind, "data-chart": kind, viewBox: "0 0 " + width + " " + height, width: width, height: height, role: "img" });
    return { root: root, width: width, height: height };
  }

  function yAxis(root, scale, ticks, x, width, format) {
    const g = svg("g", { class: "axis y" });
    for (const t of ticks) {
      const y = scale(t);
      g.append(svg("line", { x1: margin.left, x2: x, y1: y, y2: y, class: "grid" }));
      g.append(svg("text", { x: x + 4, y: y + 4, class: "tick" }, format(t)));
    }
    root.append(g);
  }

  function xAxis(root, dates, xs, y, maxLabels) {
    const g = svg("g", { class: "axis x" });
    const n = dates.length;
    const every = Math.max(1, Math.ceil(n / (maxLabels || 6)));
    for (let i = 0; i < n; i += every) {
      g.append(svg("text", { x: xs(i), y: y + 16, class: "tick", "text-anchor": i === 0 ? "start" : "middle" }, dateText(dates[i])));
    }
    root.append(g);
  }

  function legend(container, series) {
    const box = el("div", { class: "legend" });
    series.forEach((s, i) => {
      box.append(el("span", { class: "key" }, [
        el("i", { style: "background:" + (s.color || COLORS[i % COLORS.length]) + (s.dash ? ";opacity:.6" : "") }), s.name,
      ]));
    });
    container.append(box);
  }

  /**
   * Lines over dates: {dates, series: [{name, values, color, dash}], format, height, zero}.
   */
  function lineChart(container, options) {
    const f = frame(container, options.height || 260, options.kind || "line");
    const all = [].concat(...options.series.map((s) => s.values));
    if (options.zero) all.push(0);
    const range = extent(all);
    container.replaceChildren();
    if (!range || options.dates.length === 0) { showEmpty(container, T.noData); return; }
    const plotRight = f.width - margin.right;
    const n = options.dates.length;
    const xs = (i) => margin.left + (n === 1 ? 0 : (i * (plotRight - margin.left)) / (n - 1));
    const ys = (v) => margin.top + ((range[1] - v) * (f.height - margin.top - margin.bottom)) / (range[1] - range[0]);
    const format = options.format || ((v) => num(v));
    yAxis(f.root, ys, niceTicks(range[0], range[1], 5), plotRight, f.width, format);
    xAxis(f.root, options.dates, xs, f.height - margin.bottom);
    if (options.zero && range[0] < 0 && range[1] > 0) {
      f.root.append(svg("line", { x1: margin.left, x2: plotRight, y1: ys(0), y2: ys(0), class: "zero" }));
    }
    options.series.forEach((s, k) => {
      let d = "";
      let pen = false;
      s.values.forEach((v, i) => {
        if (!isNumber(v)) { pen = false; return; }
        d += (pen ? "L" : "M") + xs(i).toFixed(1) + " " + ys(v).toFixed(1);
        pen = true;
      });
      f.root.append(svg("path", {
        d: d, class: "series", "data-series": s.name, fill: "none", stroke: s.color || COLORS[k % COLORS.length],
        "stroke-width": s.width || 1.5, "stroke-dasharray": s.dash ? "4 3" : null,
      }));
    });
    if (options.fillBelowZero) {
      const s = options.series[0];
      let d = "M" + xs(0).toFixed(1) + " " + ys(0).toFixed(1);
      s.values.forEach((v, i) => { if (isNumber(v)) d += "L" + xs(i).toFixed(1) + " " + ys(v).toFixed(1); });
      d += "L" + xs(n - 1).toFixed(1) + " " + ys(0).toFixed(1) + "Z";
      f.root.append(svg("path", { d: d, class: "area", fill: "rgba(220,38,38,.18)", stroke: "none" }));
    }
    hover(f, options.dates, xs, options.series, format);
    container.append(f.root);
    legend(container, options.series);
  }

  /** A vertical rule and a readout that follow the pointer. */
  function hover(f, dates, xs, series, format) {
    const rule = svg("line", { class: "hover", y1: margin.top, y2: f.height - margin.bottom, visibility: "hidden" });
    const label = svg("text", { class: "readout", x: margin.left + 4, y: margin.top + 10 });
    f.root.append(rule, label);
    f.root.addEventListener("mousemove", (event) => {
      const box = f.root.getBoundingClientRect();
      const x = ((event.clientX - box.left) * f.width) / box.width;
      const n = dates.length;
      const i = Math.max(0, Math.min(n - 1, Math.round(((x - margin.left) / (xs(n - 1) - margin.left || 1)) * (n - 1))));
      rule.setAttribute("x1", xs(i)); rule.setAttribute("x2", xs(i)); rule.setAttribute("visibility", "visible");
      label.textContent = dateText(dates[i]) + "  " + series.map((s) => s.name + " " + format(s.values[i])).join("  ");
    });
    f.root.addEventListener("mouseleave", () => { rule.setAttribute("visibility", "hidden"); label.textContent = ""; });
  }

  /** Bars with labels: {labels, values, format, height, color}. */
  function barChart(container, options) {
    const f = frame(container, options.height || 220, options.kind || "bars");
    container.replaceChildren();
    const range = extent(options.values.concat([0]));
    if (!range || options.values.every((v) => !isNumber(v))) { showEmpty(container, T.noData); return; }
    const plotRight = f.width - margin.right;
    const n = options.values.length;
    const band = (plotRight - margin.left) / n;
    const ys = (v) => margin.top + ((range[1] - v) * (f.height - margin.top - margin.bottom)) / (range[1] - range[0]);
    const format = options.format || ((v) => num(v));
    yAxis(f.root, ys, niceTicks(range[0], range[1], 4), plotRight, f.width, format);
    options.values.forEach((v, i) => {
      const x = margin.left + i * band + band * 0.15;
      if (isNumber(v)) {
        const y0 = ys(0), y1 = ys(v);
        f.root.append(svg("rect", {
          x: x.toFixed(1), width: (band * 0.7).toFixed(1), y: Math.min(y0, y1).toFixed(1), height: Math.max(1, Math.abs(y1 - y0)).toFixed(1),
          class: "bar", "data-value": v, "data-label": options.labels[i],
          fill: options.color || (v >= 0 ? "#dc2626" : "#16a34a"),
        }));
        f.root.append(svg("text", { x: x + band * 0.35, y: (v >= 0 ? ys(v) - 4 : ys(v) + 12), "text-anchor": "middle", class: "value" }, format(v)));
      }
      f.root.append(svg("text", { x: x + band * 0.35, y: f.height - margin.bottom + 16, "text-anchor": "middle", class: "tick" }, options.labels[i]));
    });
    f.root.append(svg("line", { x1: margin.left, x2: plotRight, y1: ys(0), y2: ys(0), class: "zero" }));
    container.append(f.root);
  }

  /** Candles (red up, green down, as A-share charts draw them), moving averages and volume. */
  function candleChart(container, bars, averages) {
    const f = frame(container, 420, "candles");
    container.replaceChildren();
    const n = bars.length;
    if (n === 0) { showEmpty(container, T.noData); return; }
    const priceHeight = 300, volumeTop = priceHeight + 26, volumeHeight = f.height - volumeTop - margin.bottom;
    const lows = bars.map((b) => b.low), highs = bars.map((b) => b.high);
    const range = extent(lows.concat(highs));
    if (!range) { showEmpty(container, T.noData); return; }
    const plotRight = f.width - margin.right;
    const band = (plotRight - margin.left) / n;
    const xs = (i) => margin.left + band * (i + 0.5);
    const ys = (v) => margin.top + ((range[1] - v) * (priceHeight - margin.top)) / (range[1] - range[0]);
    yAxis(f.root, ys, niceTicks(range[0], range[1], 6), plotRight, f.width, (v) => num(v));
    const candles = svg("g", { class: "candles" });
    bars.forEach((b, i) => {
      if (![b.open, b.high, b.low, b.close].every(isNumber)) return;
      const up = b.close >= b.open;
      const color = up ? "#dc2626" : "#16a34a";
      const x = xs(i);
      candles.append(svg("line", { x1: x, x2: x, y1: ys(b.high), y2: ys(b.low), stroke: color, class: "wick" }));
      const top = ys(Math.max(b.open, b.close)), bottom = ys(Math.min(b.open, b.close));
      candles.append(svg("rect", {
        x: (x - band * 0.35).toFixed(2), width: Math.max(0.6, band * 0.7).toFixed(2), y: top.toFixed(2), height: Math.max(0.8, bottom - top).toFixed(2),
        fill: up ? "#fff" : color, stroke: color, class: "candle", "data-date": b.trade_date, "data-close": b.close,
      }));
    });
    f.root.append(candles);
    averages.forEach((window, k) => {
      let d = "", sum = 0;
      bars.forEach((b, i) => {
        sum += b.close;
        if (i >= window) sum -= bars[i - window].close;
        if (i >= window - 1) d += (d ? "L" : "M") + xs(i).toFixed(1) + " " + ys(sum / window).toFixed(1);
      });
      f.root.append(svg("path", { d: d, fill: "none", stroke: COLORS[(k + 3) % COLORS.length], "stroke-width": 1.2, class: "ma", "data-window": window }));
    });
    const maxVolume = Math.max(...bars.map((b) => (isNumber(b.vol) ? b.vol : 0)), 1);
    const volumes = svg("g", { class: "volume" });
    bars.forEach((b, i) => {
      if (!isNumber(b.vol)) return;
      const h = (b.vol / maxVolume) * volumeHeight;
      volumes.append(svg("rect", {
        x: (xs(i) - band * 0.35).toFixed(2), width: Math.max(0.6, band * 0.7).toFixed(2), y: (volumeTop + volumeHeight - h).toFixed(2), height: h.toFixed(2),
        fill: b.close >= b.open ? "#fca5a5" : "#86efac", class: "vol",
      }));
    });
    f.root.append(volumes);
    f.root.append(svg("text", { x: plotRight + 4, y: volumeTop + 10, class: "tick" }, T.volume));
    xAxis(f.root, bars.map((b) => b.trade_date), xs, f.height - margin.bottom);
    const readout = svg("text", { class: "readout", x: margin.left + 4, y: margin.top + 10 });
    f.root.append(readout);
    f.root.addEventListener("mousemove", (event) => {
      const box = f.root.getBoundingClientRect();
      const x = ((event.clientX - box.left) * f.width) / box.width;
      const i = Math.max(0, Math.min(n - 1, Math.floor((x - margin.left) / band)));
      const b = bars[i];
      readout.textContent = dateText(b.trade_date) + "  " + T.open + " " + num(b.open) + "  " + T.high + " " + num(b.high) +
        "  " + T.low + " " + num(b.low) + "  " + T.close + " " + num(b.close) + "  " + num(b.pct_chg) + "%";
    });
    container.append(f.root);
    legend(container, averages.map((w, k) => ({ name: "MA" + w, color: COLORS[(k + 3) % COLORS.length] })));
  }

  /** Rolling mean over `window` values, skipping gaps (NaN until enough values are known). */
  function rollingMean(values, window) {
    const out = [];
    const recent = [];
    for (const v of values) {
      if (isNumber(v)) recent.push(v);
      if (recent.length > window) recent.shift();
      out.push(recent.length === window ? recent.reduce((a, b) => a + b, 0) / window : null);
    }
    return out;
  }

  // ---- Tables -----------------------------------------------------------------------------

  /** Makes a table's headers sort its rows (numbers by `data-value`, text by content). */
  function sortable(table) {
    table.querySelectorAll("th[data-key]").forEach((th, column) => {
      th.tabIndex = 0;
      const sort = () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th").forEach((other) => other.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const key = (row) => {
          const c = row.cells[column];
          const v = c && c.dataset.value;
          return v !== undefined ? Number(v) : (c ? c.textContent : "");
        };
        rows.sort((a, b) => {
          const x = key(a), y = key(b);
          const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
        body.append(...rows);
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
    });
  }

  function table(headers, rows, attributes) {
    const head = el("thead", {}, el("tr", {}, headers.map((h) => el("th", { "data-key": h.key, class: h.num ? "num" : null, text: h.label }))));
    const body = el("tbody", {}, rows);
    return el("table", attributes || {}, [head, body]);
  }

  // ---- Pages ------------------------------------------------------------------------------

  async function overview() {
    const stamp = byId("updated");
    const load = async () => {
      await Promise.all([
        part(byId("health-body"), async (box) => {
          // A 503 (the database is down) still carries the checks: show them.
          const health = await api("/api/health", { accept: [503] });
          const rows = Object.entries(health.checks || {}).map(([name, check]) =>
            el("tr", { "data-check": name }, [
              el("td", { text: T["check_" + name] || name }), el("td", {}, badge(check.status)),
              cell(isNumber(check.latency_ms) ? num(check.latency_ms, 1) + " ms" : "–", check.latency_ms),
              el("td", { class: "message", text: check.message || "" }),
            ]));
          box.replaceChildren(
            el("p", { class: "overall" }, [T.overall, " ", badge(health.status)]),
            table([{ label: T.dependency }, { label: T.status }, { label: T.latency, num: true }, { label: T.message }], rows, { class: "compact" }));
        }),
        part(byId("sync-body"), async (box) => {
          const status = await api("/monitoring/sync/status");
          const rows = (status.datasets || []).map((d) => el("tr", { "data-dataset": d.dataset }, [
            el("td", { text: d.dataset }), el("td", { "data-field": "last_complete", text: dateText(d.last_complete) }),
            cell(isNumber(d.lag_trading_days) ? String(d.lag_trading_days) : "–", d.lag_trading_days),
            cell(isNumber(d.lag_hours) ? num(d.lag_hours, 1) : "–", d.lag_hours),
            cell(isNumber(d.quality) ? num(d.quality, 1) : "–", d.quality),
          ]));
          const run = status.last_run;
          box.replaceChildren(
            table([{ label: T.dataset }, { label: T.lastDate }, { label: T.lagDays, num: true }, { label: T.lagHours, num: true }, { label: T.quality, num: true }], rows, { class: "compact", id: "sync-table" }),
            el("p", { class: "muted" }, run
              ? [T.lastRun, " #" + run.id + " · " + run.source + " · ", badge(run.status), " · " + (run.finished_at || run.started_at || "")]
              : [T.noRunYet]));
        }),
        part(byId("alerts-body"), async (box) => {
          const alerts = await api("/monitoring/alerts");
          if (!alerts.items.length) { showEmpty(box, T.noAlerts); return; }
          box.replaceChildren(el("ul", { class: "alerts" }, alerts.items.map((a) =>
            el("li", { class: "alert " + a.level, "data-alert": a.alertname }, [
              badge(a.level), " ", el("strong", { text: a.alertname }), " ", a.summary,
              el("span", { class: "muted", text: " · " + a.starts_at + (a.silenced ? " · " + T.silenced : "") }),
            ]))));
        }),
        part(byId("backup-body"), async (box) => {
          const backups = await api("/monitoring/backups?limit=3");
          const newest = backups.items[0];
          box.replaceChildren(
            el("p", {}, [badge(backups.status), " ", backups.message]),
            newest ? table([{ label: T.backupID }, { label: T.kind }, { label: T.size, num: true }],
              backups.items.map((b) => el("tr", {}, [el("td", { text: b.id }), el("td", { text: b.kind + (b.tag ? " · " + b.tag : "") }), cell(bytes(b.bytes), b.bytes)])), { class: "compact" })
              : el("p", { class: "muted", text: T.noBackup }));
        }),
        part(byId("requests-body"), async (box) => {
          const r = await api("/monitoring/requests");
          box.replaceChildren(el("dl", { class: "figures" }, [
            el("dt", { text: T.requestRate }), el("dd", { "data-field": "rate", "data-value": r.rate_per_second, text: num(r.rate_per_second, 2) + " /s" }),
            el("dt", { text: T.p95 }), el("dd", { "data-field": "p95", "data-value": r.p95_seconds, text: isNumber(r.p95_seconds) ? num(r.p95_seconds * 1000, 1) + " ms" : "–" }),
            el("dt", { text: T.inFlight }), el("dd", { text: String(r.in_flight) }),
          ]), el("p", { class: "muted", text: T.lastMinute }));
        }),
      ]);
      if (stamp) stamp.textContent = T.updatedAt + " " + new Date().toLocaleTimeString();
      document.body.dataset.ready = "true";
    };
    await load();
    const auto = byId("auto-refresh");
    setInterval(() => { if (!auto || auto.checked) load(); }, 15000);
  }

  async function market() {
    const header = document.querySelector("[data-ts-code]");
    setupSearch();
    if (!header) { document.body.dataset.ready = "true"; return; }
    const code = header.dataset.tsCode;
    const controls = byId("kline-controls");
    const chart = byId("kline-chart");
    const state = { adj: "qfq", days: 365 };
    let lastBar = null;
    const drawBars = async () => {
      await part(chart, async (box) => {
        const end = lastBar || "";
        let query = "adj=" + state.adj + "&page_size=1000";
        if (state.start && state.end) {
          query += "&start_date=" + state.start + "&end_date=" + state.end;
        } else if (end) {
          const d = new Date(Date.UTC(+end.slice(0, 4), +end.slice(4, 6) - 1, +end.slice(6, 8)) - state.days * 86400000);
          query += "&start_date=" + d.toISOString().slice(0, 10).replace(/-/g, "") + "&end_date=" + end;
        }
        let bars = [];
        let pageNumber = 1;
        for (;;) {
          const answer = await api("/api/v1/stocks/" + encodeURIComponent(code) + "/daily?" + query + "&page=" + pageNumber);
          bars = bars.concat(answer.items);
          if (bars.length >= answer.total || answer.items.length === 0) break;
          pageNumber++;
        }
        if (!lastBar && bars.length) lastBar = bars[bars.length - 1].trade_date;
        candleChart(box, bars, [5, 20, 60]);
        const last = bars[bars.length - 1];
        if (last) {
          box.append(el("p", { class: "muted" }, [
            T.latestClose + " ", el("span", { id: "latest-close", "data-value": last.close, "data-date": last.trade_date, text: num(last.close) }),
            " (" + dateText(last.trade_date) + ", " + T["adj_" + state.adj] + ")",
          ]));
        }
      });
    };
    if (controls) {
      controls.querySelectorAll("input[name=adj]").forEach((input) => input.addEventListener("change", () => { state.adj = input.value; drawBars(); }));
      controls.querySelectorAll("button[data-days]").forEach((button) => button.addEventListener("click", (e) => {
        e.preventDefault();
        state.days = Number(button.dataset.days); state.start = state.end = null; drawBars();
      }));
      const form = byId("kline-range");
      if (form) form.addEventListener("submit", (e) => {
        e.preventDefault();
        const start = form.elements.start.value.replace(/-/g, ""), end = form.elements.end.value.replace(/-/g, "");
        if (start && end) { state.start = start; state.end = end; drawBars(); }
      });
    }
    await Promise.all([
      drawBars(),
      part(byId("basic-body"), async (box) => {
        const answer = await api("/api/v1/stocks/" + encodeURIComponent(code) + "/daily_basic?order=desc&page_size=1");
        const row = answer.items[0];
        if (!row) { showEmpty(box, T.noData); return; }
        const fields = [
          ["trade_date", T.tradeDate, dateText(row.trade_date)], ["close", T.close, num(row.close)],
          ["turnover_rate", T.turnover, pct(row.turnover_rate / 100)], ["pe_ttm", "PE (TTM)", num(row.pe_ttm)],
          ["pb", "PB", num(row.pb)], ["ps_ttm", "PS (TTM)", num(row.ps_ttm)], ["dv_ttm", T.dividendYield, pct(row.dv_ttm / 100)],
          ["total_mv", T.totalMV, big(row.total_mv * 1e4)], ["circ_mv", T.circMV, big(row.circ_mv * 1e4)],
        ];
        box.replaceChildren(el("dl", { class: "figures" }, [].concat(...fields.map(([key, label, text]) => [
          el("dt", { text: label }), el("dd", { "data-field": key, "data-value": isNumber(row[key]) ? row[key] : null, text: text }),
        ]))));
      }),
      part(byId("score-chart"), async (box) => {
        const answer = await api("/api/v1/stocks/" + encodeURIComponent(code) + "/scores?page_size=1000&start_date=19900101");
        const items = answer.items;
        if (!items.length) { showEmpty(box, T.noScores); return; }
        lineChart(box, { dates: items.map((s) => s.trade_date), series: [{ name: T.score, values: items.map((s) => s.score) }], kind: "scores", height: 200 });
        const last = items[items.length - 1];
        box.append(el("p", { class: "muted" }, [T.latestScore + " ", el("span", { id: "latest-score", "data-value": last.score, text: num(last.score, 1) }), " · " + T.rank + " " + last.rank]));
      }),
    ]);
    document.body.dataset.ready = "true";
  }

  function setupSearch() {
    const input = byId("stock-q");
    const list = byId("suggestions");
    if (!input || !list) return;
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const q = input.value.trim();
        if (!q) { list.replaceChildren(); return; }
        try {
          const answer = await api("/api/v1/stocks?page_size=10&q=" + encodeURIComponent(q));
          list.replaceChildren(...answer.items.map((s) => el("li", {}, el("a", { href: "/market?ts_code=" + encodeURIComponent(s.ts_code) }, [
            el("span", { class: "code", text: s.ts_code }), " ", s.name, " ", el("span", { class: "muted", text: s.industry || "" }),
          ]))));
          if (!answer.items.length) list.replaceChildren(el("li", { class: "muted", text: T.noMatch }));
        } catch (e) {
          showError(list, e);
        }
      }, 150);
    });
  }

  async function factors() {
    const form = byId("factor-form");
    if (!form) { document.body.dataset.ready = "true"; return; }
    const name = form.elements.name.value;
    const horizon = Number(form.elements.horizon.value);
    const quantiles = Number(form.elements.quantiles.value);
    const parts = ["ic-chart", "summary-body", "quantile-chart", "cumulative-chart", "decay-chart", "turnover-body"].map(byId);
    try {
      const answer = await api("/api/v1/factors/" + encodeURIComponent(name) + "/evaluation?quantiles=" + quantiles +
        "&horizons=" + encodeURIComponent(Array.from(new Set([1, 5, 10, 20, horizon])).sort((a, b) => a - b).join(",")));
      const evaluation = answer.factors[0];
      const h = evaluation.horizons.find((x) => x.horizon === horizon) || evaluation.horizons[0];
      const dates = evaluation.trade_dates;
      byId("evaluation-range").textContent = dateText(answer.start_date) + " – " + dateText(answer.end_date) + " · " +
        answer.stocks + " " + T.stocks + " · " + T.coverage + " " + pct(evaluation.coverage, 1);
      lineChart(parts[0], {
        dates: dates, zero: true, kind: "ic", format: (v) => num(v, 3),
        series: [
          { name: "IC", values: h.series.ic, color: "#93c5fd", width: 1 },
          { name: "RankIC", values: h.series.rank_ic, color: "#fca5a5", width: 1 },
          { name: T.rollingMean + " (RankIC, 20)", values: rollingMean(h.series.rank_ic, 20), color: "#dc2626", width: 2 },
        ],
      });
      summaryTable(parts[1], evaluation);
      barChart(parts[2], { labels: h.quantile_returns.map((_, i) => "Q" + (i + 1)), values: h.quantile_returns, format: (v) => pct(v, 3), kind: "quantiles" });
      lineChart(parts[3], {
        dates: dates, kind: "cumulative", format: (v) => num(v, 3),
        series: h.series.cumulative_quantile_returns.map((curve, i) => ({ name: "Q" + (i + 1), values: curve })),
      });
      barChart(parts[4], {
        labels: evaluation.horizons.map((x) => x.horizon + T.daysShort), values: evaluation.horizons.map((x) => x.rank_ic.mean),
        format: (v) => num(v, 4), kind: "decay", color: "#2563eb",
      });
      parts[5].replaceChildren(table(
        [{ label: T.quantile }, { label: T.turnover, num: true }],
        h.turnover.map((t, i) => el("tr", {}, [el("td", { text: "Q" + (i + 1) }), cell(pct(t, 1), t)])), { class: "compact" }),
        el("p", { class: "muted" }, [T.rankAutocorrelation + " ", el("span", { "data-value": h.rank_autocorrelation, text: num(h.rank_autocorrelation, 3) })]));
    } catch (e) {
      parts.forEach((p) => showError(p, e));
    }
    setupExpression();
    document.body.dataset.ready = "true";
  }

  function summaryTable(container, evaluation) {
    const rows = evaluation.horizons.map((h) => el("tr", { "data-horizon": h.horizon }, [
      el("td", { text: h.horizon + T.daysShort }),
      cell(num(h.ic.mean, 4), h.ic.mean), cell(num(h.rank_ic.mean, 4), h.rank_ic.mean), cell(num(h.rank_ic.ir, 3), h.rank_ic.ir),
      cell(num(h.rank_ic.t_stat, 2), h.rank_ic.t_stat), cell(num(h.rank_ic.p_value, 4), h.rank_ic.p_value),
      cell(pct(h.rank_ic.positive_share, 1), h.rank_ic.positive_share), cell(pct(h.spread.mean, 3), h.spread.mean),
    ]));
    container.replaceChildren(table([
      { label: T.horizon }, { label: T.icMean, num: true }, { label: T.rankICMean, num: true }, { label: "IR", num: true },
      { label: "t", num: true }, { label: "p", num: true }, { label: T.positiveShare, num: true }, { label: T.spread, num: true },
    ], rows, { class: "compact", id: "summary-table" }));
  }

  function setupExpression() {
    const form = byId("expression-form");
    if (!form) return;
    const result = byId("expression-result");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      result.replaceChildren(el("p", { class: "muted", text: T.evaluating }));
      await part(result, async (box) => {
        const answer = await api("/api/v1/factors/evaluate", {
          body: { expression: form.elements.expression.value, horizons: [1, 5, 10, 20], quantiles: Number(form.elements.quantiles.value) || 5 },
        });
        const evaluation = answer.factors[0];
        const summary = el("div");
        const bars = el("div", { class: "chart-box" });
        box.replaceChildren(el("p", { class: "muted", text: dateText(answer.start_date) + " – " + dateText(answer.end_date) + " · " + num(answer.seconds, 2) + " s" }), summary, bars);
        summaryTable(summary, evaluation);
        const h = evaluation.horizons.find((x) => x.horizon === 5) || evaluation.horizons[0];
        barChart(bars, { labels: h.quantile_returns.map((_, i) => "Q" + (i + 1)), values: h.quantile_returns, format: (v) => pct(v, 3), kind: "quantiles" });
      });
    });
  }

  async function rankings() {
    const form = byId("ranking-filter");
    const body = byId("ranking-body");
    const load = async () => {
      const params = new URLSearchParams();
      for (const name of ["industry", "board", "top"]) if (form.elements[name].value) params.set(name, form.elements[name].value);
      history.replaceState(null, "", "/rankings?" + params.toString());
      await part(body, async (box) => {
        const answer = await api("/api/v1/scores?" + params.toString());
        byId("ranking-date").textContent = T.tradeDate + " " + dateText(answer.trade_date) + " · " + answer.total + " " + T.stocks + " · " + T.model + " " + answer.score_name;
        if (!answer.items.length) { showEmpty(box, T.noData); return; }
        const rows = answer.items.map((r) => el("tr", { "data-ts-code": r.ts_code }, [
          cell(String(r.rank), r.rank),
          el("td", {}, el("a", { href: "/market?ts_code=" + encodeURIComponent(r.ts_code), class: "code", text: r.ts_code })),
          el("td", { class: "name", text: r.name || "" }), el("td", { text: r.industry || "" }),
          el("td", { text: T["board_" + r.board] || r.board || "" }),
          cell(r.industry_rank === null ? "–" : String(r.industry_rank), r.industry_rank),
          cell(num(r.score, 2), r.score, "num score"), cell(num(r.composite, 3), r.composite),
        ]));
        const t = table([
          { key: "rank", label: T.rank, num: true }, { key: "ts_code", label: T.code }, { key: "name", label: T.name },
          { key: "industry", label: T.industry }, { key: "board", label: T.board }, { key: "industry_rank", label: T.industryRank, num: true },
          { key: "score", label: T.score, num: true }, { key: "composite", label: T.composite, num: true },
        ], rows, { id: "ranking-table", class: "sortable" });
        box.replaceChildren(t);
        sortable(t);
      });
      document.body.dataset.ready = "true";
    };
    form.addEventListener("change", load);
    form.addEventListener("submit", (e) => { e.preventDefault(); load(); });
    await load();
  }

  async function backtests() {
    const detail = byId("backtest-detail");
    await Promise.all([
      part(byId("backtest-list"), async (box) => {
        const answer = await api("/api/v1/backtests?page_size=50");
        if (!answer.items.length) { showEmpty(box, T.noBacktests); return; }
        const rows = answer.items.map((r) => el("tr", { "data-id": r.id }, [
          cell(String(r.id), r.id), el("td", {}, el("a", { href: "/backtests/" + r.id, text: r.name })), el("td", {}, badge(r.status)),
          el("td", { text: dateText(r.start_date) + " – " + dateText(r.end_date) }),
          cell(pct(r.metrics && r.metrics.annualReturn), r.metrics && r.metrics.annualReturn),
          cell(num(r.metrics && r.metrics.sharpe), r.metrics && r.metrics.sharpe),
          cell(pct(r.metrics && r.metrics.maxDrawdown && r.metrics.maxDrawdown.depth), r.metrics && r.metrics.maxDrawdown && r.metrics.maxDrawdown.depth),
          el("td", { class: "muted", text: r.created_at || "" }),
        ]));
        const t = table([{ key: "id", label: "#", num: true }, { key: "name", label: T.name }, { key: "status", label: T.status }, { key: "range", label: T.range },
          { key: "annual", label: T.annualReturn, num: true }, { key: "sharpe", label: "Sharpe", num: true }, { key: "mdd", label: T.maxDrawdown, num: true }, { key: "created", label: T.created }], rows, { id: "backtest-table", class: "sortable" });
        box.replaceChildren(t);
        sortable(t);
      }),
      detail ? backtestDetail(detail.dataset.id) : null,
    ]);
    setupBacktestForm();
    document.body.dataset.ready = "true";
  }

  async function backtestDetail(id) {
    const charts = ["nav-chart", "drawdown-chart", "metrics-body", "trades-body"].map(byId);
    let run;
    try {
      run = await api("/api/v1/backtests/" + encodeURIComponent(id));
    } catch (e) {
      charts.forEach((c) => showError(c, e));
      return;
    }
    byId("backtest-title").textContent = "#" + run.id + " " + run.name + " · " + dateText(run.start_date) + " – " + dateText(run.end_date);
    if (run.status !== "succeeded") {
      charts.forEach((c) => showEmpty(c, (T["status_" + run.status] || run.status) + (run.message ? ": " + run.message : "")));
      if (run.status === "running") setTimeout(() => backtestDetail(id), 2000);
      return;
    }
    const nav = run.nav || [];
    const dates = nav.map((p) => p.trade_date);
    const hasBenchmark = nav.some((p) => isNumber(p.benchmark));
    const series = [{ name: T.strategy, values: nav.map((p) => p.nav), color: "#dc2626", width: 2 }];
    if (hasBenchmark) {
      const first = nav.find((p) => isNumber(p.benchmark)).benchmark;
      series.push({ name: T.benchmark + " " + ((run.parameters && run.parameters.benchmark) || "000300.SH"), values: nav.map((p) => (isNumber(p.benchmark) ? p.benchmark / first : null)), color: "#2563eb" });
    }
    lineChart(charts[0], { dates: dates, series: series, kind: "nav", format: (v) => num(v, 3) });
    let peak = -Infinity;
    const drawdown = nav.map((p) => { peak = Math.max(peak, p.nav); return p.nav / peak - 1; });
    lineChart(charts[1], { dates: dates, series: [{ name: T.drawdown, values: drawdown, color: "#dc2626" }], kind: "drawdown", format: (v) => pct(v, 1), fillBelowZero: true, zero: true, height: 180 });
    const m = run.metrics || {};
    const dd = m.maxDrawdown || {};
    const figures = [
      ["totalReturn", T.totalReturn, pct(m.totalReturn)], ["annualReturn", T.annualReturn, pct(m.annualReturn)],
      ["annualVolatility", T.annualVolatility, pct(m.annualVolatility)], ["sharpe", "Sharpe", num(m.sharpe)],
      ["sortino", "Sortino", num(m.sortino)], ["maxDrawdown", T.maxDrawdown, pct(dd.depth) + (dd.peak ? " (" + dateText(dd.peak) + " → " + dateText(dd.trough) + ")" : "")],
      ["calmar", "Calmar", num(m.calmar)], ["winRate", T.winRate, pct(m.winRate, 1)],
      ["benchmarkAnnualReturn", T.benchmarkAnnualReturn, pct(m.benchmarkAnnualReturn)], ["excessAnnualReturn", T.excessAnnualReturn, pct(m.excessAnnualReturn)],
      ["informationRatio", T.informationRatio, num(m.informationRatio)], ["annualTurnover", T.annualTurnover, num(m.annualTurnover)],
    ];
    charts[2].replaceChildren(el("table", { class: "compact", id: "metrics-table" }, el("tbody", {}, figures.map(([key, label, text]) => {
      const value = key === "maxDrawdown" ? dd.depth : m[key];
      return el("tr", { "data-metric": key }, [el("th", { text: label }), cell(text, value)]);
    }))));
    await loadTrades(charts[3], id, "");
  }

  async function loadTrades(box, id, status) {
    await part(box, async () => {
      const answer = await api("/api/v1/backtests/" + encodeURIComponent(id) + "/trades?page_size=500" + (status ? "&status=" + status : ""));
      const filter = el("select", { id: "trade-filter", onchange: (e) => loadTrades(box, id, e.target.value) }, [
        el("option", { value: "", text: T.allOrders }), el("option", { value: "rejected", text: T.rejectedOnly }), el("option", { value: "filled", text: T.filledOnly }),
      ]);
      filter.value = status;
      const rows = answer.items.map((t) => el("tr", { class: t.status, "data-status": t.status }, [
        el("td", { text: dateText(t.trade_date) }), el("td", {}, el("a", { href: "/market?ts_code=" + encodeURIComponent(t.ts_code), text: t.ts_code })),
        el("td", { text: T["side_" + t.side] || t.side }), cell(num(t.shares, 0), t.shares), cell(num(t.price), t.price),
        cell(num(t.amount), t.amount), cell(num(t.commission + t.stamp_duty), t.commission + t.stamp_duty),
        el("td", {}, badge(t.status)), el("td", { class: "reason", text: t.reason ? (T["reason_" + t.reason] || t.reason) : "" }),
      ]));
      box.replaceChildren(
        el("p", { class: "toolbar" }, [filter, " ", el("span", { class: "muted", text: answer.total + " " + T.orders + (answer.total > answer.items.length ? " · " + T.showingFirst + " " + answer.items.length : "") })]),
        table([{ label: T.tradeDate }, { label: T.code }, { label: T.side }, { label: T.shares, num: true }, { label: T.price, num: true },
          { label: T.amount, num: true }, { label: T.costs, num: true }, { label: T.status }, { label: T.reason }], rows, { class: "compact", id: "trades-table" }));
    });
  }

  function setupBacktestForm() {
    const form = byId("backtest-form");
    if (!form) return;
    const result = byId("backtest-form-result");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { score: form.elements.score.value || "default", top: Number(form.elements.top.value) || 50, rebalance: form.elements.rebalance.value };
      if (form.elements.drop.value) body.drop = Number(form.elements.drop.value);
      for (const name of ["start_date", "end_date"]) if (form.elements[name].value) body[name] = form.elements[name].value.replace(/-/g, "");
      result.replaceChildren(el("p", { class: "muted", text: T.starting }));
      await part(result, async (box) => {
        const answer = await api("/api/v1/backtests", { body: body });
        box.replaceChildren(el("p", {}, [T.started + " ", el("a", { href: "/backtests/" + answer.id, text: "#" + answer.id })]));
        location.href = "/backtests/" + answer.id;
      });
    });
  }

  // ---- Shared chrome ----------------------------------------------------------------------

  function setupKey() {
    const form = byId("key-form");
    if (!form) return;
    const input = form.elements.key;
    input.value = apiKey();
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      try {
        if (input.value.trim()) localStorage.setItem("stockschool.apiKey", input.value.trim());
        else localStorage.removeItem("stockschool.apiKey");
      } catch (e) { /* storage disabled: the key lasts for this page only */ }
      byId("key-state").textContent = input.value.trim() ? T.keySaved : T.keyCleared;
    });
  }

  setupKey();
  const pages = { overview: overview, market: market, factors: factors, rankings: rankings, backtests: backtests };
  if (pages[page]) pages[page]().catch((e) => { showError(document.querySelector("main"), e); document.body.dataset.ready = "true"; });
})();
