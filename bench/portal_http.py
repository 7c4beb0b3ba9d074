"""Portal pages over HTTP with wrk, side by side in one run (issue 5 "Speed"):

1. the application alone, uncached article pages (gunicorn, 2 workers) — req/s and p99 at 16 connections;
2. the application with its anonymous page cache (egov.domain.portal.cache);
3. nginx in front with the proxy cache of docs/deploy/nginx.conf, home and article page;
4. nginx serving the same article HTML as a static file.

    .venv/bin/python bench/portal_generate.py --articles 100000 --policies 20000   # once
    .venv/bin/python bench/portal_http.py [--duration 20] [--connections 16]
    DATABASE_URL=postgres://…/egov_portal_bench .venv/bin/python bench/portal_http.py

Needs wrk and nginx (`make bench-tools`). nginx runs docs/deploy/nginx.conf itself (local ports and paths, no
TLS: see SHIPPED_SWAPS). Uses the same database as the generator (DATABASE_URL or
EGOV_VAR_DIR). Ports 18101/18102 (gunicorn), 18180-18182 (nginx) on 127.0.0.1. Prints req/s, p99 and peak RSS of
the gunicorn workers and nginx. The page cache is per worker (local memory) unless REDIS_URL is set.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.portal_settings")

import django  # noqa: E402

django.setup()

from egov.domain.portal.models import ArticlePage, HomePage  # noqa: E402

SHIPPED_NGINX = ROOT / "docs/deploy/nginx.conf"
#: The only changes made to the shipped file: local ports and paths instead of the production ones, no TLS.
#: Each must match exactly once, so a change to the shipped file that the bench does not follow fails loudly.
SHIPPED_SWAPS = (
    ("proxy_cache_path /var/cache/nginx/egov ", "proxy_cache_path {tmp}/cache "),
    ("server 127.0.0.1:8001;", "server 127.0.0.1:{app_port};"),
    ("listen 80;", "listen 127.0.0.1:{refresh_port};"),
    ("listen 443 ssl http2;", "listen 127.0.0.1:{nginx_port};"),
    ("alias /srv/egov/var/static/;", "alias {tmp}/static/;"),
)
NGINX_MAIN = """
worker_processes 2;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    proxy_temp_path {tmp}/proxy_temp;
    client_body_temp_path {tmp}/body_temp;
    fastcgi_temp_path {tmp}/fastcgi_temp;
    uwsgi_temp_path {tmp}/uwsgi_temp;
    scgi_temp_path {tmp}/scgi_temp;
    include {tmp}/egov.conf;
    server {{
        listen 127.0.0.1:{static_port};
        location = /static-copy/article.html {{ root {tmp}; default_type text/html; }}
    }}
}}
"""


def shipped_nginx_conf(**values: object) -> str:
    """docs/deploy/nginx.conf with the swaps above and its TLS lines dropped."""
    text = SHIPPED_NGINX.read_text(encoding="utf-8")
    for old, new in SHIPPED_SWAPS:
        if text.count(old) != 1:
            raise SystemExit(f"{SHIPPED_NGINX}: expected one {old!r}; update SHIPPED_SWAPS in {__file__}")
        text = text.replace(old, new.format(**values))
    lines = [line for line in text.splitlines() if not line.strip().startswith("ssl_")]
    return "\n".join(lines) + "\n"


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def vm_hwm_kb(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    found = re.search(r"VmHWM:\s+(\d+)", text)
    return int(found.group(1)) if found else 0


def children(pid: int) -> list[int]:
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    except OSError:
        return []
    return [int(x) for x in out.split()]


def wait_for(url: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local bench server
                response.read()
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"server did not answer: {url}")


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local bench server
        return response.read(), dict(response.headers.items())


def start_gunicorn(port: int, *, page_cache: bool) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.portal_settings", PYTHONPATH=str(ROOT))
    env["BENCH_PAGE_CACHE"] = "1" if page_cache else "0"
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-c",
        str(ROOT / "docs/deploy/gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "config.wsgi",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def wrk(url: str, *, duration: int, connections: int, script: Path | None = None) -> tuple[float, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        print(f"   warning: {errors.group(1)} non-2xx responses for {url}")
    return rps, p99.group(1) if p99 else "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--paths", type=int, default=500, help="distinct article URLs for the uncached run")
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is missing: make bench-tools")
    home = HomePage.objects.filter(site_key="bench1").first() or HomePage.objects.live().first()
    if home is None:
        raise SystemExit("no portal site: run bench/portal_generate.py first")
    articles = list(ArticlePage.objects.descendant_of(home).live().order_by("-pk")[: args.paths])
    if not articles:
        raise SystemExit("no articles: run bench/portal_generate.py first")
    paths = [page.get_url() for page in articles]
    article_path, home_path = paths[0], home.get_url()
    tmp = Path(tempfile.mkdtemp(prefix="egov-bench-portal-"))
    script = tmp / "paths.lua"
    script.write_text(
        "paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
        "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n"
    )
    results: list[tuple[str, float, str]] = []
    rss: dict[str, int] = {}
    d, c = args.duration, args.connections

    # 1. uncached application
    app = start_gunicorn(18101, page_cache=False)
    try:
        wait_for(f"http://127.0.0.1:18101{article_path}")
        html, _headers = fetch(f"http://127.0.0.1:18101{article_path}")
        wrk("http://127.0.0.1:18101", duration=2, connections=c, script=script)  # warm-up
        rps, p99 = wrk("http://127.0.0.1:18101", duration=d, connections=c, script=script)
        results.append((f"app, no cache, {len(paths)} articles", rps, p99))
        rss["gunicorn worker (no cache)"] = max((vm_hwm_kb(p) for p in children(app.pid)), default=0)
    finally:
        stop(app)

    # 2./3. application page cache, then nginx in front of it
    app = start_gunicorn(18102, page_cache=True)
    nginx: subprocess.Popen[bytes] | None = None
    try:
        wait_for(f"http://127.0.0.1:18102{article_path}")
        _body, headers = fetch(f"http://127.0.0.1:18102{article_path}")
        # fill both workers' caches (local memory without REDIS_URL): every path rendered once per worker, at the
        # uncached rate measured above
        warm = max(3, round(2 * len(paths) / max(results[0][1], 1)) + 2)
        wrk("http://127.0.0.1:18102", duration=warm, connections=c, script=script)
        rps, p99 = wrk("http://127.0.0.1:18102", duration=d, connections=c, script=script)
        results.append((f"app page cache, {len(paths)} articles", rps, p99))
        rps, p99 = wrk(f"http://127.0.0.1:18102{article_path}", duration=d, connections=c)
        results.append(("app page cache, one article", rps, p99))

        (tmp / "static-copy").mkdir()
        (tmp / "static-copy" / "article.html").write_bytes(html)
        ports = {"tmp": tmp, "app_port": 18102, "nginx_port": 18180, "refresh_port": 18181, "static_port": 18182}
        (tmp / "static").mkdir()
        (tmp / "egov.conf").write_text(shipped_nginx_conf(**ports))
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_MAIN.format(**ports))
        nginx = subprocess.Popen([nginx_binary(), "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"])
        wait_for(f"http://127.0.0.1:18180{home_path}")
        for path in (home_path, article_path):
            fetch(f"http://127.0.0.1:18180{path}")
        _body, headers = fetch(f"http://127.0.0.1:18180{article_path}")
        status = headers.get("X-Cache-Status", "?")
        if status != "HIT":
            print(
                f"   note: nginx X-Cache-Status={status}: the app did not offer the page to the proxy "
                "(no X-Accel-Expires: see egov.domain.portal.cache)"
            )
        rps, p99 = wrk(f"http://127.0.0.1:18180{home_path}", duration=d, connections=c)
        results.append((f"nginx proxy cache, home ({status})", rps, p99))
        rps, p99 = wrk(f"http://127.0.0.1:18180{article_path}", duration=d, connections=c)
        results.append((f"nginx proxy cache, article ({status})", rps, p99))
        rps, p99 = wrk("http://127.0.0.1:18182/static-copy/article.html", duration=d, connections=c)
        results.append((f"nginx static file, same article HTML ({len(html) // 1024} KB)", rps, p99))
        rss["gunicorn worker (page cache)"] = max((vm_hwm_kb(p) for p in children(app.pid)), default=0)
        rss["nginx worker"] = max((vm_hwm_kb(p) for p in children(nginx.pid)), default=0)
    finally:
        if nginx is not None:
            stop(nginx)
        stop(app)
        shutil.rmtree(tmp, ignore_errors=True)

    from django.db import connection

    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"database: {connection.vendor}; {d} s per run, {c} connections, wrk -t2; load average {' '.join(load)}")
    for label, rps, p99 in results:
        print(f"{label:<55} {rps:>10.0f} req/s   p99 {p99}")
    for label, kb in rss.items():
        print(f"peak RSS {label:<40} {kb / 1024:>8.0f} MB")


if __name__ == "__main__":
    main()
