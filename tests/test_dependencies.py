"""A Redis or a database that is away, refuses, or accepts and never answers: every wait is bounded, /healthz
answers, the cache keeps serving, and the log says so once, not once per request.

The silent dependencies are real sockets: a loopback listener that accepts connections and never writes a byte
(a hung Redis or PostgreSQL), and a proxy in front of the test database that can fall silent. The servers are
real gunicorn processes; the bounds on time are bounds ("under a second"), not measurements.
"""

import concurrent.futures
import logging
import socket
import threading
import time

import pytest
from django.db import connection

from plan_api.settings import caches_from_url
from tests.conftest import PLAN
from tests.live import free_port, gunicorn, request, session_database_env

ARTICLE = f"/api/v1/plans/{PLAN}/articles/7/"


class SilentServer:
    """Accepts every connection on a loopback port and never answers (nor closes) until stopped."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.listener.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.close()
        for sock in self.accepted:
            sock.close()


class Proxy(SilentServer):
    """Forwards each connection to `target` (a Unix socket path or a (host, port)) until silence(); from then on
    it has dropped the connections it was forwarding, and holds new ones without a word, like a database that
    hangs on a restart."""

    def __init__(self, target):
        self.target = target
        self.silent = False
        self.pairs = []
        super().__init__()

    def _accept(self):
        while True:
            try:
                client = self.listener.accept()[0]
            except OSError:
                return
            if self.silent:
                self.accepted.append(client)
                continue
            family = socket.AF_UNIX if isinstance(self.target, str) else socket.AF_INET
            upstream = socket.socket(family)
            upstream.connect(self.target)
            self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def silence(self):
        self.silent = True
        for pair in self.pairs:
            for sock in pair:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.silence()
        super().close()


def timed(port, path):
    started = time.monotonic()
    status, headers, body = request(port, path, timeout=30)
    return status, headers, body, time.monotonic() - started


def outage_lines(log, name):
    return [line for line in log.read_text().splitlines() if f"{name} unavailable" in line]


@pytest.fixture
def silent():
    server = SilentServer()
    yield server
    server.close()


def test_a_refused_redis_is_logged_once_not_once_per_request(api, settings, caplog):
    settings.CACHES = {"default": caches_from_url(f"redis://127.0.0.1:{free_port()}/0")}  # nothing listens
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10000/minute"}}
    caplog.set_level(logging.WARNING)

    statuses = [api.get(ARTICLE).status_code for _ in range(30)]

    assert statuses == [200] * 30
    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith("redis unavailable (ConnectionError: ")


def test_with_a_silent_redis_every_request_and_healthz_answer_within_a_second(django_db_blocker, silent, tmp_path):
    with django_db_blocker.unblock():
        env = session_database_env()
    env |= {
        "CACHE_URL": f"redis://127.0.0.1:{silent.port}/0",
        "THROTTLE_ANON_RATE": "10000/minute",  # counted in the same silent Redis
        "DEPENDENCY_RETRY_SECONDS": "60",  # no second attempt during the test
    }
    log = tmp_path / "server.log"
    # Small answers, as many clients as the server has threads: what is measured is the wait on Redis.
    paths = [
        f"/api/v1/plans/{PLAN}/{kind}/{n}/"
        for kind, count in (("principles", 6), ("goals", 8))
        for n in range(1, count + 1)
    ]
    with gunicorn(env, workers=1, log=log) as port:  # one worker with four threads
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            api = [pool.submit(timed, port, path) for path in paths * 3]
            healthz = [timed(port, "/healthz") for _ in range(5)]
            api = [future.result() for future in api]

    assert {status for status, *_ in api + healthz} == {200}
    # Each Redis call waits at most CACHE_TIMEOUT_MS (250 ms), and only until the first failure opens the
    # breaker; the rest is the view's own work (on a busy 2-core machine, up to a second).
    assert max(seconds for *_, seconds in api) < 2
    assert max(seconds for *_, seconds in healthz) < 1
    assert len(outage_lines(log, "redis")) == 1


def test_with_a_silent_database_cached_answers_stay_quick_and_the_rest_is_a_quick_503(django_db_blocker, tmp_path):
    with django_db_blocker.unblock():
        connection.ensure_connection()
        database = dict(connection.settings_dict)
    host, port = database["HOST"] or "localhost", int(database["PORT"] or 5432)
    proxy = Proxy(f"{host}/.s.PGSQL.{port}" if host.startswith("/") else (host, port))
    env = {
        "DATABASE_URL": f"postgresql://{database['USER']}@127.0.0.1:{proxy.port}/{database['NAME']}",
        "PGPASSWORD": database["PASSWORD"] or "",
        "DATASET_VERSION_CHECK_SECONDS": "1",  # the cached versions expire during the test: the database is asked
        "DEPENDENCY_RETRY_SECONDS": "60",
        "THROTTLE_ANON_RATE": "10000/minute",  # counted in the same silent database
        "DATABASE_RETRY_AFTER": "7",
    }
    log = tmp_path / "server.log"
    try:
        with gunicorn(env, workers=1, log=log) as port:
            status, _, before, _ = timed(port, ARTICLE)
            assert status == 200
            proxy.silence()
            time.sleep(1.5)  # past DATASET_VERSION_CHECK_SECONDS

            cached = [timed(port, ARTICLE) for _ in range(10)]
            uncached = [timed(port, f"/api/v1/plans/{PLAN}/articles/{n}/") for n in range(10, 15)]
            healthz = [timed(port, "/healthz") for _ in range(3)]
            readyz = timed(port, "/readyz")
    finally:
        proxy.close()

    assert [(status, body) for status, _, body, _ in cached] == [(200, before)] * 10
    assert {(status, headers["Retry-After"]) for status, headers, _, _ in uncached} == {(503, "7")}
    assert {status for status, *_ in healthz} == {200}
    assert readyz[0] == 503
    # The first request to need the database waits out one connection attempt (DATABASE_CONNECT_TIMEOUT, 2 s);
    # every other answers at once.
    seconds = sorted(seconds for *_, seconds in cached + uncached + healthz + [readyz])
    assert seconds[-1] < 2 + 1
    assert seconds[-2] < 1
    assert len(outage_lines(log, "database default")) == 1
    assert "Service Unavailable" not in log.read_text()  # no line per 503
