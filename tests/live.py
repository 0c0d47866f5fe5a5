"""A real gunicorn (gunicorn.conf.py: the worker class, the request limits) on a loopback port, serving the test
database that the session loaded, for tests about what happens outside Django and for generated clients.

It reads the same committed rows as the suite; it never writes, so the tests' transactions are not disturbed.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _test_database_environment():
    """DATABASE_URL naming the test database, and libpq's variables for where it is (a Unix socket of the
    embedded server, or the host of DATABASE_URL)."""
    params = connection.get_connection_params()
    environment = {"DATABASE_URL": f"postgresql://{params.get('user') or 'postgres'}@/{params['dbname']}"}
    for variable, name in (("PGHOST", "host"), ("PGPORT", "port"), ("PGPASSWORD", "password")):
        if params.get(name):
            environment[variable] = str(params[name])
    return environment


@contextmanager
def gunicorn(**environment):
    """Start gunicorn as `make prod` does (one worker, development settings: no TLS redirect, static files from
    the apps) and yield its base URL; stop it on exit."""
    port = free_port()
    env = {
        **os.environ,
        **_test_database_environment(),
        "DJANGO_SETTINGS_MODULE": "plan_api.settings",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "THROTTLE_ANON_RATE": "off",
        **environment,
    }
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn")], cwd=BASE_DIR, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_healthy(base, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {base}/healthz within {seconds} s")
