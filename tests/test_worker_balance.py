"""gunicorn's workers share the connections out evenly (issue 12), and a worker that takes no share stalls none.

Every worker waits on the same listening socket. Without help, the worker that wakes first accepts a whole burst
of connections (a load balancer's keep-alive pool, a benchmark's) and serves them all while the others idle.
plan_api.gunicorn_worker.ProblemThreadWorker leaves new connections to the other workers while all its threads
are busy, for a millisecond at most.
"""

import collections
import signal
import socket
import time

import psutil
import pytest

from tests.live import gunicorn, request, session_database_env


def _burst(port, connections, label):
    """Open `connections` connections one after another, then send a request on each and read every answer."""
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(connections)]
    try:
        for number, sock in enumerate(sockets):
            sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Connection: {label}-{number}\r\n\r\n".encode())
        return [sock.recv(65536).split(b" ", 2)[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _until_both_workers_answer(port, log):
    """Bursts (labelled "warm") until each of the two workers has answered one: a worker still starting takes none."""
    for attempt in range(50):
        _burst(port, 4, f"warm{attempt}")
        time.sleep(0.1)
        if len({line.split()[0] for line in log.read_text().splitlines()}) == 2:
            return
    raise AssertionError("the second worker never answered")


def _workers(port):
    """The worker processes of the gunicorn this test started on `port`."""
    for child in psutil.Process().children():
        if child.environ().get("PORT") == str(port):
            return child.children()
    raise AssertionError(f"no gunicorn of this test serves port {port}")


@pytest.mark.django_db
def test_two_workers_each_accept_about_half_of_a_burst_of_connections(tmp_path):
    log = tmp_path / "access.log"
    access_log = ("--access-logfile", str(log), "--access-logformat", "%(p)s %({x-connection}i)s")
    env = {**session_database_env(), "THROTTLE_ANON_RATE": "off", "GUNICORN_THREADS": "4"}
    with gunicorn(env, workers=2, args=access_log) as port:
        _until_both_workers_answer(port, log)
        for burst in range(10):
            time.sleep(0.3)  # each burst finds both workers idle, waiting for connections
            assert _burst(port, 32, burst) == [b"200"] * 32
    served = [line.split() for line in log.read_text().splitlines()]
    bursts = collections.defaultdict(collections.Counter)  # burst -> worker -> connections
    for pid, label in served:
        if label != "-" and not label.startswith("warm"):
            bursts[label.split("-")[0]][pid] += 1
    assert sum(sum(workers.values()) for workers in bursts.values()) == 320
    # The busier worker of each burst. Without the pause, it took 26 of 32 on average, and often all 32.
    busier = [max(workers.values()) for workers in bursts.values()]
    assert sum(busier) <= 320 * 2 // 3, busier


@pytest.mark.django_db
def test_a_worker_that_takes_no_connections_leaves_them_to_the_others():
    env = {**session_database_env(), "THROTTLE_ANON_RATE": "off", "GUNICORN_THREADS": "1"}
    with gunicorn(env, workers=2) as port:
        stopped, _running = _workers(port)
        stopped.send_signal(signal.SIGSTOP)
        try:
            assert _burst(port, 16, "stopped") == [b"200"] * 16
            assert request(port, "/healthz")[0] == 200
        finally:
            stopped.send_signal(signal.SIGCONT)
