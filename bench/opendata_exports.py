"""Time the open-data outputs in-process (Django test client, the embedded or DATABASE_URL database).

    .venv/bin/python bench/opendata_exports.py [repeats]

Prints the median wall time of each request, its response size and the peak Python memory it allocated
(tracemalloc), and the time to count a plan's terms (what the loader adds to a load).
"""

import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan_api.settings")
# This script measures building the exports: no response cache (it would answer every repeat from memory) and no
# throttling (it sends far more than a reader would).
os.environ["RESPONSE_CACHE_ENABLED"] = "false"
os.environ["THROTTLE_ANON_RATE"] = "off"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from articles.builder import GENERATED  # noqa: E402
from articles.models import Plan  # noqa: E402
from opendata.terms import count_terms  # noqa: E402
from plantext.segment import tokenizer  # noqa: E402

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def measure(client, url):
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        size = len(body(client.get(url)))
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    body(client.get(url))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return statistics.median(times), size, peak


def main():
    plan = Plan.objects.first()
    if plan is None:
        sys.exit("No plan loaded: run `make db` first.")
    base = f"/api/v1/plans/{plan.slug}"
    client = Client()
    urls = [
        f"{base}/articles/",
        f"{base}/articles/?format=csv",
        f"{base}/articles/?format=ndjson",
        f"{base}/articles/?format=csv&script=zh-Hant-TW",
        f"{base}/initiatives/?format=csv",
        f"{base}/datapackage.zip",
        f"{base}/datapackage.zip?script=zh-Hans",
        f"{base}/terms/",
        f"{base}/terms/?top=1000&script=zh-Hans",
        f"{base}/terms/京津冀/",
    ]
    client.get(urls[0])  # warm up: imports, OpenCC dictionaries
    print(f"{'request':58} {'median ms':>9} {'bytes':>8} {'peak KiB':>8}")
    for url in urls:
        seconds, size, peak = measure(client, url)
        print(f"{url[len(base) :] or '/':58} {seconds * 1000:9.1f} {size:8d} {peak / 1024:8.0f}")

    data = json.loads((settings.PLAN_FIXTURES_DIR / plan.slug / GENERATED).read_text(encoding="utf-8"))
    start = time.perf_counter()
    tokenizer()
    first = time.perf_counter() - start
    start = time.perf_counter()
    terms = count_terms(data)
    counting = time.perf_counter() - start
    print(f"\njieba dictionary, first load in this process: {first * 1000:.0f} ms")
    print(f"count_terms() for {plan.slug}: {counting * 1000:.0f} ms, {len(terms)} terms")


if __name__ == "__main__":
    main()
