"""gunicorn's threaded worker, answering the requests gunicorn refuses by itself in the API's problem shape.

gunicorn reads each request before Django sees it and refuses some outright: a request line longer than
limit_request_line (414), more header fields than limit_request_fields or one longer than
limit_request_field_size (431), a malformed request line, method, header or HTTP version (400). Its worker
answers those with a small HTML page. This one lets gunicorn choose the status and log the request as it always
does, then sends the answer as application/problem+json (plan_api/problems.py) instead of the page.

It also shares connections out evenly between workers. Every worker waits on the same listening socket, and
the one that wakes first accepts every connection waiting there: a burst of keep-alive connections (a load
balancer's pool, a benchmark's) could all land on one worker and stay there, leaving the others idle. A worker
whose threads are all busy therefore stops accepting until one is free, for at most ACCEPT_PAUSE, so that a worker
with a free thread takes the next connection; if none does, it is accepted when the pause ends.

And it is recycled by memory rather than by a count of requests. gunicorn's `max_requests` restarts a worker after
so many requests, which at cached rates is every minute or two, throwing away its warm response cache and its
database connections. This worker instead looks at its resident memory every MEMORY_CHECK_EVERY requests and
restarts (after the request, as max_requests does) only when it exceeds GUNICORN_MAX_WORKER_MEMORY mebibytes: what a
slow leak would make it do, while a worker that does not grow keeps its cache.

And a thread that has answered a request on a keep-alive connection waits for that connection's next request
itself, for KEEPALIVE_LINGER at most, as long as the worker holds no more connections than it has threads (so that no
other connection waits for the thread). gunicorn's threaded worker hands every request from its event loop to a
thread and the connection back to the loop when the answer is sent: three thread wake-ups per request, which cost a
request at low concurrency (one client, a few) about a third of a millisecond on a small machine. Under load the
worker holds more connections than threads and serves each request through the event loop, as gunicorn does.

And it writes an answer's status line and headers together with its body (_HeldHeaders: one system call and one TCP
segment, where gunicorn makes two), and does not set the socket's timeout twice to drain a request body that a
request without one does not have.

gunicorn.conf.py names it as `worker_class`.
"""

import os
import re
import select
import time
from http import HTTPStatus

from gunicorn import util
from gunicorn.http.body import LengthReader
from gunicorn.workers.gthread import ThreadWorker

from plan_api.problems import PROBLEM_CONTENT_TYPE, problem_json

# Seconds a worker whose threads are all busy leaves new connections to the others, at most.
ACCEPT_PAUSE = 0.001
# A worker whose resident memory exceeds this many MiB is restarted after its current request (0: never).
DEFAULT_MAX_WORKER_MEMORY = 1024
# Requests between two readings of the worker's memory (a read of /proc/self/statm, a few microseconds).
MEMORY_CHECK_EVERY = 100
# Seconds a thread waits for the next request of the keep-alive connection it has just answered (a client's next
# request follows its answer within a fraction of a millisecond), looking every LINGER_SLICE whether the worker has
# taken more connections than it has threads meanwhile (then it hands the connection back to the event loop).
KEEPALIVE_LINGER = 0.005
LINGER_SLICE = 0.0005
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def max_worker_memory():
    """GUNICORN_MAX_WORKER_MEMORY in bytes (0: never restart). gunicorn.conf.py has checked it (plan_api.env, which
    this module may not import: it knows nothing of Django), so that a bad value stopped gunicorn at its start."""
    return int(os.environ.get("GUNICORN_MAX_WORKER_MEMORY", DEFAULT_MAX_WORKER_MEMORY)) * 2**20


def resident_memory():
    """This process's resident memory in bytes (Linux; 0 where /proc cannot tell)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


class _ErrorPage:
    """Stands in for the client's socket while gunicorn writes its error page, so that its status can be read."""

    def __init__(self):
        self.written = bytearray()

    def gettimeout(self):
        return 0.0  # as a non-blocking socket: gunicorn's util.write_nonblock() then just calls sendall()

    def sendall(self, data):
        self.written += data

    def status(self):
        match = re.match(rb"HTTP/1\.[01] (\d{3}) ", self.written)
        return int(match[1]) if match else 500


class _HeldHeaders:
    """The client's socket as gunicorn's Response writes an answer to it: the first write (the status line and
    headers) is held and sent with the next (the body, or its first piece), in one system call and one TCP segment
    instead of two. flush() sends what is still held (an answer without a body). Anything else is the socket's own,
    done after what is held has been sent (a file's answer, say, goes out by the socket's sendfile())."""

    def __init__(self, sock):
        self._sock = sock
        self._held = None
        self._first = True

    def sendall(self, data, *flags):
        if self._first:
            self._first = False
            self._held = bytes(data)
            return
        if self._held is not None:
            data, self._held = self._held + data, None
        self._sock.sendall(data, *flags)

    def flush(self):
        if self._held is not None:
            held, self._held = self._held, None
            try:
                self._sock.sendall(held)
            except OSError:
                pass  # the client went away, or the connection was closed after an error: nothing to answer

    def __getattr__(self, name):
        self.flush()
        return getattr(self._sock, name)


class ProblemThreadWorker(ThreadWorker):
    _paused_until = 0.0  # time.monotonic() until which this worker accepts no connection
    max_memory = 0  # bytes of resident memory past which the worker restarts (0: never)

    def init_process(self):
        self.max_memory = max_worker_memory()
        super().init_process()

    def accept(self, listener):
        super().accept(listener)
        if self.cfg.workers > 1 and self.busy_connections() >= self.cfg.threads:
            self._paused_until = time.monotonic() + ACCEPT_PAUSE
            self.set_accept_enabled(False)

    def finish_request(self, conn, fs):
        super().finish_request(conn, fs)
        if self.busy_connections() < self.cfg.threads:
            self._paused_until = 0.0  # the run loop accepts again on its next turn

    def handle(self, conn):
        keepalive = super().handle(conn)
        while keepalive is True and self._next_request_came(conn):
            keepalive = super().handle(conn)
        return keepalive

    def _next_request_came(self, conn):
        """Whether the connection's next request came (or it was closed) within KEEPALIVE_LINGER, while this thread
        could wait for it: the worker is alive and holds no more connections than it has threads."""
        if conn.parser.unreader.buf.getvalue():
            return True  # pipelined: read with the request before
        if not self._may_wait():
            return False  # under load, the usual case: no poller made for nothing
        poller = select.poll()
        poller.register(conn.sock, select.POLLIN)
        deadline = time.monotonic() + KEEPALIVE_LINGER
        while self._may_wait():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            # POLLIN, or POLLHUP/POLLERR for a connection the client closed: the next handle() reads that and ends it.
            if poller.poll(min(LINGER_SLICE, remaining) * 1000):
                return True
        return False

    def _may_wait(self):
        """Whether a thread may wait for its connection's next request: no other connection can need it."""
        return self.alive and self.nr_conns <= self.cfg.threads

    def handle_request(self, req, conn):
        # Checked before the request is served, as gunicorn checks max_requests: the answer then says
        # `Connection: close`, and the worker exits once its threads are done.
        if self.max_memory and self.alive and (self.nr + 1) % MEMORY_CHECK_EVERY == 0:
            memory = resident_memory()
            if memory > self.max_memory:
                self.log.warning(
                    "Restarting worker %s: %d MiB resident, over GUNICORN_MAX_WORKER_MEMORY (%d MiB).",
                    self.pid,
                    memory // 2**20,
                    self.max_memory // 2**20,
                )
                self.alive = False
        # The answer's status line and headers go out with its body (_HeldHeaders): restored before gunicorn
        # reads the next request or hands the connection back.
        sock = conn.sock
        conn.sock = held = _HeldHeaders(sock)
        try:
            return super().handle_request(req, conn)
        finally:
            conn.sock = sock
            held.flush()

    def _keepalive_after(self, conn, keepalive):
        # gunicorn drains what the application left unread of the request's body before the connection serves
        # another request, setting the socket's timeout to bound the wait and back (two system calls), also when
        # there is nothing to drain: a request without a body (GET, HEAD, nearly every request here) is done.
        body = getattr(conn.parser.mesg, "body", None)
        if keepalive and body is not None and not body.failed:
            if isinstance(body.reader, LengthReader) and body.reader.length == 0:
                return True
        return super()._keepalive_after(conn, keepalive)

    def busy_connections(self):
        """Connections a thread is serving or has been given: the rest wait in the poller for a next request."""
        return self.nr_conns - len(self.keepalived_conns) - len(self.pending_conns)

    def set_accept_enabled(self, enabled):
        # gunicorn's run loop calls this on every turn while the worker is not accepting.
        if enabled and time.monotonic() < self._paused_until:
            return
        super().set_accept_enabled(enabled)

    def wait_for_and_dispatch_events(self, timeout):
        # Wake when the pause ends, not after the loop's usual second.
        pause = self._paused_until - time.monotonic()
        super().wait_for_and_dispatch_events(min(timeout, pause) if pause > 0 else timeout)

    def handle_error(self, req, client, addr, exc):
        page = _ErrorPage()
        super().handle_error(req, page, addr, exc)  # gunicorn's status, logging and access log, as always
        status = page.status()
        body = problem_json(status, self.detail(status, exc))
        head = (
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
            "Connection: close\r\n"
            f"Content-Type: {PROBLEM_CONTENT_TYPE}\r\n"
            f"Content-Length: {len(body)}\r\n"
            "\r\n"
        )
        try:
            util.write_nonblock(client, head.encode("ascii") + body)
        except Exception:
            self.log.debug("Failed to send error message.")

    def detail(self, status, exc):
        if status == 414:
            return (
                f"The request line (method, path and query string) is longer than the {self.cfg.limit_request_line} "
                "bytes this server reads."
            )
        if status == 431:
            return (
                f"The request's header fields are too large: at most {self.cfg.limit_request_fields} fields of at "
                f"most {self.cfg.limit_request_field_size} bytes each are read."
            )
        if status >= 500 and status != 501:
            return "Internal server error. It has been logged; please try again later."
        return f"The request could not be read: {str(exc)[:200]}"
