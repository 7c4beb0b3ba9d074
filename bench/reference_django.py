"""The issue's reference figure on this machine: a bare Django view rendering a 30 KB template with two queries,
served by gunicorn with 2 workers, measured with wrk at 16 connections (issue 5 quotes ~400 req/s for the machine
its targets were set on, and ~55,000 req/s for nginx serving a static 30 KB page; this script measures both here,
so figures from machines of different speed can be compared).

    .venv/bin/python bench/reference_django.py [--duration 10] [--middleware none|default]

Needs wrk and nginx (`make bench-tools`). Everything lives in a temporary directory: a one-file Django project
(no middleware, or with ``--middleware default`` the list startproject writes; SQLite with one 100-row table;
the template), gunicorn 2 sync workers on 127.0.0.1:18401 and nginx on 127.0.0.1:18402. Prints req/s, p99
and the peak RSS of the gunicorn workers.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP = """
from pathlib import Path

import django
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.urls import path

HERE = Path(__file__).resolve().parent
MIDDLEWARE = {middleware}
settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=MIDDLEWARE,
    INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                    "django.contrib.messages"],
    SECRET_KEY="reference-only",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(HERE / "db.sqlite3")}},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(HERE)]}],
)
django.setup()


def view(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title FROM item WHERE id < %s", [20])
        items = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM item")
        total = cursor.fetchone()[0]
    template = engines["django"].get_template("page.html")
    return HttpResponse(template.render({"items": items, "total": total}))


urlpatterns = [path("", view)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
"""


#: What `django-admin startproject` puts in MIDDLEWARE.
DEFAULT_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


def wrk(url: str, duration: int) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{duration}s", "--latency", url], capture_output=True, text=True, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    return rps, p99.group(1) if p99 else "?"


def wait_for(url: str) -> bytes:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local bench server
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no answer from {url}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument(
        "--middleware", choices=["none", "default"], default="none", help="none, or startproject's default list"
    )
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="egov-bench-reference-"))
    middleware = DEFAULT_MIDDLEWARE if args.middleware == "default" else []
    (tmp / "refapp.py").write_text(APP.replace("{middleware}", repr(middleware)))
    row = "<tr><td>{{ id }}</td><td>事项名称与办理说明 {{ forloop.counter }}</td><td>兴安盟政务服务中心</td></tr>\n"
    loop = "{% for id, title in items %}" + row + "{% endfor %}"
    filler = "<p>" + "兴安盟一体化电子政务平台参考页面。" * 20 + "</p>\n"
    body = "<html><body><h1>{{ total }}</h1><table>" + loop + "</table>\n"
    while len(body.encode()) < 30 * 1024 - 2000:
        body += filler
    (tmp / "page.html").write_text(body + "</body></html>\n")
    with sqlite3.connect(tmp / "db.sqlite3") as db:
        db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, title TEXT)")
        db.executemany("INSERT INTO item VALUES (?, ?)", [(i, f"事项 {i}") for i in range(100)])
    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", "2", "-b", "127.0.0.1:18401", "--chdir", str(tmp), "refapp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    conf = tmp / "nginx.conf"
    conf.write_text(
        textwrap.dedent(
            f"""
            worker_processes 2; user root; pid {tmp}/nginx.pid; error_log {tmp}/error.log warn;
            events {{ worker_connections 1024; }}
            http {{ access_log off;
              server {{ listen 127.0.0.1:18402; location / {{ root {tmp}/static; default_type text/html; }} }} }}
            """
        )
    )
    nginx = None
    try:
        html = wait_for("http://127.0.0.1:18401/")
        (tmp / "static").mkdir()
        (tmp / "static" / "page.html").write_bytes(html)
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        nginx = subprocess.Popen([nginx_bin, "-c", str(conf), "-p", str(tmp), "-g", "daemon off;"])
        wait_for("http://127.0.0.1:18402/page.html")
        wrk("http://127.0.0.1:18401/", 2)
        django_rps, django_p99 = wrk("http://127.0.0.1:18401/", args.duration)
        nginx_rps, nginx_p99 = wrk("http://127.0.0.1:18402/page.html", args.duration)
        pids = subprocess.run(["pgrep", "-P", str(gunicorn.pid)], capture_output=True, text=True).stdout.split()
        rss = [
            int(m.group(1)) for p in pids if (m := re.search(r"VmHWM:\s+(\d+)", Path(f"/proc/{p}/status").read_text()))
        ]
    finally:
        gunicorn.terminate()
        if nginx is not None:
            nginx.terminate()
        gunicorn.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(f"page {len(html) / 1024:.1f} KB; {args.duration} s per run, 16 connections, wrk -t2; load {' '.join(load)}")
    print(f"bare Django view, 2 queries, middleware {args.middleware:<8} {django_rps:>10.0f} req/s   p99 {django_p99}")
    print(f"nginx static file, same HTML                      {nginx_rps:>10.0f} req/s   p99 {nginx_p99}")
    print(
        "issue 5's reference machine: ~400 and ~55,000 req/s; "
        f"this machine: x{django_rps / 400:.2f} and x{nginx_rps / 55000:.2f}"
    )
    print(f"peak RSS gunicorn worker {max(rss, default=0) / 1024:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
