#!/usr/bin/env bash
# Checks the monitoring assets in deploy/: Prometheus config and alert rules (with their unit
# tests), Alertmanager config and routing, Grafana provisioning and dashboards. Runs every check,
# prints what each found, and exits 1 if any failed (2 if a tool is missing).
#
#   deploy/check.sh
#
# Needs promtool and amtool (Debian: apt-get install prometheus prometheus-alertmanager) and
# python3 with PyYAML (python3-yaml). Nothing is started and nothing leaves this directory.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in promtool amtool python3; do
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

# --------------------------------------------------------------------------------------------
echo
if ((${#failed[@]})); then
    printf 'check.sh: %d check(s) FAILED:\n' "${#failed[@]}"
    printf '  - %s\n' "${failed[@]}"
    exit 1
fi
echo "check.sh: all checks passed"
