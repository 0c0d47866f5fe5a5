"""gunicorn settings for `make prod` and the `web` service of docker-compose.yml, read from the environment.

Threaded workers keep connections alive (a CDN or load balancer reuses them); the cache answers most
requests without the database, so a few workers per core are enough. A bad value stops gunicorn with
ImproperlyConfigured naming the variable, as in the Django settings (plan_api/env.py).
"""

import multiprocessing

from plan_api import gunicorn_worker, limits
from plan_api.env import envint, envloglevel, envstr

bind = f"{envstr('HOST', '127.0.0.1')}:{envint('PORT', 8000, minimum=1, maximum=65535)}"
workers = envint("WEB_CONCURRENCY", multiprocessing.cpu_count(), minimum=1, maximum=1000)
# gunicorn's threaded worker ("gthread"), writing the errors gunicorn answers by itself (a request line or
# header fields over the limits below, a malformed request) as problem+json like every other error.
worker_class = "plan_api.gunicorn_worker.ProblemThreadWorker"
# gunicorn's own request parser, whichever is installed: its refusals are the ones the worker answers and the tests
# check. gunicorn[fast]'s C parser (gunicorn_h1c), which "auto" would pick up, accepts a folded header line that
# this one refuses with a 400.
http_parser = "python"
# MiB of resident memory past which the worker class restarts a worker (0: never). The worker reads the variable
# itself; checked here, a bad value stops gunicorn at its start, naming the variable.
max_worker_memory = envint("GUNICORN_MAX_WORKER_MEMORY", gunicorn_worker.DEFAULT_MAX_WORKER_MEMORY, minimum=0)
threads = envint("GUNICORN_THREADS", 4, minimum=1, maximum=1000)
# A request that takes longer than this is killed; the database's statement_timeout (5 s) ends first.
timeout = envint("GUNICORN_TIMEOUT", 30, minimum=0)
graceful_timeout = 10
keepalive = envint("GUNICORN_KEEPALIVE", 5, minimum=0)
# No recycling by a count of requests (0): at cached rates that restarted a worker every minute or two, emptying its
# response cache. The worker class restarts a worker whose memory grows past GUNICORN_MAX_WORKER_MEMORY instead, which
# is what a slow leak would make it do. GUNICORN_MAX_REQUESTS still turns gunicorn's recycling on.
max_requests = envint("GUNICORN_MAX_REQUESTS", 0, minimum=0)
max_requests_jitter = max_requests // 10
# What gunicorn reads of a request (README, "Request limits"): the longest request line it can read, so that every
# query string Django accepts (MAX_QUERY_STRING_LENGTH) fits with any path, and its default header limits.
limit_request_line = limits.REQUEST_LINE
limit_request_fields = limits.REQUEST_FIELDS
limit_request_field_size = limits.REQUEST_FIELD_SIZE
accesslog = envstr("GUNICORN_ACCESSLOG", None)  # "-" logs every request to stdout
errorlog = "-"
loglevel = envloglevel("LOG_LEVEL", "WARNING").lower()
forwarded_allow_ips = envstr("FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "plan_api.wsgi:application"


def on_starting(server):
    """With the embedded database, make the master one of its users for as long as it runs.

    The embedded server stops when the last process using it exits; without this, restarting every worker at
    once (SIGHUP, or max_requests recycling both together) could stop it under the new workers' feet.
    """
    if not envstr("DATABASE_URL", ""):
        from plan_api import embedded_db

        embedded_db.ensure_running()
