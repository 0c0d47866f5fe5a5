"""The reading site's pages, in process (Django test client, the embedded or DATABASE_URL database).

    .venv/bin/python bench/site_pages.py [repeats]

For each page type: its queries, its HTML's size (and how much of it is markup rather than the plan's text),
the median time to make it with the response cache empty, and the median time to answer it from the cache.
The plan page is made twice over: with its downloads measured (the first view of a plan version in a script),
and with their sizes already in the cache.
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._setup import setup

os.environ["THROTTLE_ANON_RATE"] = "off"
setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from plan_api import response_cache  # noqa: E402
from web import downloads  # noqa: E402

REPEATS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
PLAN = "tianjin-15th-fyp-proposals"
PAGES = {
    "index": "/",
    "plan (downloads measured)": f"/plans/{PLAN}/",
    "plan (download sizes cached)": f"/plans/{PLAN}/",
    "chapter": f"/plans/{PLAN}/chapters/9/",
    "article": f"/plans/{PLAN}/articles/40/",
    "initiative": f"/plans/{PLAN}/initiatives/jing-jin-ji-xie-tong-fa-zhan/",
    "search": "/search/?q=养老&script=zh-Hans",
    "terms": f"/plans/{PLAN}/terms/",
    "term": f"/plans/{PLAN}/terms/京津冀/",
    "404": f"/plans/{PLAN}/articles/99/",
}
client = Client(HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")


def cold(path, *, keep_downloads):
    """Time one request with an empty response cache (keeping the downloads' sizes, or not)."""
    kept = {key: cache.get(key) for key in _download_keys()} if keep_downloads else {}
    if not keep_downloads:
        downloads._measured.clear()  # what the process kept of them, too
    cache.clear()
    response_cache.forget_everything()
    response_cache.dataset_versions()
    cache.set_many(kept)
    start = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return time.perf_counter() - start, len(queries.captured_queries), response


def _download_keys():
    return [key.split(":", 2)[-1] for key in getattr(cache, "_cache", {}) if ":downloads:" in key]


print(f"{'page':32} {'status':>6} {'queries':>7} {'HTML':>9} {'markup':>9} {'made (ms)':>10} {'cached (ms)':>11}")
for name, path in PAGES.items():
    keep = "cached" in name
    if keep:
        cold(path, keep_downloads=False)  # measure the downloads once
    made = []
    for _ in range(REPEATS if "measured" not in name else max(1, REPEATS // 2)):
        seconds, count, response = cold(path, keep_downloads=keep)
        made.append(seconds)
    html = response.content.decode()
    text = "".join(re.findall(r'<p class="para"[^>]*>.*?</p>', html, flags=re.S))
    hits = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        client.get(path)
        hits.append(time.perf_counter() - start)
    print(
        f"{name:32} {response.status_code:>6} {count:>7} {len(html.encode()):>9,} "
        f"{len(html.encode()) - len(text.encode()):>9,} {statistics.median(made) * 1000:>10.0f} "
        f"{statistics.median(hits) * 1000:>11.1f}"
    )
