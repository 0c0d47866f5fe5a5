#!/usr/bin/env python3
"""Search latency as the corpus grows: copies of the plan added as further plans, 20 queries timed at each size.

    .venv/bin/python bench/search_scale.py [--sizes 10,100,1000] [--repeat 5]

At each size (the number of copies added beside the real plan) the script times GET /api/v1/search/ (through
Django's test client: URL routing, view, selector, SQL, serializer, JSON; no network) for a fixed mix of 20
queries, each `--repeat` times after one warm-up pass, with `plan=` the real plan and without a plan filter,
and prints p50 and p95 and the sizes of the search table and its GIN index.

Copies are made in SQL from the loaded plan's rows (plan row and search entries: search reads nothing else),
inside one transaction that is rolled back at the end, so the database is left as it was.
"""

import argparse
import os
import statistics
import sys
import time

from _setup import setup

# This script measures the search itself: no response cache (it would answer every repeated query from memory)
# and no throttling (it sends far more than a reader would).
os.environ["RESPONSE_CACHE_ENABLED"] = "false"
os.environ["THROTTLE_ANON_RATE"] = "off"
# Copying a plan a thousand times takes longer than the statement timeout meant for requests.
os.environ["DATABASE_STATEMENT_TIMEOUT"] = "0"
setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from articles.models import Plan  # noqa: E402
from search.models import SearchEntry  # noqa: E402

PLAN = "tianjin-15th-fyp-proposals"
QUERIES = [
    "发展",  # 42 of 52 articles
    "建设",
    "推进",
    "服务",
    "创新",
    "新质生产力",
    "新質生產力",
    "京津冀",
    "科创",
    "港",
    "碳達峯",
    "天开高教科创园",
    '"高质量发展"',
    "京津冀 -交通",
    "鲁班工坊 OR 枫桥经验",
    "养老 医疗",
    "绿色 金融",
    "健康",
    "制造业",
    "量子计算机",  # no match
]


class Rollback(Exception):
    pass


def add_copies(first, last):
    """Copies first..last of the plan as plans `<slug>-copy-<n>`, with its search entries."""
    columns = [f.column for f in Plan._meta.concrete_fields if f.column not in ("id", "slug")]
    entry_columns = [f.column for f in SearchEntry._meta.concrete_fields if f.column not in ("id", "plan_id")]
    with connection.cursor() as cursor:
        # Raw SQL: a bulk copy the ORM cannot express.
        cursor.execute(
            f"INSERT INTO articles_plan (slug, {', '.join(columns)}) "
            f"SELECT p.slug || '-copy-' || g, {', '.join('p.' + c for c in columns)} "
            "FROM articles_plan p, generate_series(%s, %s) g WHERE p.slug = %s",
            [first, last, PLAN],
        )
        cursor.execute(
            f"INSERT INTO search_searchentry (plan_id, {', '.join(entry_columns)}) "
            f"SELECT c.id, {', '.join('e.' + c for c in entry_columns)} "
            "FROM search_searchentry e JOIN articles_plan p ON p.id = e.plan_id AND p.slug = %s "
            "JOIN generate_series(%s, %s) g ON true JOIN articles_plan c ON c.slug = p.slug || '-copy-' || g",
            [PLAN, first, last],
        )
        cursor.execute("SELECT gin_clean_pending_list('search_entry_vector'::regclass)")
        cursor.execute("ANALYZE articles_plan")
        cursor.execute("ANALYZE search_searchentry")


def sizes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), pg_total_relation_size('search_searchentry'), pg_relation_size('search_entry_vector') "
            "FROM search_searchentry"
        )
        return cursor.fetchone()


def time_queries(client, repeat, **params):
    for q in QUERIES:  # warm-up
        assert client.get("/api/v1/search/", {"q": q, **params}).status_code == 200
    timings = []
    for _ in range(repeat):
        for q in QUERIES:
            start = time.perf_counter()
            response = client.get("/api/v1/search/", {"q": q, **params})
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content
    timings.sort()
    return statistics.median(timings), timings[max(0, int(round(0.95 * len(timings))) - 1)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="copies to have at each step, ascending")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    steps = [int(s) for s in args.sizes.split(",")]

    setup_test_environment()
    # The client runs requests on this thread's connection, inside our transaction: keep Django from closing it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    with connection.cursor() as cursor:  # sizes without dead rows from an earlier run
        cursor.execute("VACUUM FULL ANALYZE search_searchentry")
    print(f"{len(QUERIES)} queries x {args.repeat}; latency in ms of GET /api/v1/search/?q=… (page_size 20)\n")
    print(
        f"{'plans':>6} {'entries':>8} {'table MB':>9} {'GIN MB':>7}  {'plan= p50':>9} {'p95':>7}  {'all p50':>8} {'p95':>7}  {'add s':>6}"
    )
    try:
        with transaction.atomic():
            copies = 0
            for target in [0, *steps]:
                started = time.perf_counter()
                if target > copies:
                    add_copies(copies + 1, target)
                    copies = target
                added = time.perf_counter() - started
                entries, table, gin = sizes()
                filtered = time_queries(client, args.repeat, plan=PLAN)
                unfiltered = time_queries(client, args.repeat)
                print(
                    f"{copies + 1:>6} {entries:>8} {table / 2**20:>9.1f} {gin / 2**20:>7.1f}  "
                    f"{filtered[0]:>9.1f} {filtered[1]:>7.1f}  {unfiltered[0]:>8.1f} {unfiltered[1]:>7.1f}  {added:>6.1f}",
                    flush=True,
                )
            raise Rollback
    except Rollback:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
