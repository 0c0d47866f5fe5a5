#!/usr/bin/env python3
"""The response cache under two abuses of a deployed server: `make prod` on loopback, as bench/load.py starts it.

  throwaway   DURATION s of CLIENTS keep-alive clients, every request carrying a parameter no view reads
              (?utm_source=N, new each time) on a mix of article lists, article details, searches and the
              data package; prints requests/s and how much the workers' memory (RSS, summed) grew
  revalidate  REVALIDATIONS conditional GETs of the data package, each on a new connection (so that any worker
              may answer), with the ETag of the first download; prints how many got 304 and how many a full 200

Only loopback targets; every phase is bounded in time. The server's own settings are left as they are (the
default local-memory cache, one per worker).

    .venv/bin/python bench/response_cache.py [--clients 64] [--duration 45] [--workers 2] [--revalidations 200]
"""

import argparse
import asyncio
import itertools
import json
import os
import random
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import quote

from load import PLAN, Server, free_port, get, phase, report, wait_until


def workers_rss(server):
    """The resident memory of the gunicorn workers, summed, in MiB."""
    return sum(child.memory_info().rss for child in server.gunicorn_master().children()) / 2**20


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
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--duration", type=float, default=45, help="seconds of the throwaway phase")
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help="gunicorn worker processes")
    parser.add_argument("--revalidations", type=int, default=200)
    args = parser.parse_args()

    host, port = "127.0.0.1", free_port()
    base = f"http://{host}:{port}"
    print(f"plan-api response cache: make prod on {base}, {args.workers} workers, {os.cpu_count()} cores")
    server = Server(port, args.workers)
    try:
        wait_until(f"{base}/readyz")
        api = f"/api/v1/plans/{PLAN}"
        paths = [
            f"{api}/articles/?page_size=100",
            *[f"{api}/articles/{n}/" for n in range(1, 53)],
            *[f"/api/v1/search/?q={quote(term)}" for term in ("京津冀", "科技創新", "港口", "綠色")],
            f"{api}/datapackage.zip",
        ]
        for path in paths:  # every URL once without the parameter: what a warm server holds
            get(base + path, timeout=60)
        time.sleep(1)
        before = workers_rss(server)
        counter = itertools.count()

        def pick():
            path = random.choice(paths)
            return f"{path}{'&' if '?' in path else '?'}utm_source={next(counter)}"

        latencies, errors, elapsed = asyncio.run(phase(host, port, pick, args.clients, args.duration))
        rate = report("throwaway", latencies, errors, elapsed)
        after = workers_rss(server)
        print(f"workers' RSS: {before:.0f} MiB before, {after:.0f} MiB after: +{after - before:.0f} MiB")

        url = f"{base}{api}/datapackage.zip"
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            etag = response.headers["ETag"]
        statuses = [conditional_get(url, etag) for _ in range(args.revalidations)]
        counts = {status: statuses.count(status) for status in sorted(set(statuses))}
        print(f"revalidate: {args.revalidations} conditional GETs of datapackage.zip: {counts}")
        print(
            json.dumps(
                {
                    "throwaway_rps": round(rate, 1),
                    "rss_growth_mib": round(after - before),
                    "revalidate": {str(k): v for k, v in counts.items()},
                }
            )
        )
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main())
