"""A worker keeps its database session from one request to the next (persistent connections, issue 12).

Starting a PostgreSQL session costs the server more than the queries of a whole request; gunicorn's threads
each keep theirs for DATABASE_CONN_MAX_AGE seconds. What a restart of the database does to a kept session (a
503, then recovery) is tested in tests/test_database_outage.py.
"""

import time

import psycopg
import pytest
from django.db import connection, connections

from tests.conftest import PLAN
from tests.live import gunicorn, libpq_arguments, request, session_database_env

APPLICATION = "plan-api-persistence-test"


def _sessions():
    """(pid, backend_start) of the sessions the server under test holds on the test database."""
    database = connection.settings_dict
    with psycopg.connect(**libpq_arguments(database, database["NAME"])) as admin:
        return admin.execute(
            "SELECT pid, backend_start FROM pg_stat_activity WHERE application_name = %s", [APPLICATION]
        ).fetchall()


@pytest.mark.django_db
def test_one_worker_thread_answers_twenty_uncached_requests_on_one_database_session():
    env = {
        **session_database_env(),
        "PGAPPNAME": APPLICATION,  # libpq names the server's sessions so that they can be told apart
        "RESPONSE_CACHE_ENABLED": "false",
        "THROTTLE_ANON_RATE": "off",
        "GUNICORN_THREADS": "1",
    }
    with gunicorn(env, workers=1) as port:
        assert request(port, f"/api/v1/plans/{PLAN}/articles/1/")[0] == 200
        first = _sessions()
        for number in range(2, 22):
            assert request(port, f"/api/v1/plans/{PLAN}/articles/{number}/")[0] == 200
        assert len(first) == 1
        assert _sessions() == first


def test_a_kept_session_the_server_ended_is_found_unusable_without_a_round_trip(tmp_path):
    """CONN_HEALTH_CHECKS runs is_usable() before each request's first query: it reads the socket and sends nothing
    (libpq's trace of the protocol stays empty), where Django's own sends a `SELECT 1`."""
    wrapper = connections.create_connection("default")
    trace = tmp_path / "libpq.trace"
    try:
        wrapper.ensure_connection()
        with trace.open("w") as out:
            wrapper.connection.pgconn.trace(out.fileno())
            assert wrapper.is_usable()
            wrapper.connection.pgconn.untrace()
        assert trace.read_text() == ""

        database = wrapper.settings_dict
        with psycopg.connect(**libpq_arguments(database, database["NAME"])) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [wrapper.connection.info.backend_pid])
        deadline = time.monotonic() + 5
        while wrapper.is_usable() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not wrapper.is_usable()
    finally:
        wrapper.close()
