"""The rate limit as deployed: a real gunicorn with two workers, counting in the store they share.

The server reads the suite's test database (where the plans are loaded) with THROTTLE_ANON_RATE=100/hour, so
that a client earns back one request every 36 s: within the few seconds of a test, the limit is 100.
The response cache is off, so that every request reaches a view and is counted. Each test runs twice: counts
in the database (no CACHE_URL), and in Redis (CACHE_URL; skipped when no Redis answers at 127.0.0.1:6379).
"""

import concurrent.futures
import http.client
import random
import re
import uuid
from collections import Counter

import pytest
import redis
from django.db import connection

from tests.conftest import PLAN
from tests.live import gunicorn, request, session_database_env

LIMIT = 100


REDIS_URL = "redis://127.0.0.1:6379/11"  # a database number of its own on the shared Redis


@pytest.fixture(scope="module", params=["database", "redis"])
def server(request, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        env = session_database_env()
    env |= {"THROTTLE_ANON_RATE": f"{LIMIT}/hour", "RESPONSE_CACHE_ENABLED": "false", "NUM_PROXIES": ""}
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        try:
            client.ping()
        except redis.RedisError:
            pytest.skip("no Redis at 127.0.0.1:6379")
        prefix = f"plan-api-test-{uuid.uuid4().hex}"
        env |= {"CACHE_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    access_log = tmp_path_factory.mktemp("gunicorn") / "access.log"
    # Each line of the access log: the worker's pid and the status.
    access = ("--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s")
    with gunicorn(env, workers=2, args=access) as port:
        yield {"port": port, "access_log": access_log}
    if request.param == "redis":
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    else:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM plan_api_throttle")  # the counts the server wrote (committed)


def _path(n):
    return f"/api/v1/plans/{PLAN}/principles/{1 + n % 6}/"  # small answers: the point is the count


def test_a_burst_is_cut_at_the_limit_across_workers(server):
    # 300 requests from 127.0.0.1, eight at a time, each on a new connection, so that both workers take some.
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        statuses = Counter(pool.map(lambda n: request(server["port"], _path(n))[0], range(300)))

    assert statuses == {200: LIMIT, 429: 300 - LIMIT}
    served_by = Counter(
        line.split()[0] for line in server["access_log"].read_text().splitlines() if line.endswith(" 200")
    )
    assert len(served_by) == 2  # both workers answered, and together they let the limit through, not twice it


def test_forged_forwarded_addresses_are_one_client_and_spend_no_one_elses_quota(server):
    victim = "127.0.0.2"
    attacker = http.client.HTTPConnection("127.0.0.1", server["port"], timeout=10, source_address=("127.0.0.3", 0))
    forged = [victim if n % 3 == 0 else f"198.51.100.{random.randrange(1, 255)}" for n in range(300)]
    statuses = Counter(
        request(server["port"], _path(n), headers={"X-Forwarded-For": address}, connection_=attacker)[0]
        for n, address in enumerate(forged)
    )
    attacker.close()
    assert statuses == {200: LIMIT, 429: 300 - LIMIT}

    # The address the attacker wrote in a third of its requests still has its whole allowance.
    victims = Counter(request(server["port"], _path(n), source=victim)[0] for n in range(LIMIT))
    assert victims == {200: LIMIT}
    status, headers, body = request(server["port"], _path(0), source=victim)
    assert status == 429
    assert headers["Content-Type"] == "application/problem+json"
    assert re.fullmatch(r"\d+", headers["Retry-After"]) and 0 < int(headers["Retry-After"]) <= 36
