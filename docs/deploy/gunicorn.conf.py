# gunicorn settings for one web node (2 cores): `gunicorn -c docs/deploy/gunicorn.conf.py config.wsgi`
# Measured with bench/portal_http.py (figures in bench/README.md, the reasons in ADR 0020).
bind = "127.0.0.1:8001"
# One process per core; the work is CPU-bound Python (the GIL lets one thread run at a time), so more threads
# only stretch every request: with 4 threads per worker the p99 of uncached pages at 16 clients was 100-140 ms,
# with 1 it is 57-72 ms at the same throughput. gthread still keeps nginx's keep-alive connections.
workers = 2
threads = 1
worker_class = "gthread"
# Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new connections over them. Without
# it, whichever worker accepted first kept most of the long-lived keep-alive connections (nginx's upstream pool)
# and the other idled: throughput swung between ~170 and ~390 req/s from one run to the next.
reuse_port = True
# Workers are forked from a master that has imported Django already (no connection is opened at import), so a
# worker recycled after max_requests is back in milliseconds instead of the ~1 s of a fresh Django start-up —
# at the page cache's thousands of requests per second a fresh start-up every few seconds was a main cost.
preload_app = True
max_requests = 20000
max_requests_jitter = 2000
timeout = 30
graceful_timeout = 20
# nginx writes the access log (it also sees the requests it answers from its own cache, which never reach
# gunicorn); a second log line per request here cost ~10 % of a page-cache hit's CPU. Errors still go to stderr.
accesslog = None
forwarded_allow_ips = "127.0.0.1"


def post_fork(server, worker):
    # What the master imported is frozen out of the garbage collector, which runs less often (config/workers.py).
    from config.workers import prepare_worker

    prepare_worker()
