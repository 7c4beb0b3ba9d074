# gunicorn settings for one web node (2 cores): `gunicorn -c docs/deploy/gunicorn.conf.py config.wsgi`
bind = "127.0.0.1:8001"
workers = 2
threads = 4
worker_class = "gthread"
max_requests = 5000
max_requests_jitter = 500
timeout = 30
graceful_timeout = 20
accesslog = "-"
forwarded_allow_ips = "127.0.0.1"
