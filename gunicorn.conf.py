"""gunicorn settings for the office's server (`make serve`). Each can be changed from the environment."""

import multiprocessing
import os

# Behind the TLS proxy (nginx) on the same machine; GUNICORN_BIND=0.0.0.0:8000 only on a closed network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads let a slow download (a large export streams for seconds) leave the other requests moving.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The longest request is an .xlsx export of 200.000 rows (about 20 s); imports run in their own process.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
graceful_timeout = 30
# Longer than a person's pause between pages, so a kept-alive connection is not closed under a request.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced now and then, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Only the proxy on this machine may say the request came in over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Optional TLS straight from gunicorn (no proxy): GUNICORN_CERTFILE and GUNICORN_KEYFILE.
certfile = os.environ.get("GUNICORN_CERTFILE") or None
keyfile = os.environ.get("GUNICORN_KEYFILE") or None
