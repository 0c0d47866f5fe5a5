"""The admin, when ADMIN_PATH mounts it, throttles failed logins per client address and per username.

ADMIN_PATH changes the installed apps, so the admin runs in a real gunicorn (two workers)
on a database of its own, created on the test database's server, migrated with the admin's tables and given
two staff accounts; it is dropped afterwards. Every request is a new connection, so both workers take some:
the failures are counted where both see them (the database, or Redis when CACHE_URL names one).
"""

import http.client
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest
import redis
from django.db import connections

from tests.live import gunicorn

BASE_DIR = Path(__file__).resolve().parent.parent
ADMIN = "staff-3f9c"
PASSWORD = "a long staff password 7f3e"
REDIS_URL = "redis://127.0.0.1:6379/11"


@pytest.fixture(scope="module")
def admin_database(django_db_blocker):
    """DATABASE_URL (with PG* variables) of a fresh database with the admin's tables and two staff accounts."""
    with django_db_blocker.unblock():
        connections["default"].ensure_connection()
        database = dict(connections["default"].settings_dict)
    name = f"{database['NAME']}_admin"
    server = {"host": database["HOST"] or None, "port": database["PORT"] or None, "user": database["USER"]}
    server["password"] = database["PASSWORD"] or None
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        "DATABASE_URL": f"postgresql://{database['USER']}@/{name}",
        "PGHOST": str(database["HOST"] or "localhost"),
        "PGPORT": str(database["PORT"] or 5432),
        "PGPASSWORD": database["PASSWORD"] or "",
        "ADMIN_PATH": ADMIN,
        # The admin's pages need their static files: collected in production, found in place in development.
        "DJANGO_SETTINGS_MODULE": "plan_api.settings",
    }
    manage = [sys.executable, "manage.py"]
    run_env = {**os.environ, **env}
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=run_env, check=True, timeout=300)
    staff = "; ".join(
        f"User.objects.create_superuser({username!r}, '{username}@example.org', {PASSWORD!r})"
        for username in ("editor", "other")
    )
    command = f"from django.contrib.auth.models import User; {staff}"
    subprocess.run([*manage, "shell", "-c", command], cwd=BASE_DIR, env=run_env, check=True, timeout=120)
    yield {"env": env, "connect": {**server, "dbname": name, "autocommit": True}}
    with psycopg.connect(**server, dbname="postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["database", "redis"])
def admin(request, admin_database):
    env = dict(admin_database["env"])
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        try:
            client.ping()
        except redis.RedisError:
            pytest.skip("no Redis at 127.0.0.1:6379")
        prefix = f"plan-api-test-{uuid.uuid4().hex}"
        env |= {"CACHE_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    with gunicorn(env, workers=2) as port:
        yield port
    if request.param == "redis":
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    else:
        with psycopg.connect(**admin_database["connect"]) as db:
            db.execute("DELETE FROM axes_accessattempt")  # the failures the server counted (committed)


def log_in(port, username, password, *, source, forwarded_for=None):
    """Fetch the login page, then post the form, as a browser would; the response to the post."""
    path = f"/{ADMIN}/login/?next=/{ADMIN}/"
    page = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    page.request("GET", path)
    response = page.getresponse()
    form = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    page.close()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
    headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password, "next": f"/{ADMIN}/"})
    post = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    post.request("POST", path, body=body, headers=headers)
    response = post.getresponse()
    answer = (response.status, dict(response.getheaders()), response.read())
    post.close()
    return answer


def test_a_username_is_locked_after_five_failures_whoever_tries_it(admin):
    failures = [log_in(admin, "editor", f"guess {n}", source="127.0.0.3")[0] for n in range(5)]
    assert failures == [200] * 4 + [429]  # the login page again with its error, until the fifth failure

    # The right password, even from another address, no longer opens the account for a while.
    status, headers, body = log_in(admin, "editor", PASSWORD, source="127.0.0.4")
    assert status == 429
    assert headers["Content-Type"] == "application/problem+json"
    assert headers["Retry-After"] == "900"
    assert json.loads(body)["detail"] == "Too many failed logins; try again in 15 minutes."
    # Other staff, from an address that did nothing wrong, log in as usual.
    assert log_in(admin, "other", PASSWORD, source="127.0.0.5")[0] == 302


def test_an_address_is_locked_after_five_failures_whatever_it_writes_in_x_forwarded_for(admin):
    for n in range(5):
        log_in(admin, f"nobody{n}", "guess", source="127.0.0.6", forwarded_for=f"198.51.100.{n}")
    status, _, _ = log_in(admin, "other", PASSWORD, source="127.0.0.6", forwarded_for="198.51.100.99")
    assert status == 429
    assert log_in(admin, "other", PASSWORD, source="127.0.0.7")[0] == 302
