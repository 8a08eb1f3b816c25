#!/usr/bin/env bash
# Checks the production assets in deploy/: Prometheus config and alert rules (with their unit
# tests), Alertmanager config and routing, Grafana provisioning and dashboards, the compose file
# (docker-compose config and its topology) and the nginx configuration (nginx -t). Runs every
# check, prints what each found, and exits 1 if any failed (2 if a tool is missing).
#
#   deploy/check.sh
#
# Needs promtool and amtool (Debian: apt-get install prometheus prometheus-alertmanager),
# docker-compose, nginx and openssl (apt-get install docker-compose nginx openssl; no Docker
# engine needed) and python3 with PyYAML (python3-yaml). Nothing is started and nothing leaves
# this directory (nginx -t runs on a copy in a scratch directory).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PATH=$PATH:/usr/sbin  # nginx
for tool in promtool amtool python3 docker-compose nginx openssl; do
    command -v "$tool" >/dev/null || { echo "check.sh: $tool not found (see the header of $0)" >&2; exit 2; }
done
python3 -c 'import yaml' 2>/dev/null || { echo "check.sh: python3 has no yaml module (apt-get install python3-yaml)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CHECK_WORK=$work

failed=()
# check NAME COMMAND...: run COMMAND (its stdin is the caller's), record NAME if it fails.
check() {
    local name=$1
    shift
    printf '\n== %s\n' "$name"
    if "$@"; then
        printf -- '-- ok: %s\n' "$name"
    else
        printf -- '-- FAILED: %s\n' "$name"
        failed+=("$name")
    fi
}

# ---------------------------------------------------------------------------------- Prometheus
check "promtool check config" promtool check config prometheus/prometheus.yml
check "promtool check rules" promtool check rules prometheus/rules/*.yml
check "promtool test rules" promtool test rules prometheus/tests/*.yml

check "every alert rule has a test that fires and one that does not" python3 - <<'EOF'
import glob, sys, yaml

rules = {r["alert"] for f in glob.glob("prometheus/rules/*.yml")
         for g in yaml.safe_load(open(f))["groups"] for r in g["rules"] if "alert" in r}
fires, quiet = set(), set()
for f in glob.glob("prometheus/tests/*.yml"):
    for test in yaml.safe_load(open(f))["tests"]:
        for case in test.get("alert_rule_test", []):
            (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
bad = False
for name in sorted(rules):
    missing = [what for what, seen in (("firing", fires), ("quiet", quiet)) if name not in seen]
    print(f"  {name:28} {'missing ' + ', '.join(missing) + ' test' if missing else 'firing + quiet'}")
    bad |= bool(missing)
for name in sorted((fires | quiet) - rules):
    print(f"  {name:28} tested but no such rule")
    bad = True
sys.exit(bad)
EOF

# -------------------------------------------------------------------------------- Alertmanager
check "amtool check-config" amtool check-config alertmanager/alertmanager.yml

check "alert routing (amtool config routes test)" python3 - <<'EOF'
# The manual's channels: email for every level, Slack for critical and warning, SMS for
# critical, phone when the system is completely down (page="phone"). For each case amtool
# routes the labels; the receiver(s) it names must carry exactly the expected channels.
import glob, re, subprocess, sys, yaml

CONFIG = "alertmanager/alertmanager.yml"
cfg = yaml.safe_load(open(CONFIG))
bad = False

def fail(message):
    global bad
    print("  FAIL " + message)
    bad = True

def channels_of(receiver):
    found = set()
    for key, channel in (("email_configs", "email"), ("slack_configs", "slack")):
        if receiver.get(key):
            found.add(channel)
    for hook in receiver.get("webhook_configs") or []:
        url = hook.get("url", "")
        found.add("sms" if "sms-gateway" in url else "phone" if "voice-gateway" in url else "webhook " + url)
    return found

receivers = {r["name"]: r for r in cfg["receivers"]}
for name, receiver in receivers.items():
    for key, configs in receiver.items():
        for c in configs if key.endswith("_configs") else []:
            if c.get("send_resolved") is not True:
                fail(f"receiver {name}: a {key} entry lacks send_resolved: true")

def expected_channels(labels):
    severity = labels.get("severity")
    wanted = {"email"}
    if severity in ("critical", "warning"):
        wanted.add("slack")
    if severity == "critical":
        wanted.add("sms")
    if labels.get("page") == "phone":
        wanted.add("phone")
    return wanted

def routed(labels):
    args = ["amtool", "config", "routes", "test", "--config.file=" + CONFIG] + [f"{k}={v}" for k, v in labels.items()]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"amtool routes test {labels}: {out.stderr.strip()}")
        return []
    return out.stdout.strip().split(",")

def show(labels):
    return " ".join(f"{k}={v}" for k, v in labels.items()) or "(no labels)"

cases = [{"severity": "critical"}, {"severity": "warning"}, {"severity": "info"},
         {"severity": "critical", "page": "phone"}, {"alertname": "Unlabelled"}]
# Every alert rule, with the labels it really carries.
for f in sorted(glob.glob("prometheus/rules/*.yml")):
    for group in yaml.safe_load(open(f))["groups"]:
        for rule in group["rules"]:
            if "alert" in rule:
                labels = {"alertname": rule["alert"], **rule.get("labels", {})}
                cases.append(labels)
                if labels.get("page") == "phone" and labels.get("severity") != "critical":
                    fail(f"{rule['alert']}: page=phone is routed under severity=critical only")

for labels in cases:
    names = routed(labels)
    got = set().union(*(channels_of(receivers.get(n, {})) for n in names)) if names else set()
    want = expected_channels(labels)
    line = f"{show(labels):58} -> {','.join(names):15} [{', '.join(sorted(got))}]"
    if got == want:
        print("  ok   " + line)
    else:
        fail(line + f" expected [{', '.join(sorted(want))}]")

# No unreachable routes: each route's own matchers must lead amtool to that route's receiver.
def walk(node, labels):
    for child in node.get("routes", []):
        own = dict(labels)
        for m in child.get("matchers", []):
            eq = re.fullmatch(r'\s*(\w+)\s*=\s*"([^"]*)"\s*', m)
            if not eq:
                fail(f"matcher {m!r}: only name=\"value\" matchers are checked; extend check.sh")
                continue
            own[eq.group(1)] = eq.group(2)
        names = routed(own)
        print(f"  {'ok  ' if child['receiver'] in names else 'FAIL'} route {show(own):45} reachable -> {','.join(names)}")
        if child["receiver"] not in names:
            fail(f"route to {child['receiver']} is unreachable")
        walk(child, own)

root = cfg["route"]
if routed({}) != [root["receiver"]]:
    fail("the root receiver is not the fallback")
walk(root, {})

# Repeat intervals per level (the root's is inherited by info).
repeat = {"critical": "30m", "warning": "2h"}
for child in root.get("routes", []):
    for level, interval in repeat.items():
        if f'severity="{level}"' in child.get("matchers", []) and child.get("repeat_interval") != interval:
            fail(f"route {child['matchers']}: repeat_interval {child.get('repeat_interval')}, want {interval}")
if root.get("repeat_interval") != "12h":
    fail("root (info) repeat_interval must be 12h")
sys.exit(bad)
EOF

check "notification templates render (amtool template render)" python3 - <<'EOF'
# Templates in the config are only executed when a notification is sent: render each now.
import os, subprocess, sys, yaml

glob_file = os.path.join(os.environ["CHECK_WORK"], "empty.tmpl")
open(glob_file, "w").write('{{ define "check.empty" }}{{ end }}')

def strings(node):
    if isinstance(node, dict):
        for v in node.values():
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
    elif isinstance(node, str) and "{{" in node:
        yield node

bad = False
for text in sorted(set(strings(yaml.safe_load(open("alertmanager/alertmanager.yml"))["receivers"]))):
    out = subprocess.run(["amtool", "template", "render", "--template.glob=" + glob_file, "--template.text=" + text],
                         capture_output=True, text=True)
    print(f"  {'ok  ' if out.returncode == 0 else 'FAIL'} {text}")
    if out.returncode != 0:
        print("       " + out.stderr.strip())
        bad = True
sys.exit(bad)
EOF

# ------------------------------------------------------------------------------------- Grafana
check "grafana provisioning and dashboards" python3 - <<'EOF'
import glob, json, os, sys, yaml

DS = {"type": "prometheus", "uid": "prometheus"}
bad = False

def fail(message):
    global bad
    print("  FAIL " + message)
    bad = True

ds = yaml.safe_load(open("grafana/provisioning/datasources/prometheus.yml"))["datasources"]
if not any(d.get("uid") == "prometheus" and d.get("type") == "prometheus" and d.get("url") == "http://prometheus:9090" for d in ds):
    fail("datasources/prometheus.yml: no prometheus datasource with uid prometheus at http://prometheus:9090")
providers = yaml.safe_load(open("grafana/provisioning/dashboards/stockschool.yml"))["providers"]
if not any(p.get("type") == "file" and p.get("options", {}).get("path") == "/var/lib/grafana/dashboards" for p in providers):
    fail("dashboards/stockschool.yml: no file provider for /var/lib/grafana/dashboards")

# file → (uid, the manual's name, threshold lines the manual asks for)
expected = {
    "system-overview.json": ("stockschool-overview", "系统概览", set()),
    "api-performance.json": ("stockschool-api", "API性能", {2, 0.05}),
    "database.json": ("stockschool-database", "数据库监控", {80, 0.1}),
    "data-sync.json": ("stockschool-data-sync", "数据同步监控", {7200, 0.8, 0.1}),
    "infrastructure.json": ("stockschool-infrastructure", "基础设施监控", {80, 85, 0.8, 0.1}),
}
files = sorted(os.path.basename(f) for f in glob.glob("grafana/dashboards/*.json"))
if files != sorted(expected):
    fail(f"dashboards are {files}, expected {sorted(expected)}")
uids = set()
for name in files:
    try:
        d = json.load(open(os.path.join("grafana/dashboards", name), encoding="utf-8"))
    except ValueError as e:
        fail(f"{name}: not JSON: {e}")
        continue
    uid, chinese, lines_wanted = expected.get(name, (None, "", set()))
    if d.get("uid") != uid:
        fail(f"{name}: uid {d.get('uid')!r}, expected {uid!r}")
    if d.get("uid") in uids:
        fail(f"{name}: duplicate uid {d.get('uid')}")
    uids.add(d.get("uid"))
    if d.get("schemaVersion") != 39:
        fail(f"{name}: schemaVersion {d.get('schemaVersion')}, expected 39")
    if chinese not in d.get("description", ""):
        fail(f"{name}: description lacks the manual's name {chinese}")
    lines, ids = set(), set()
    for p in d.get("panels", []):
        where = f"{name} panel {p.get('id')} {p.get('title')!r}"
        if p.get("id") in ids:
            fail(f"{where}: duplicate panel id")
        ids.add(p.get("id"))
        if p.get("type") not in ("timeseries", "stat"):
            fail(f"{where}: type {p.get('type')}")
        if p.get("datasource") != DS or any(t.get("datasource") != DS for t in p.get("targets", [])):
            fail(f"{where}: datasource is not {DS}")
        if not p.get("targets") or not all(t.get("expr") for t in p["targets"]):
            fail(f"{where}: a target without expr")
        defaults = p.get("fieldConfig", {}).get("defaults", {})
        if defaults.get("custom", {}).get("thresholdsStyle", {}).get("mode") == "line":
            values = {s["value"] for s in defaults.get("thresholds", {}).get("steps", []) if s.get("value") is not None}
            if not values:
                fail(f"{where}: threshold line style without a threshold step")
            lines |= values
    missing = lines_wanted - lines
    print(f"  {'ok  ' if not missing else 'FAIL'} {name:22} uid {d.get('uid'):27} {len(d.get('panels', []))} panels,"
          f" threshold lines {sorted(lines)}")
    if missing:
        fail(f"{name}: no threshold line at {sorted(missing)}")
sys.exit(bad)
EOF

check "metric names in rules and dashboards are exported (metrics.txt)" python3 - <<'EOF'
# Every metric name an alert rule or a dashboard query (panels and variables) uses must be one
# StockSchool or a standard exporter exports (metrics.txt). Names are what is left of a PromQL
# expression once strings, label matchers, ranges, grouping clauses, functions, keywords and
# numbers are taken out.
import glob, json, re, sys, yaml

known = {l.strip() for l in open("metrics.txt") if l.strip() and not l.startswith("#")}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "atan2", "inf", "nan"}

def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w$.:])[A-Za-z_:][\w:]*", e):
        if e[m.end():].lstrip().startswith("(") or m.group().lower() in KEYWORDS:
            continue
        names.add(m.group())
    return names

exprs = []  # (where, expr)
for f in sorted(glob.glob("prometheus/rules/*.yml")):
    for g in yaml.safe_load(open(f))["groups"]:
        for r in g["rules"]:
            exprs.append((f"{f} {r.get('alert') or r.get('record')}", r["expr"]))
for f in sorted(glob.glob("grafana/dashboards/*.json")):
    d = json.load(open(f, encoding="utf-8"))
    for p in d.get("panels", []):
        for t in p.get("targets", []):
            exprs.append((f"{f} panel {p.get('id')} {t.get('refId')}", t.get("expr", "")))
    for v in d.get("templating", {}).get("list", []):
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else q or ""
        lv = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", q)
        if lv:
            exprs.append((f"{f} variable {v.get('name')}", lv.group(1)))
        elif q and not re.fullmatch(r"\s*label_values\(\s*\w+\s*\)\s*", q):
            exprs.append((f"{f} variable {v.get('name')}", re.sub(r"^\s*query_result\((.*)\)\s*$", r"\1", q)))

used, bad = {}, False
for where, expr in exprs:
    if "__name__" in expr:  # a name in a matcher would escape this check
        print(f"  FAIL {where}: selects by __name__; write the metric name instead")
        bad = True
    for name in metric_names(expr):
        used.setdefault(name, []).append(where)
for name in sorted(used):
    if name not in known:
        print(f"  FAIL {name}: not in metrics.txt (used by {'; '.join(used[name])})")
        bad = True
print(f"  {len(exprs)} expressions use {len(used)} metric names; {len(known - set(used))} listed names unused:"
      f" {', '.join(sorted(known - set(used))) or '-'}")
sys.exit(bad)
EOF

check "dashboard queries parse as PromQL (promtool)" python3 - <<'EOF'
# Each dashboard query becomes a recording rule in a scratch file for `promtool check rules`,
# with Grafana's $__rate_interval replaced by a duration (the $variables sit inside strings).
import glob, json, os, subprocess, sys, yaml

rules, where = [], []
for f in sorted(glob.glob("grafana/dashboards/*.json")):
    for p in json.load(open(f, encoding="utf-8")).get("panels", []):
        for t in p.get("targets", []):
            rules.append({"record": f"dashboard:query:{len(rules)}", "expr": t["expr"].replace("$__rate_interval", "1m")})
            where.append(f"{os.path.basename(f)} panel {p.get('id')} {t.get('refId')}")
path = os.path.join(os.environ["CHECK_WORK"], "dashboard_queries.yml")
yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}, open(path, "w"), allow_unicode=True)
out = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
if out.returncode != 0:
    text = out.stdout + out.stderr
    for i, w in reversed(list(enumerate(where))):  # name the panel behind each failing rule (:12 before :1)
        text = text.replace(f"dashboard:query:{i}", w)
    print(text)
    sys.exit(1)
print(f"  {len(rules)} queries parse")
EOF

# ------------------------------------------------------------------- Compose topology and nginx
# The production compose file, resolved by docker-compose itself with the committed example
# environment (placeholder secrets). Nothing is started: this machine has no Docker engine.
check "docker-compose config (deploy/docker-compose.prod.yml with .env.example)" \
    docker-compose --env-file .env.example -f docker-compose.prod.yml config -q

check "docker-compose config refuses to run without the required secrets" bash -c '
    : > "$CHECK_WORK/empty.env"
    if out=$(env -i PATH="$PATH" docker-compose --env-file "$CHECK_WORK/empty.env" -f docker-compose.prod.yml config -q 2>&1); then
        echo "  FAIL config passed with no POSTGRES_PASSWORD, REDIS_PASSWORD, GRAFANA_ADMIN_PASSWORD"; exit 1
    fi
    case $out in
        *"Missing mandatory value"*"in deploy/.env"*) echo "  ok   without secrets: ${out##*: }" ;;
        *) echo "  FAIL config failed, but not for a missing secret: $out"; exit 1 ;;
    esac'

check "compose topology (ports, postgres, redis, healthchecks, names Prometheus and nginx use)" python3 - <<'EOF'
# Reads the file as docker-compose resolves it (anchors merged, variables from .env.example).
import glob, ipaddress, os, re, subprocess, sys, yaml

out = subprocess.run(["docker-compose", "--env-file", ".env.example", "-f", "docker-compose.prod.yml", "config"],
                     capture_output=True, text=True)
if out.returncode != 0:
    print(out.stderr)
    sys.exit(1)
compose = yaml.safe_load(out.stdout)
services = compose["services"]
raw = open("docker-compose.prod.yml").read()
bad = False

def fail(message):
    global bad
    print("  FAIL " + message)
    bad = True

def ok(message):
    print("  ok   " + message)

def command(name):
    c = services[name].get("command") or []
    return c.split() if isinstance(c, str) else [str(x) for x in c]

# 1. Published ports: nginx 80/443 on all interfaces; grafana and prometheus on 127.0.0.1 only.
LOOPBACK_ONLY = {"grafana", "prometheus"}
for name, svc in sorted(services.items()):
    for p in svc.get("ports", []):
        if isinstance(p, dict):
            host_ip, published = p.get("host_ip", ""), p.get("published")
        else:
            parts = str(p).split("/")[0].split(":")
            host_ip, published = (parts[0] if len(parts) == 3 else ""), (parts[-2] if len(parts) > 1 else parts[0])
        where = f"{name} publishes {p}"
        if name == "nginx" and str(published) in ("80", "443"):
            ok(where)
        elif name in LOOPBACK_ONLY and host_ip and ipaddress.ip_address(host_ip).is_loopback:
            ok(where + " (loopback only)")
        else:
            fail(where + ": only nginx publishes ports (grafana/prometheus on 127.0.0.1)")
published = {n for n, s in services.items() if s.get("ports")}
if "nginx" not in published:
    fail("nginx publishes no ports")

# 2. The manual's service names and its commands' variables.
for name in ("postgres", "redis", "api", "api-2", "worker", "migrate", "nginx", "prometheus", "alertmanager",
             "grafana", "node-exporter", "postgres-exporter", "redis-exporter"):
    if name not in services:
        fail(f"no service {name}")
pg = services.get("postgres", {})
for var in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"):
    if not pg.get("environment", {}).get(var):
        fail(f"postgres: {var} not set (the manual's psql -U $POSTGRES_USER -d $POSTGRES_DB)")

# 3. PostgreSQL: pg_stat_statements preloaded and created, 200 connections.
pg_cmd = " ".join(command("postgres"))
for want in ("shared_preload_libraries=pg_stat_statements", "max_connections=200"):
    (ok if want in pg_cmd else fail)(f"postgres command has {want}")
init = [v for v in pg.get("volumes", []) if str(v).split(":")[1:2] == ["/docker-entrypoint-initdb.d"]]
scripts = "".join(open(f).read() for f in glob.glob("postgres/init/*.sql"))
(ok if init and re.search(r"CREATE EXTENSION IF NOT EXISTS pg_stat_statements", scripts) else fail)(
    "postgres/init/*.sql mounted at /docker-entrypoint-initdb.d creates pg_stat_statements")

# 4. Redis: a password, a memory cap with LRU eviction.
rc = command("redis")
def arg(flag):
    return rc[rc.index(flag) + 1] if flag in rc and rc.index(flag) + 1 < len(rc) else ""
(ok if arg("--requirepass") else fail)("redis --requirepass set")
(ok if "${REDIS_PASSWORD:?" in raw else fail)("REDIS_PASSWORD is required (${REDIS_PASSWORD:?…})")
(ok if arg("--maxmemory") == "512mb" and arg("--maxmemory-policy") == "allkeys-lru" else fail)(
    f"redis --maxmemory {arg('--maxmemory')} --maxmemory-policy {arg('--maxmemory-policy')}")

# 5. The stockschool services: commands, healthchecks, image.
api_services = sorted(n for n in services if command(n)[:1] == ["serve"])
if api_services != ["api", "api-2"]:
    fail(f"services running `serve`: {api_services}, expected api and api-2")
for name in api_services:
    c = command(name)
    (ok if "--no-alerts" in c and c[c.index("--host") + 1:c.index("--host") + 2] == ["0.0.0.0"] else fail)(
        f"{name}: {' '.join(c)}")
wc, wenv = command("worker"), services["worker"].get("environment", {})
(ok if wc[:1] == ["worker"] and "9091" in wc and wenv.get("STOCKSCHOOL_WORKER_METRICS_HOST") == "0.0.0.0" else fail)(
    f"worker: {' '.join(wc)}, metrics host {wenv.get('STOCKSCHOOL_WORKER_METRICS_HOST')}")
(ok if command("migrate") == ["init"] else fail)(f"migrate: {' '.join(command('migrate'))}")
for name in api_services + ["worker", "postgres", "redis"]:
    hc = services[name].get("healthcheck", {})
    (ok if hc.get("test") and not hc.get("disable") else fail)(f"{name} healthcheck: {hc.get('test')}")
for name in api_services + ["worker", "migrate"]:
    s = services[name]
    if not s.get("image", "").startswith("stockschool:") or s.get("build", {}).get("dockerfile") != "deploy/Dockerfile":
        fail(f"{name}: image {s.get('image')} not built from deploy/Dockerfile")
    env = s.get("environment", {})
    if not str(env.get("STOCKSCHOOL_DATABASE_URL", "")).startswith("postgres://") or \
       not str(env.get("STOCKSCHOOL_REDIS_URL", "")).startswith("redis://:"):
        fail(f"{name}: STOCKSCHOOL_DATABASE_URL / STOCKSCHOOL_REDIS_URL (with password) not set")
    deps = s.get("depends_on", {})
    if deps.get("postgres", {}).get("condition") != "service_healthy":
        fail(f"{name}: does not wait for postgres to be healthy")
    if name != "migrate" and deps.get("migrate", {}).get("condition") != "service_completed_successfully":
        fail(f"{name}: does not wait for migrate")

# 6. Every STOCKSCHOOL_* variable is one docs/configuration.md documents (no typo'd names). A row
# may shorten a name (`STOCKSCHOOL_ALERTS_SMS_AUTH_HEADER`, `…_PHONE_AUTH_HEADER`): the short
# form replaces as many trailing words of a full name in the same row.
documented = set()
for row in open("../docs/configuration.md").read().splitlines():
    full = re.findall(r"STOCKSCHOOL_[A-Z0-9_]*[A-Z0-9]", row)
    documented.update(full)
    for short in re.findall(r"…_([A-Z0-9_]*[A-Z0-9])", row):
        n = short.count("_") + 1
        documented.update("_".join(f.split("_")[:-n] + [short]) for f in full if f.count("_") >= n + 1)
for name, s in sorted(services.items()):
    for var in s.get("environment", {}) or {}:
        if var.startswith("STOCKSCHOOL_") and var not in documented:
            fail(f"{name}: {var} is not in docs/configuration.md")

# 7. Named volumes for the state that must survive a container.
for svc, path in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data"), ("grafana", "/var/lib/grafana"),
                  ("prometheus", "/prometheus")):
    vols = [str(v).split(":") for v in services.get(svc, {}).get("volumes", [])]
    (ok if any(v[1:2] == [path] and v[0] in (compose.get("volumes") or {}) for v in vols) else fail)(
        f"{svc}: named volume at {path}")

# 8. Prometheus scrapes, and nginx proxies to, services this file defines.
prom = yaml.safe_load(open("prometheus/prometheus.yml"))
targets = {job["job_name"]: [t for sc in job.get("static_configs", []) for t in sc["targets"]]
           for job in prom["scrape_configs"]}
targets["alertmanager"] = [t for am in prom["alerting"]["alertmanagers"] for sc in am["static_configs"] for t in sc["targets"]]
for job, ts in sorted(targets.items()):
    for t in ts:
        host = t.rsplit(":", 1)[0]
        if host != "localhost" and host not in services:
            fail(f"prometheus.yml {job}: target {t} is no compose service")
if sorted(targets.get("stockschool-api", [])) != sorted(f"{n}:8080" for n in api_services):
    fail(f"prometheus.yml stockschool-api targets {targets.get('stockschool-api')} are not the API services {api_services}")
else:
    ok(f"prometheus scrapes {', '.join(targets['stockschool-api'])} and {', '.join(targets['stockschool-worker'])}")
upstream = re.findall(r"^\s*server\s+([\w.-]+):(\d+)", open("nginx/stockschool.conf").read(), re.M)
if sorted(h for h, _ in upstream) != api_services or any(p != "8080" for _, p in upstream):
    fail(f"nginx upstream {upstream} is not the API services {api_services} on 8080")
else:
    ok(f"nginx upstream {', '.join(h + ':' + p for h, p in upstream)}")

# 9. .env.example sets every variable the file requires (${VAR:?…}).
example = dict(l.split("=", 1) for l in open(".env.example").read().splitlines() if "=" in l and not l.startswith("#"))
for var in sorted(set(re.findall(r"\$\{(\w+):\?", raw))):
    (ok if example.get(var) else fail)(f".env.example sets required {var}")
sys.exit(bad)
EOF

check "nginx -t (deploy/nginx/stockschool.conf)" bash -c '
    # A copy of the conf in a scratch prefix: upstream hosts api:8080 / api-2:8080 become
    # 127.0.0.1:8080 / 127.0.0.1:8081 (nginx resolves upstream names when it loads its
    # configuration, and there is no compose network here), listen 80 / 443 become 18080 / 18443
    # (nginx -t binds them; a non-root user may not bind below 1024), /etc/nginx/ssl/ and
    # /var/log/nginx/ become scratch directories with a fresh self-signed certificate.
    # Everything else is as committed.
    set -e
    dir=$CHECK_WORK/nginx
    mkdir -p "$dir/ssl" "$dir/logs" "$dir/temp"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
        -keyout "$dir/ssl/key.pem" -out "$dir/ssl/cert.pem" 2>/dev/null
    sed -e "s#\bserver api:8080\b#server 127.0.0.1:8080#" \
        -e "s#\bserver api-2:8080\b#server 127.0.0.1:8081#" \
        -e "s#^\( *listen\) 80 #\1 18080 #" -e "s#^\( *listen\) 443 #\1 18443 #" \
        -e "s#/etc/nginx/ssl/#$dir/ssl/#g" \
        -e "s#/var/log/nginx/#$dir/logs/#g" nginx/stockschool.conf > "$dir/stockschool.conf"
    if grep -nE "server +(api|api-2):|listen +(80|443)\b" "$dir/stockschool.conf"; then echo "  substitution missed a host or port"; exit 1; fi
    cat > "$dir/nginx.conf" <<CONF
pid $dir/nginx.pid;
error_log stderr;
events {}
http {
    client_body_temp_path $dir/temp/body;
    proxy_temp_path $dir/temp/proxy;
    fastcgi_temp_path $dir/temp/fastcgi;
    uwsgi_temp_path $dir/temp/uwsgi;
    scgi_temp_path $dir/temp/scgi;
    include $dir/stockschool.conf;
}
CONF
    nginx -t -e stderr -p "$dir/" -c "$dir/nginx.conf" 2>&1 | sed "s/^/  /"
    exit "${PIPESTATUS[0]}"'

check "nginx conf: TLS, redirect, rate limit, retries, /metrics internal, combined log" python3 - <<'EOF'
import re, sys
conf = open("nginx/stockschool.conf").read()
text = re.sub(r"#[^\n]*", "", conf)
def location(path):
    m = re.search(r"location\s+(?:=\s+)?" + re.escape(path) + r"\s*\{([^}]*)\}", text)
    return m.group(1) if m else ""
checks = [
    ("HTTP -> HTTPS redirect", re.search(r"listen 80[^;]*;.*?return 301 https://\$host\$request_uri;", text, re.S)),
    ("TLS on 443 with /etc/nginx/ssl/cert.pem and key.pem", "listen 443 ssl" in text
     and "ssl_certificate /etc/nginx/ssl/cert.pem;" in text and "ssl_certificate_key /etc/nginx/ssl/key.pem;" in text),
    ("upstream max_fails, fail_timeout, keepalive", re.search(r"max_fails=\d+ fail_timeout=\d+s", text) and "keepalive" in text),
    ("limit_req_zone per client address", re.search(r"limit_req_zone \$binary_remote_addr zone=(\w+)", text)),
    ("/api/ rate-limited with a burst", re.search(r"limit_req zone=\w+ burst=\d+", location("/api/"))),
    ("proxy_next_upstream error timeout http_502 http_503", "proxy_next_upstream error timeout http_502 http_503;" in text),
    ("/api/, /monitoring/, /openapi.json, /metrics proxied", all("proxy_pass http://stockschool_api;" in location(p)
                                                              for p in ("/api/", "/monitoring/", "/openapi.json", "/metrics"))),
    ("/metrics: internal networks, deny all", "allow 10.0.0.0/8;" in location("/metrics") and "deny all;" in location("/metrics")),
    ("access log /var/log/nginx/access.log combined (path is field 7)", "access_log /var/log/nginx/access.log combined;" in text),
]
bad = False
for name, result in checks:
    print(f"  {'ok  ' if result else 'FAIL'} {name}")
    bad |= not result
sys.exit(bad)
EOF

# --------------------------------------------------------------------------- Deployment scripts
# scripts/deployment/ (deploy.sh, rolling_update.sh): every script parses, and each docker-compose
# command of the compose driver uses options this docker-compose has (no Docker engine here to
# run them; the local driver is exercised by RollingUpdateTests).
check "deployment scripts: bash -n, the compose driver's docker-compose options exist" python3 - <<'EOF'
import glob, re, subprocess, sys
bad = False
scripts = sorted(glob.glob("../scripts/deployment/*.sh") + glob.glob("../scripts/deployment/lib/*.sh"))
for f in scripts:
    out = subprocess.run(["bash", "-n", f], capture_output=True, text=True)
    if out.returncode:
        print(f"  FAIL bash -n {f}: {out.stderr.strip()}")
        bad = True
print(f"  bash -n: {len(scripts)} scripts")
helps = {}
def has(sub, flag):
    if sub not in helps:
        helps[sub] = subprocess.run(["docker-compose"] + ([sub] if sub else []) + ["--help"],
                                    capture_output=True, text=True).stdout
    return re.search(r"(^|[\s,])" + re.escape(flag) + r"([\s,=]|$)", helps[sub], re.M)
calls = 0
for line in open("../scripts/deployment/lib/driver_compose.sh"):
    if line.lstrip().startswith("#"):
        continue
    # A command starts a line or follows `{`, `;`, `(`, `|`, `&` (one-line functions, $(…)).
    for m in re.finditer(r"(?:^\s*|[{;(|&]\s*)(?:\w+=\S+\s+)?(docker-compose|compose)\s+([^;|)}]*)", line):
        words = m.group(2).split()
        flags, sub = [], ""
        while words and words[0].startswith("-"):  # docker-compose's own options (-f FILE, --env-file F)
            flags.append(("", words.pop(0)))
            if words:
                words.pop(0)
        if words and re.fullmatch(r"[a-z]+", words[0]):  # the subcommand, then its options
            sub = words.pop(0)
            for w in words:
                if not w.startswith("-"):
                    if w.startswith('"$') or re.fullmatch(r"[\w.-]+", w):
                        break  # the service: what follows is the command run in the container
                    continue
                flags.append((sub, w))
        calls += 1
        for sub_, flag in flags:
            if not has(sub_, flag):
                print(f"  FAIL docker-compose {sub_} has no option {flag}: {line.strip()}")
                bad = True
print(f"  {calls} docker-compose commands in lib/driver_compose.sh checked against docker-compose --help")
sys.exit(bad)
EOF

# --------------------------------------------------------------------------------------------
echo
if ((${#failed[@]})); then
    printf 'check.sh: %d check(s) FAILED:\n' "${#failed[@]}"
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo "check.sh: all checks passed"
