#!/usr/bin/env python3
"""The response cache under two abuses of a deployed server: plan-api as `make prod` runs it, on loopback.

    .venv/bin/python bench/response_cache.py [--connections 64] [--duration 45] [--revalidations 200]

1. throwaway: wrk sends `--duration` seconds of requests for a few dozen URLs (articles, searches, the data
   package), each with a new `utm_source=N` that no view reads (bench/throwaway.lua); prints requests/s and
   how much the gunicorn workers' resident memory grew. The cache must ignore the parameter: every request
   after the first of each URL is a hit, and memory stays flat.
2. revalidate: `--revalidations` conditional GETs of the data package, each on a new connection (so that any
   worker may answer), with the ETag of the first download; prints how many got 304 and how many a full 200.

Starts and stops its own server (bench/compare.py's), with the response cache on and throttling off. Needs wrk.
"""

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from urllib.parse import quote

import psutil
from compare import LOG_DIR, ROOT, Gunicorn, fetch, prepare_plan_api

THROWAWAY_LUA = ROOT / "bench" / "throwaway.lua"
PLAN = "tianjin-15th-fyp-proposals"


def workers_rss(master_pid):
    """The resident memory of the gunicorn workers, summed, in MiB."""
    return sum(child.memory_info().rss for child in psutil.Process(master_pid).children()) / 2**20


def conditional_get(url, etag):
    request = urllib.request.Request(url, headers={"If-None-Match": etag, "Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=45, help="seconds of the throwaway phase")
    parser.add_argument("--revalidations", type=int, default=200)
    args = parser.parse_args()

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    secret_key = secrets.token_urlsafe(50)
    prepare_plan_api(secret_key)
    server = Gunicorn("on", secret_key)
    try:
        server.wait_ready()
        base = server.base_url
        print(f"plan-api response cache: make prod on {base}, {len(server.workers())} workers, {os.cpu_count()} cores")
        api = f"/api/v1/plans/{PLAN}"
        paths = [
            f"{api}/articles/?page_size=100",
            *[f"{api}/articles/{n}/" for n in range(1, 53)],
            *[f"/api/v1/search/?q={quote(term)}" for term in ("京津冀", "科技創新", "港口", "綠色")],
            f"{api}/datapackage.zip",
        ]
        for path in paths:  # every URL once without the parameter: what a warm server holds
            fetch(base + path, timeout=60)
        before = workers_rss(server.process.pid)
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as paths_file:
            paths_file.write("\n".join(paths) + "\n")
            paths_file.flush()
            command = ["wrk", "-t2", f"-c{args.connections}", f"-d{args.duration}s", "-s", str(THROWAWAY_LUA), base]
            result = subprocess.run(
                [*command, "--", paths_file.name], capture_output=True, text=True, timeout=args.duration + 60
            )
        line = next((line for line in result.stdout.splitlines() if line.startswith("{")), None)
        if result.returncode != 0 or line is None:
            sys.exit(f"wrk failed:\n{result.stdout}{result.stderr}")
        throwaway = json.loads(line)
        after = workers_rss(server.process.pid)
        rate = throwaway["requests"] / throwaway["seconds"]
        print(
            f"throwaway: {throwaway['requests']} requests in {throwaway['seconds']:.0f} s, {rate:.1f} req/s, "
            f"p50 {throwaway['p50_ms']:.1f} ms, {throwaway['non_2xx']} non-2xx, {throwaway['errors']} socket errors"
        )
        print(f"workers' RSS: {before:.0f} MiB before, {after:.0f} MiB after: {after - before:+.0f} MiB")

        url = f"{base}{api}/datapackage.zip"
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            etag = response.headers["ETag"]
        statuses = [conditional_get(url, etag) for _ in range(args.revalidations)]
        counts = {status: statuses.count(status) for status in sorted(set(statuses))}
        print(f"revalidate: {args.revalidations} conditional GETs of datapackage.zip: {counts}")
        summary = {"throwaway_rps": round(rate, 1), "rss_growth_mib": round(after - before)}
        print(json.dumps({**summary, "revalidate": {str(k): v for k, v in counts.items()}}))
    finally:
        with contextlib.suppress(Exception):
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
