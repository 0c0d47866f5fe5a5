#!/usr/bin/env python3
"""Load test of plan-api as deployed: a `make prod` server on loopback, many readers at once.

Starts `make prod` on 127.0.0.1 (a free port), waits for /readyz, then drives it with CLIENTS concurrent
keep-alive connections (a small asyncio HTTP/1.1 client, so that the load generator costs less CPU than the
server it measures) through these phases, printing requests/s, p50/p99 latency and errors for each:

  mix        DURATION s of a publication-day mix: plan, chapter and article details, article lists,
             goals, principles, initiatives, searches (when /api/v1/search/ exists)
  cached     PHASE s of article details, all in the response cache
  uncached   PHASE s of article details with a filter that changes every time (?number_max=N, N > 52, so the
             answer is the article): every one is computed (a parameter the view does not read would not
             bust the cache: the response cache keys on recognised parameters only)
  static     PHASE s of one article's JSON served as a static file through the same stack (WhiteNoise)

then the ratios cached/uncached and API/static. Only loopback targets; every phase is bounded in time.

    .venv/bin/python bench/load.py [--clients 64] [--duration 30] [--phase 10] [--workers 2]
"""

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
PLAN = "tianjin-15th-fyp-proposals"
STATIC_NAME = "bench/article-7.json"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until(url, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not answer 200 within {seconds} s (server log: .run/bench-server.log)")


class Server:
    """`make prod` in its own process group, stopped (by its pid) when the benchmark ends."""

    def __init__(self, port, workers):
        env = {
            **os.environ,
            "PORT": str(port),
            "HOST": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
            "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS ends at a proxy in production
            "THROTTLE_ANON_RATE": "off",  # 64 clients from one address would otherwise be throttled
        }
        self.log = BASE_DIR / ".run" / "bench-server.log"
        self.log.parent.mkdir(exist_ok=True)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "prod"],
                cwd=BASE_DIR,
                env=env,
                start_new_session=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def gunicorn_master(self):
        processes = psutil.Process(self.process.pid).children(recursive=True)
        gunicorns = {p.pid: p for p in processes if any(arg.endswith("bin/gunicorn") for arg in p.cmdline())}
        for process in gunicorns.values():
            if process.ppid() not in gunicorns:
                return process
        raise SystemExit("no gunicorn master under make prod")

    def reload(self):
        """Restart the workers (SIGHUP) so that WhiteNoise sees a static file written after start."""
        self.gunicorn_master().send_signal(signal.SIGHUP)

    def stop(self):
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.process.pid, signal.SIGKILL)


async def client(host, port, pick, deadline, latencies, errors):
    reader = writer = None
    while time.monotonic() < deadline:
        path = pick()
        started = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length, close = 0, False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            if length:
                await reader.readexactly(length)
            latencies.append(time.perf_counter() - started)
            if status >= 400:
                errors[status] = errors.get(status, 0) + 1
            if close:
                writer.close()
                writer = None
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


async def phase(host, port, pick, clients, seconds):
    latencies, errors = [], {}
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(client(host, port, pick, deadline, latencies, errors) for _ in range(clients)))
    elapsed = time.monotonic() - started
    return latencies, errors, elapsed


def report(name, latencies, errors, elapsed):
    latencies = sorted(latencies)
    count = len(latencies)
    rate = count / elapsed
    p50 = latencies[count // 2] * 1000 if count else float("nan")
    p99 = latencies[min(count - 1, int(count * 0.99))] * 1000 if count else float("nan")
    error_count = sum(errors.values())
    detail = f" {errors}" if errors else ""
    print(
        f"{name:<9} {count:>8} requests {rate:>9.1f} req/s  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  errors {error_count}{detail}"
    )
    return rate


def mix_paths(base, has_search):
    api = f"/api/v1/plans/{PLAN}"
    weighted = [
        (f"{api}/", 10),
        ("/api/v1/plans/", 3),
        ("/api/v1/", 2),
        *[(f"{api}/chapters/{n}/", 1) for n in range(1, 13)],
        *[(f"{api}/articles/{n}/", 1) for n in range(1, 53)],
        *[(f"{api}/articles/?page={n}", 3) for n in (1, 2, 3)],
        (f"{api}/articles/?page_size=100", 3),
        (f"{api}/articles/?chapter=3", 2),
        (f"{api}/goals/", 4),
        *[(f"{api}/goals/{n}/", 1) for n in range(1, 9)],
        (f"{api}/principles/", 2),
        (f"{api}/initiatives/", 4),
        (f"{api}/initiatives/?page=2", 2),
    ]
    if has_search:
        for term in ("京津冀", "科技創新", "人工智能", "港口", "新質生產力", "綠色"):
            weighted.append((f"/api/v1/search/?q={urllib.parse.quote(term)}", 3))
    paths = [path for path, weight in weighted for _ in range(weight)]
    return lambda: random.choice(paths)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=30, help="seconds of the mixed phase")
    parser.add_argument("--phase", type=float, default=10, help="seconds of each of the other phases")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="gunicorn worker processes")
    args = parser.parse_args()

    host, port = "127.0.0.1", free_port()
    base = f"http://{host}:{port}"
    print(
        f"plan-api load test: make prod on {base}, {args.workers} workers, {args.clients} clients, "
        f"{os.cpu_count()} cores"
    )
    server = Server(port, args.workers)
    try:
        wait_until(f"{base}/readyz")
        article = f"/api/v1/plans/{PLAN}/articles/7/"
        status, body = get(base + article)
        static_file = BASE_DIR / "staticfiles" / STATIC_NAME
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_bytes(body)
        server.reload()
        static_path = f"/static/{STATIC_NAME}"
        wait_until(base + static_path)
        has_search = get(f"{base}/api/v1/search/?q=test")[0] == 200

        pick_mix = mix_paths(base, has_search)
        for path in {pick_mix() for _ in range(5000)}:  # warm the cache: the first reader of each page pays
            get(base + path)

        counter = iter(range(10**9))
        articles = [f"/api/v1/plans/{PLAN}/articles/{n}/" for n in range(1, 53)]
        phases = [
            ("mix", pick_mix, args.duration),
            ("cached", lambda: random.choice(articles), args.phase),
            ("uncached", lambda: f"{random.choice(articles)}?number_max={100 + next(counter) % 30000}", args.phase),
            ("static", lambda: static_path, args.phase),
        ]
        rates = {}
        for name, pick, seconds in phases:
            rates[name] = report(name, *asyncio.run(phase(host, port, pick, args.clients, seconds)))
        print(f"cached/uncached detail throughput: {rates['cached'] / rates['uncached']:.1f}x")
        print(f"API (cached detail)/static throughput: {rates['cached'] / rates['static']:.2f}")
        print(f"search in the mix: {'yes' if has_search else 'no (no /api/v1/search/ on this branch)'}")
        print(json.dumps({name: round(rate, 1) for name, rate in rates.items()}))
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
