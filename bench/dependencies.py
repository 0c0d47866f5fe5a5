#!/usr/bin/env python3
"""What a Redis or a database that is away costs a live `make prod`: requests/s, latency, /healthz, log lines.

Each scenario starts `make prod` on a free loopback port with its own environment, drives it with CLIENTS
keep-alive clients for SECONDS (while one more client asks /healthz in a loop), and prints requests/s, p50 and
p99 of the API requests, the /healthz p50 and worst, and how many lines the server has written to its log
since the dependency went away:

  silent-redis     CACHE_URL names a loopback listener that accepts connections and never answers
  refused-redis    CACHE_URL names a loopback port where nothing listens
  silent-database  DATABASE_URL goes through a proxy to PostgreSQL; once every article is cached, the proxy
                   drops its connections and holds new ones without answering. Cached articles are driven
                   first, then uncached ones (503s).

Throttling is on at a rate no client reaches (100000/minute), so that its counts are kept (and looked for)
in the store under test. The database is a TCP PostgreSQL (--database-url, created if missing and dropped
afterwards); --project runs another checkout of plan-api (e.g. an older commit, for a before/after figure)
with this project's .venv. Every phase is bounded in time; only loopback addresses are used.

    .venv/bin/python bench/dependencies.py [--seconds 10] [--clients 8] [--workers 2] [--scenario …]
"""

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
PLAN = "tianjin-15th-fyp-proposals"
ARTICLES = [f"/api/v1/plans/{PLAN}/articles/{n}/" for n in range(1, 53)]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=30):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Silent:
    """A loopback listener that accepts connections and never answers."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.close()
        for sock in self.held:
            sock.close()


class Proxy(Silent):
    """Forwards to (host, port) until silence(), then drops what it forwarded and holds new connections."""

    def __init__(self, host, port):
        self.target, self.silent, self.pairs = (host, port), False, []
        super().__init__()

    def accept(self):
        while True:
            try:
                client = self.listener.accept()[0]
            except OSError:
                return
            if self.silent:
                self.held.append(client)
                continue
            upstream = socket.create_connection(self.target)
            self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def pump(source, sink):
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


class Server:
    """`make prod` of `project` in its own process group; its output goes to `log`."""

    def __init__(self, project, port, workers, env, log):
        self.log = log
        self.port = port
        full_env = {
            **os.environ,
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
            "SECURE_SSL_REDIRECT": "false",
            "THROTTLE_ANON_RATE": "100000/minute",
            **env,
        }
        with log.open("w") as output:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "prod"],
                cwd=project,
                env=full_env,
                start_new_session=True,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def wait(self, seconds=300):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"make prod exited with {self.process.returncode}; see {self.log}")
            try:
                if get(self.url("/healthz"), timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"make prod did not answer within {seconds} s; see {self.log}")

    def log_lines(self):
        return len(self.log.read_text(errors="replace").splitlines())

    def stop(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)


async def client(port, paths, deadline, latencies, statuses):
    reader = writer = None
    index = 0
    while time.monotonic() < deadline:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
            remaining = max(deadline - time.monotonic(), 0.1)
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), remaining + 30)
            status = int(head[9:12])
            length, close = 0, False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                elif name.strip().lower() == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if close:
                writer.close()
                writer = None
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as error:
            statuses[type(error).__name__] = statuses.get(type(error).__name__, 0) + 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def drive(port, paths, clients, seconds):
    """(API latencies, statuses, elapsed, /healthz latencies) of `clients` clients plus one asking /healthz."""
    latencies, statuses, health, health_statuses = [], {}, [], {}
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        *(client(port, paths[n::clients] or paths, deadline, latencies, statuses) for n in range(clients)),
        client(port, ["/healthz"], deadline, health, health_statuses),
    )
    return latencies, statuses, time.monotonic() - started, health


def percentile(values, fraction):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] * 1000 if values else float("nan")


def report(name, server, paths, clients, seconds, since):
    """Drive the phase and print its figures; `since`: the server log's length when the scenario began."""
    latencies, statuses, elapsed, health = asyncio.run(drive(server.port, paths, clients, seconds))
    lines = server.log_lines() - since
    print(
        f"{name:<26} {len(latencies) / elapsed:8.1f} req/s  p50 {percentile(latencies, 0.5):7.1f} ms"
        f"  p99 {percentile(latencies, 0.99):7.1f} ms  statuses {dict(sorted(statuses.items(), key=str))}"
    )
    worst = max(health) * 1000 if health else float("nan")
    print(
        f"{'':<26} /healthz p50 {percentile(health, 0.5):7.1f} ms  worst {worst:7.1f} ms"
        f"  ({len(health)} answers)   log lines since the outage began: {lines}"
    )


def warm(server, paths):
    """Every worker past its first requests (dictionaries, converters): what is measured is the dependency."""
    for path in paths:
        get(server.url(path))


def ensure_database(url):
    """Create the database `url` names if it does not exist; True if it was created."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def drop_database(url):
    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def silent_redis(args, database_url):
    silent = Silent()
    server = Server(
        args.project,
        free_port(),
        args.workers,
        {"DATABASE_URL": database_url, "CACHE_URL": f"redis://127.0.0.1:{silent.port}/0"},
        args.log,
    )
    try:
        server.wait()
        since = server.log_lines()
        warm(server, ARTICLES[: 2 * args.workers])
        report("silent Redis", server, ARTICLES, args.clients, args.seconds, since)
    finally:
        server.stop()
        silent.close()


def refused_redis(args, database_url):
    server = Server(
        args.project,
        free_port(),
        args.workers,
        {"DATABASE_URL": database_url, "CACHE_URL": f"redis://127.0.0.1:{free_port()}/0"},
        args.log,
    )
    try:
        server.wait()
        since = server.log_lines()
        warm(server, ARTICLES[: 2 * args.workers])
        report("refused Redis", server, ARTICLES, args.clients, args.seconds, since)
    finally:
        server.stop()


def silent_database(args, database_url):
    parts = urlsplit(database_url)
    proxy = Proxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    through_proxy = parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{proxy.port}").geturl()
    server = Server(args.project, free_port(), args.workers, {"DATABASE_URL": through_proxy}, args.log)
    try:
        server.wait()
        warm(server, ARTICLES * 6 * args.workers)  # every worker caches every article (local memory), most likely
        since = server.log_lines()
        proxy.silence()
        report("silent database: cached", server, ARTICLES, args.clients, args.seconds, since)
        uncached = [f"{path}?uncached={n}" for n, path in enumerate(ARTICLES * 20)]
        report("silent database: uncached", server, uncached, args.clients, args.seconds, since)
    finally:
        server.stop()
        proxy.close()


SCENARIOS = {"silent-redis": silent_redis, "refused-redis": refused_redis, "silent-database": silent_database}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="seconds of each measured phase")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/plan_api_bench_dependencies")
    parser.add_argument("--project", type=Path, default=BASE_DIR, help="the plan-api checkout to run")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), action="append", help="default: all")
    args = parser.parse_args()
    args.log = BASE_DIR / ".run" / "bench-dependencies.log"
    args.log.parent.mkdir(exist_ok=True)
    if urlsplit(args.database_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("--database-url must be a loopback PostgreSQL")
    created = ensure_database(args.database_url)
    print(
        f"plan-api dependencies: make prod of {args.project}, {args.workers} workers, {args.clients} clients, "
        f"{args.seconds:.0f} s per phase, {os.cpu_count()} cores"
    )
    try:
        for name in args.scenario or list(SCENARIOS):
            SCENARIOS[name](args, args.database_url)
    finally:
        if created:
            drop_database(args.database_url)


if __name__ == "__main__":
    sys.exit(main())
