"""A real gunicorn (gunicorn.conf.py: the worker class, the request limits) started by a test on a loopback port,
serving the test database that the session loaded: for tests about what happens outside Django (throttling across
workers, dependencies going away, gunicorn's own errors) and for generated clients.

It reads the same committed rows as the suite; tests that make it write use a database of their own.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_database_env():
    """Environment variables that point a process at the database this test session uses (libpq reads PG*)."""
    connection.ensure_connection()
    database = connection.settings_dict
    env = {"DATABASE_URL": f"postgresql://{database['USER']}@/{database['NAME']}"}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGPASSWORD", "PASSWORD")):
        if database.get(key):
            env[variable] = str(database[key])
    return env


def libpq_arguments(database, name):
    """psycopg connection arguments for database `name` on the server `database` (a Django settings dict) is on."""
    return {
        "host": database["HOST"] or None,
        "port": database["PORT"] or None,
        "user": database["USER"],
        "password": database["PASSWORD"] or None,
        "dbname": name,
        "autocommit": True,
    }


def request(port, path, *, source="127.0.0.1", headers=None, timeout=10, connection_=None):
    """(status, headers, body) of one GET, on a new connection from `source` unless one is given."""
    conn = connection_ or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        if connection_ is None:
            conn.close()


@contextmanager
def gunicorn(env, *, workers=2, log=None, args=()):
    """gunicorn with gunicorn.conf.py and production settings on a free loopback port; yields the port.

    Stopped (SIGTERM, then SIGKILL) when the block ends, whatever happened in it.
    """
    port = free_port()
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "plan_api.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
        **env,
    }
    output = open(log, "w") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), *args],
        env=full_env,
        cwd=BASE_DIR,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(port, "/healthz", process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if log:
            output.close()


def wait_for(port, path, process=None, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode} before answering")
        try:
            if request(port, path, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{path} did not answer 200 within {seconds} s")


@contextmanager
def development_server(**environment):
    """gunicorn on the session's test database with development settings (no TLS redirect, static files from the
    apps, no throttling), one worker of two threads; yields its base URL."""
    env = {
        **session_database_env(),
        "DJANGO_SETTINGS_MODULE": "plan_api.settings",
        "GUNICORN_THREADS": "2",
        "THROTTLE_ANON_RATE": "off",
        **environment,
    }
    with gunicorn(env, workers=1) as port:
        yield f"http://127.0.0.1:{port}"
