"""gunicorn settings for `make prod` and the `web` service of docker-compose.yml, read from the environment.

Threaded workers keep connections alive (a CDN or load balancer reuses them); the cache answers most
requests without the database, so a few workers per core are enough.
"""

import multiprocessing
import os

from plan_api import limits

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count())
# gunicorn's threaded worker ("gthread"), writing the errors gunicorn answers by itself (a request line or
# header fields over the limits below, a malformed request) as problem+json like every other error.
worker_class = "plan_api.gunicorn_worker.ProblemThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is killed; the database's statement_timeout (5 s) ends first.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak cannot grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# What gunicorn reads of a request (README, "Request limits"): the longest request line it can read, so that every
# query string Django accepts (MAX_QUERY_STRING_LENGTH) fits with any path, and its default header limits.
limit_request_line = limits.REQUEST_LINE
limit_request_fields = limits.REQUEST_FIELDS
limit_request_field_size = limits.REQUEST_FIELD_SIZE
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None  # "-" logs every request to stdout
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning").lower()
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "plan_api.wsgi:application"


def on_starting(server):
    """With the embedded database, make the master one of its users for as long as it runs.

    The embedded server stops when the last process using it exits; without this, restarting every worker at
    once (SIGHUP, or max_requests recycling both together) could stop it under the new workers' feet.
    """
    if not os.environ.get("DATABASE_URL"):
        from plan_api import embedded_db

        embedded_db.ensure_running()
