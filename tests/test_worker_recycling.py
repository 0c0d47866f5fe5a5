"""A gunicorn worker is restarted when its memory grows, not after a count of requests (issue 12).

gunicorn's `max_requests` restarted each worker after 100,000 requests (± 10 %): at cached rates every minute or two,
throwing away its warm response cache and its database connections. plan_api.gunicorn_worker.ProblemThreadWorker
reads its resident memory every MEMORY_CHECK_EVERY requests and restarts only past GUNICORN_MAX_WORKER_MEMORY.
"""

import collections
import http.client
import subprocess
import sys
from pathlib import Path

import pytest

from plan_api.gunicorn_worker import MEMORY_CHECK_EVERY
from tests.live import gunicorn, session_database_env

BASE_DIR = Path(__file__).resolve().parent.parent


def _answer(port, requests):
    """Send `requests` requests one after another on keep-alive connections (a new one whenever the server closes
    one); each must be answered 200."""
    conn = None
    for _ in range(requests):
        conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/v1/")
        response = conn.getresponse()
        response.read()
        assert response.status == 200
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = None
    if conn:
        conn.close()


def _gunicorn_config(**env):
    """gunicorn's settings as gunicorn.conf.py resolves them with this environment (`gunicorn --print-config`)."""
    printed = subprocess.run(
        [str(Path(sys.executable).parent / "gunicorn"), "--print-config"],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {name.strip(): value.strip() for name, _, value in (line.partition("=") for line in printed.splitlines())}


def test_gunicorn_does_not_restart_workers_after_a_count_of_requests_unless_asked():
    assert _gunicorn_config()["max_requests"] == "0"
    assert _gunicorn_config(GUNICORN_MAX_REQUESTS="50000")["max_requests"] == "50000"


@pytest.mark.django_db
def test_a_worker_whose_memory_passes_the_limit_is_restarted_and_no_request_is_lost(tmp_path):
    log = tmp_path / "access.log"
    # 1 MiB: every worker is over it. (Under the default, 1 GiB, a worker serving the API holds about 300 MiB.)
    env = {**session_database_env(), "THROTTLE_ANON_RATE": "off", "GUNICORN_MAX_WORKER_MEMORY": "1"}
    with gunicorn(env, workers=1, args=("--access-logfile", str(log), "--access-logformat", "%(p)s %(U)s")) as port:
        _answer(port, 3 * MEMORY_CHECK_EVERY)
    answers = [pid for pid, path in (line.split() for line in log.read_text().splitlines()) if path == "/api/v1/"]
    assert len(answers) == 3 * MEMORY_CHECK_EVERY
    # A worker answers about MEMORY_CHECK_EVERY requests and the next takes over (a stopping worker still answers
    # a connection it had accepted).
    per_worker = collections.Counter(answers).values()
    assert len(per_worker) >= 3 and max(per_worker) <= MEMORY_CHECK_EVERY + 2, per_worker
