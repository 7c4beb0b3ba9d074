"""Exchange API over HTTP: authorised, signed and logged calls per second through the deployed stack.

    createdb -h 127.0.0.1 -U postgres egov_bench_exchange   # once, then migrate it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/egov_bench_exchange REDIS_URL=redis://127.0.0.1:6379/7 \
        .venv/bin/python bench/exchange_http.py [--duration 15] [--connections 16] [--limit 20]

``bench/exchange_calls.py`` calls the gateway in-process; this runs the same calls through gunicorn with
docs/deploy/gunicorn.conf.py (2 workers, not in debug mode, every middleware of the project) and wrk on the same
two cores: HTTP parsing, middleware, the credential check, X-Road headers, rate limit, grant, the row query,
SM3 digests, the ECDSA signature and the chained access-log append. Each call asks for ``--limit`` rows with a
different filter value (``注册资本:gte:N``). Afterwards the access-log chain is verified and the number of new
log entries compared with the calls wrk counted. Prints calls/s, latency percentiles, non-2xx answers and the
peak RSS of the gunicorn workers. Needs wrk (`make bench-tools`). Port 18111 on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from django.db import connection
from exchange_calls import world  # sets Django up (config.settings) and builds the bench world
from portal_http import children, stop, vm_hwm_kb, wait_for

from egov.domain.exchange import chain
from egov.domain.exchange.models import AccessLogEntry

ROOT = Path(__file__).resolve().parent.parent
PORT = 18111

WRK_SCRIPT = """
counter = 0
request = function()
    counter = counter + 1
    return wrk.format("GET", "{path}?limit={limit}&filter={column}%3Agte%3A" .. (counter % 900))
end
"""


def start_gunicorn() -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.portal_settings", PYTHONPATH=str(ROOT))
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "-c",
        str(ROOT / "docs/deploy/gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{PORT}",
        "config.wsgi",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run_wrk(url: str, script: Path, headers: dict[str, str], *, duration: int, connections: int) -> dict[str, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    found = {
        "requests": re.search(r"(\d+) requests in", out),
        "rps": re.search(r"Requests/sec:\s+([\d.]+)", out),
        "p50": re.search(r"^\s+50%\s+(\S+)", out, re.M),
        "p99": re.search(r"^\s+99%\s+(\S+)", out, re.M),
        "non_2xx": re.search(r"Non-2xx or 3xx responses: (\d+)", out),
    }
    return {name: (match.group(1) if match else "0") for name, match in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the bench table (first run only)")
    parser.add_argument("--limit", type=int, default=20, help="rows per call")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("note: the issue's figure is for PostgreSQL; this database is", connection.vendor)
    credentials, code = world(args.rows, 1)
    app, secret = credentials[0]
    token = base64.b64encode(f"{app.client_id}:{secret}".encode()).decode()
    headers = {
        "Authorization": f"Basic {token}",
        "X-Road-Client": f"{app.consumer.code}/{app.client_id}",
        "X-Road-UserId": "bench-http-user",
        "X-Road-Issue": "XA-2026-000001",
    }
    path = f"/exchange/v1/resources/{urllib.parse.quote(code)}/rows"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "exchange.lua"
        script.write_text(WRK_SCRIPT.format(path=path, limit=args.limit, column=urllib.parse.quote("注册资本")))
        server = start_gunicorn()
        try:
            base = f"http://127.0.0.1:{PORT}"
            wait_for(f"{base}/healthz")
            run_wrk(base, script, headers, duration=2, connections=args.connections)  # warm-up: both workers
            before = AccessLogEntry.objects.count()
            load = os.getloadavg()
            result = run_wrk(base, script, headers, duration=args.duration, connections=args.connections)
            logged = AccessLogEntry.objects.count() - before
            rss_kb = max((vm_hwm_kb(pid) for pid in children(server.pid)), default=0)
        finally:
            stop(server)
    verify_started = time.perf_counter()
    verified = chain.verify()
    print(
        json.dumps(
            {
                "database": f"{connection.vendor} {connection.settings_dict.get('NAME')}",
                "duration_s": args.duration,
                "connections": args.connections,
                "rows_per_call": args.limit,
                "load_average_before": [round(x, 2) for x in load],
                "calls": int(result["requests"]),
                "calls_per_second": float(result["rps"]),
                "latency_p50": result["p50"],
                "latency_p99": result["p99"],
                "non_2xx": int(result["non_2xx"]),
                "access_log_entries_added": logged,
                "log_chain_ok": verified.ok,
                "log_entries": verified.entries,
                "log_verify_seconds": round(time.perf_counter() - verify_started, 2),
                "peak_rss_mb_gunicorn_worker": round(rss_kb / 1024, 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
