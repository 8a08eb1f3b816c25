#!/usr/bin/env python3
"""First paint of each dashboard page, measured in headless Chromium over the DevTools protocol.

Usage: scripts/bench-dashboard.py BASE_URL [RUNS]     (e.g. http://127.0.0.1:8080 5)

For each page it opens a fresh tab RUNS times (after one warm-up load) and reads, in ms from
navigation start: the time to the first byte; DOMContentLoaded (the HTML parsed and the style
sheet applied: the page can be painted, and a headed browser paints it within a frame); the
first-contentful-paint entry when headless Chromium reports one (it often produces no frame until
asked, so "FCP seen" counts the runs that had one); and when the page's script marked it ready
(data-ready: every chart and table drawn from the API). Prints medians.
Standard library only: the WebSocket client below is the minimum DevTools needs.
"""
import base64, json, os, re, shutil, socket, statistics, struct, subprocess, sys, tempfile, time, urllib.request

def ws_connect(url):
    m = re.match(r"ws://([^:/]+):(\d+)(/.*)", url)
    host, port, path = m.group(1), int(m.group(2)), m.group(3)
    sock = socket.create_connection((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(4096)
    if b" 101 " not in response.split(b"\r\n")[0]:
        raise SystemExit("DevTools refused the WebSocket: " + response.decode(errors="replace"))
    return sock

def ws_send(sock, text):
    data = text.encode()
    header = bytearray([0x81])
    n = len(data)
    if n < 126: header.append(0x80 | n)
    elif n < 65536: header += bytes([0x80 | 126]) + struct.pack(">H", n)
    else: header += bytes([0x80 | 127]) + struct.pack(">Q", n)
    mask = os.urandom(4)
    sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

def recv_exact(sock, n):
    out = b""
    while len(out) < n:
        chunk = sock.recv(n - len(out))
        if not chunk: raise SystemExit("DevTools closed the connection")
        out += chunk
    return out

def ws_recv(sock):
    message = b""
    while True:
        b0, b1 = recv_exact(sock, 2)
        n = b1 & 0x7F
        if n == 126: n = struct.unpack(">H", recv_exact(sock, 2))[0]
        elif n == 127: n = struct.unpack(">Q", recv_exact(sock, 8))[0]
        message += recv_exact(sock, n)
        if b0 & 0x80: return message.decode()

class Tab:
    def __init__(self, ws_url):
        self.sock = ws_connect(ws_url)
        self.next_id = 0
    def call(self, method, **params):
        self.next_id += 1
        ws_send(self.sock, json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(ws_recv(self.sock))
            if message.get("id") == self.next_id:
                return message.get("result", {})
    def wait_event(self, name, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if json.loads(ws_recv(self.sock)).get("method") == name:
                return
        raise SystemExit(f"no {name} within {timeout} s")

PROBE = """JSON.stringify({paint: Object.fromEntries(performance.getEntriesByType('paint').map(e => [e.name, e.startTime])),
  ttfb: performance.getEntriesByType('navigation')[0].responseStart,
  dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
  ready: document.body.dataset.ready === 'true'})"""

def measure(port, url):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?{url}", method="PUT")
    target = json.load(urllib.request.urlopen(request))
    tab = Tab(target["webSocketDebuggerUrl"])
    tab.call("Page.enable")
    # A tab in the background is not rendered, so it never paints: bring it forward first.
    tab.call("Page.bringToFront")
    tab.call("Page.navigate", url=url)
    tab.wait_event("Page.loadEventFired")
    started = time.time()
    while True:
        result = json.loads(tab.call("Runtime.evaluate", expression=PROBE, returnByValue=True)["result"]["value"])
        if result["ready"] or time.time() - started > 30: break
        time.sleep(0.01)
    ready = tab.call("Runtime.evaluate", expression="performance.now()", returnByValue=True)["result"]["value"]
    urllib.request.urlopen(f"http://127.0.0.1:{port}/json/close/{target['id']}").read()
    return result["paint"].get("first-contentful-paint"), result["ttfb"], result["dcl"], ready

def main():
    if len(sys.argv) < 2: raise SystemExit(__doc__)
    base = sys.argv[1].rstrip("/")
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium: raise SystemExit("chromium is not installed (apt-get install chromium)")
    profile = tempfile.mkdtemp(prefix="ss-bench-chromium-")
    browser = subprocess.Popen([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                f"--user-data-dir={profile}", "--remote-debugging-port=0", "--window-size=1280,1400",
                                "about:blank"], stderr=subprocess.PIPE, text=True)
    try:
        port = None
        for line in browser.stderr:
            m = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if m: port = int(m.group(1)); break
        if not port: raise SystemExit("chromium did not start its DevTools endpoint")
        backtests = json.load(urllib.request.urlopen(base + "/api/v1/backtests?page_size=1"))["items"]
        pages = ["/", "/market", "/factors", "/rankings", "/backtests"] + ([f"/backtests/{backtests[0]['id']}"] if backtests else [])
        print(f"{'page':<18} {'TTFB':>7} {'DOM+CSS ready':>14} {'FCP':>7} {'FCP seen':>9} {'charts drawn':>13}   (median of {runs}, ms)")
        for page in pages:
            measure(port, base + page)  # warm-up: assets cached, as for any second visit
            samples = [measure(port, base + page) for _ in range(runs)]
            med = lambda k: statistics.median(s[k] for s in samples if s[k] is not None) if any(s[k] is not None for s in samples) else float("nan")
            seen = sum(1 for s in samples if s[0] is not None)
            print(f"{page:<18} {med(1):>7.1f} {med(2):>14.1f} {med(0):>7.1f} {seen:>6}/{runs:<2} {med(3):>13.1f}")
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)

if __name__ == "__main__":
    main()
