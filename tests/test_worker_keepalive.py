"""A keep-alive connection's next request is served by the thread that answered the one before (issue 12).

plan_api.gunicorn_worker.ProblemThreadWorker lets that thread wait for the connection's next request for
KEEPALIVE_LINGER, instead of handing the connection back to gunicorn's event loop at once, while the worker holds
no more connections than it has threads. What must hold whichever way a request is served: every request is
answered, in order, on its connection, also after a pause or when requests come pipelined; a client that closes its
connection costs nothing; and a connection that keeps sending never keeps another waiting for its thread.
"""

import http.client
import json
import socket
import threading
import time

import pytest

from plan_api.gunicorn_worker import KEEPALIVE_LINGER
from tests.live import BASE_DIR, development_server, gunicorn, session_database_env

PATHS = ["/healthz", "/api/v1/", "/readyz"]


def _env(threads):
    return {**session_database_env(), "THROTTLE_ANON_RATE": "off", "GUNICORN_THREADS": str(threads)}


def _read_answers(sock, count):
    """The (status, body) of `count` answers read from a raw socket, each with a Content-Length."""
    reader = sock.makefile("rb")
    answers = []
    for _ in range(count):
        status = int(reader.readline().split()[1])
        length = 0
        while (line := reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        answers.append((status, reader.read(length)))
    return answers


@pytest.mark.django_db
def test_requests_on_one_connection_are_answered_in_order_right_away_after_a_pause_and_pipelined():
    with gunicorn(_env(threads=2), workers=1) as port:
        expected = {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for path in PATHS:
            conn.request("GET", path)
            response = conn.getresponse()
            expected[path] = response.read()
            assert response.status == 200
        sock = conn.sock
        for _ in range(5):  # one after another, the thread waiting for each
            for path in PATHS:
                conn.request("GET", path)
                response = conn.getresponse()
                assert (response.status, response.read()) == (200, expected[path])
        time.sleep(KEEPALIVE_LINGER * 20)  # longer than a thread waits: the connection went back to the event loop
        conn.request("GET", "/api/v1/")
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, expected["/api/v1/"])
        assert conn.sock is sock  # one connection throughout

        # Three requests in one write: the second and third are read with the first.
        host = f"127.0.0.1:{port}"  # as http.client sent it: the answers' URLs name it
        sock.sendall(b"".join(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode() for path in PATHS))
        assert _read_answers(sock, len(PATHS)) == [(200, expected[path]) for path in PATHS]
        conn.close()


@pytest.mark.django_db
def test_a_connection_that_keeps_sending_does_not_keep_another_waiting_for_the_only_thread():
    with gunicorn(_env(threads=1), workers=1) as port:
        busy = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        stop, answered = threading.Event(), []

        def keep_sending():
            while not stop.is_set():
                busy.request("GET", "/healthz")
                response = busy.getresponse()
                response.read()
                answered.append(response.status)

        sender = threading.Thread(target=keep_sending)
        sender.start()
        try:
            while len(answered) < 20:  # the busy connection holds the thread, its next request always on its way
                time.sleep(0.01)
            other = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            other.request("GET", "/api/v1/")
            response = other.getresponse()
            assert response.status == 200
            response.read()
            other.close()
            assert sender.is_alive()  # answered while the busy connection went on sending
        finally:
            stop.set()
            sender.join(timeout=10)
            busy.close()
    assert set(answered) == {200}


@pytest.mark.django_db
def test_a_client_that_closes_its_connection_after_an_answer_leaves_the_worker_serving(tmp_path):
    log = tmp_path / "gunicorn.log"
    with gunicorn(_env(threads=1), workers=1, log=log) as port:
        for _ in range(10):
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                assert _read_answers(sock, 1)[0][0] == 200
            # closed while the only thread waits for its next request
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/api/v1/")
        assert conn.getresponse().status == 200
        conn.close()
    assert "Traceback" not in log.read_text()
    assert "Error" not in log.read_text()


def _read_answer(reader, *, head=False):
    """(status, {header: value}, body) of the next answer read from a socket's file: the body by its Content-Length,
    none for a HEAD or a 304."""
    status = int(reader.readline().split()[1])
    headers = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    body = b"" if head or status == 304 else reader.read(int(headers.get("content-length", 0)))
    return status, headers, body


@pytest.mark.django_db
def test_answers_without_a_body_with_a_file_and_after_a_request_body_come_whole_on_one_connection():
    # The worker sends an answer's headers together with its body; an answer without a body (HEAD, 304) still
    # gets its headers, a static file (sendfile) its headers first, and a request's unread body is drained
    # before the next request is read.
    # Development settings: WhiteNoise serves the apps' static files as they are (production serves what
    # collectstatic wrote, under hashed names).
    with development_server() as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            host = f"Host: 127.0.0.1:{port}\r\n"
            reader = sock.makefile("rb")

            def ask(request, *, head=False):
                sock.sendall(request.encode())
                return _read_answer(reader, head=head)

            status, headers, body = ask(f"GET /api/v1/ HTTP/1.1\r\n{host}\r\n")
            assert status == 200 and len(body) == int(headers["content-length"]) > 0
            etag = headers["etag"]

            status, head_headers, _ = ask(f"HEAD /api/v1/ HTTP/1.1\r\n{host}\r\n", head=True)
            assert (status, head_headers["content-length"], head_headers["etag"]) == (
                200,
                headers["content-length"],
                etag,
            )

            status, _, body = ask(f"GET /api/v1/ HTTP/1.1\r\n{host}If-None-Match: {etag}\r\n\r\n")
            assert (status, body) == (304, b"")

            status, css_headers, css = ask(f"GET /static/web/site.css HTTP/1.1\r\n{host}\r\n")
            assert status == 200 and css_headers["content-type"].startswith("text/css")
            assert css == (BASE_DIR / "web" / "static" / "web" / "site.css").read_bytes()

            # A GET with a body the view never reads, then a POST the API refuses: each body is left behind.
            status, _, body = ask(f"GET /api/v1/ HTTP/1.1\r\n{host}Content-Length: 11\r\n\r\nhello world")
            assert status == 200 and json.loads(body)["version"] == "v1"
            status, _, body = ask(
                f"POST /api/v1/ HTTP/1.1\r\n{host}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{{}}"
            )
            assert status == 405
            status, _, body = ask(f"GET /api/v1/ HTTP/1.1\r\n{host}\r\n")
            assert status == 200 and json.loads(body)["version"] == "v1"
