#!/usr/bin/env python3
"""Search latency as the corpus grows: copies of the plan added as further plans, a fixed query mix timed at
each size.

    .venv/bin/python bench/search_scale.py [--sizes 10,100,1000] [--repeat 5]

At each size (the number of copies added beside the real plan) the script times GET /api/v1/search/ (through
Django's test client: URL routing, view, selector, SQL, serializer, JSON; no network) for a fixed mix of 60
queries, each `--repeat` times after one warm-up pass, with `plan=` the real plan and without a plan filter,
and prints p50 and p95 and the sizes of the search tables and their GIN indexes. The mix is the 20 queries of
issue 4 (words as typed, from the commonest, 发展, to a no-match; "typed" below) and 40 of issue 10's kinds
(segmented, alias, regional, number, variant, no-hit; "new"), so that one run compares the two.

Copies are made in SQL from the loaded plan's rows (plan row, search entries, passages, lexicon and rankings:
search reads nothing else), inside one transaction that is rolled back at the end, so the database is left as it was.
The response cache and throttling are off, and each query is timed alone, so a repeat measures the work.
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
from search.models import SearchEntry, SearchLexicon, SearchPassage  # noqa: E402

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
# Issue 10's kinds: words the plan writes apart, aliases, regional vocabulary, numbers, variants, and topics the
# plan does not mention (which must stay fast too: their words are looked for close together).
NEW_QUERIES = [
    "托育服务",
    "充电桩建设",
    "数据交易",
    "城中村改造",
    "养老服务",
    "就业服务",
    "安全生产",
    "科技金融",
    "网络安全",
    "产业升级",
    "人才培养",
    "生态保护修复",
    "民企",
    "医联体",
    "自贸区",
    "双碳",
    "R&D投入",
    "AI",
    "天开园",
    "高新企业培育",
    "軟體",
    "網際網路",
    "資料交易",
    "人工智慧",
    "數位經濟",
    "網路安全",
    "2035年",
    "二〇二五年",
    "延长30年",
    "2035年现代化大都市",
    "土地承包延长30年",
    "着力",
    "着力解决",
    "沿着",
    "海关",
    "金融危机",
    "异地就医",
    "低空经济",
    "足球",
    "新能源汽车",
]


class Rollback(Exception):
    pass


# Copy n's rows get ids shifted by n * ID_STRIDE, so that a copied passage or ranking finds its copied entry
# without a join (the transaction is rolled back: the sequences never see these ids).
ID_STRIDE = 10_000_000


def _copy_rows(cursor, model, copies, first, last, renumbered=None):
    """Copy the plan's rows of `model` into each copy plan; `renumbered` (a column holding an entry id) is shifted
    by the copy's ID_STRIDE."""
    kept = [f.column for f in model._meta.concrete_fields if f.column not in ("id", "plan_id", renumbered)]
    targets = [renumbered] if renumbered else []
    values = [f"t.{renumbered} + g::bigint * {ID_STRIDE}"] if renumbered else []
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join([*targets, 'plan_id', *kept])}) "
        f"SELECT {', '.join([*values, 'c.id', *('t.' + column for column in kept)])} "
        f"FROM {model._meta.db_table} t JOIN articles_plan p ON p.id = t.plan_id AND p.slug = %s {copies}",
        [PLAN, first, last],
    )


def add_copies(first, last):
    """Copies first..last of the plan as plans `<slug>-copy-<n>`, with its search entries, passages, lexicon and
    rankings."""
    columns = [f.column for f in Plan._meta.concrete_fields if f.column not in ("id", "slug")]
    copies = "JOIN generate_series(%s, %s) g ON true JOIN articles_plan c ON c.slug = p.slug || '-copy-' || g"
    with connection.cursor() as cursor:
        # Raw SQL: a bulk copy the ORM cannot express.
        cursor.execute(
            f"INSERT INTO articles_plan (slug, {', '.join(columns)}) "
            f"SELECT p.slug || '-copy-' || g, {', '.join('p.' + c for c in columns)} "
            "FROM articles_plan p, generate_series(%s, %s) g WHERE p.slug = %s",
            [first, last, PLAN],
        )
        _copy_rows(cursor, SearchEntry, copies, first, last, renumbered="id")
        _copy_rows(cursor, SearchPassage, copies, first, last, renumbered="entry_id")
        _copy_rows(cursor, SearchLexicon, copies, first, last)
        cursor.execute(
            "INSERT INTO search_searchimpact (plan_id, term, type, entries, scores) "
            f"SELECT c.id, i.term, i.type, ARRAY(SELECT x + g::bigint * {ID_STRIDE} FROM unnest(i.entries) x), i.scores "
            f"FROM search_searchimpact i JOIN articles_plan p ON p.id = i.plan_id AND p.slug = %s {copies}",
            [PLAN, first, last],
        )
        for index in ("search_entry_vector", "search_passage_vector"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        for table in ("articles_plan", "search_searchentry", "search_searchpassage", "search_searchimpact"):
            cursor.execute(f"ANALYZE {table}")


def compact():
    """The plans' and search tables without dead rows, and their statistics fresh."""
    with connection.cursor() as cursor:
        for table in (
            "articles_plan",
            "search_searchentry",
            "search_searchpassage",
            "search_searchimpact",
            "search_searchlexicon",
        ):
            cursor.execute(f"VACUUM FULL ANALYZE {table}")


def sizes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM search_searchentry), "
            "pg_total_relation_size('search_searchentry') + pg_total_relation_size('search_searchpassage') "
            "+ pg_total_relation_size('search_searchimpact'), "
            "pg_relation_size('search_entry_vector') + pg_relation_size('search_passage_vector')"
        )
        return cursor.fetchone()


def percentiles(timings):
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(round(0.95 * len(timings))) - 1)]


def time_queries(client, queries, repeat, **params):
    """{query: [ms per repeat]}; one warm-up pass first (the lexicon, jieba's dictionary, plans' versions)."""
    for q in queries:
        assert client.get("/api/v1/search/", {"q": q, **params}).status_code == 200
    timings = {q: [] for q in queries}
    for _ in range(repeat):
        for q in queries:
            start = time.perf_counter()
            response = client.get("/api/v1/search/", {"q": q, **params})
            timings[q].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.content
    return timings


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000", help="copies to have at each step, ascending")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slowest", type=int, default=5, help="list this many slowest queries at the largest size")
    args = parser.parse_args()
    steps = [int(s) for s in args.sizes.split(",")]

    setup_test_environment()
    # The client runs requests on this thread's connection, inside our transaction: keep Django from closing it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    compact()  # sizes without dead rows from an earlier run
    queries = QUERIES + NEW_QUERIES
    print(
        f"{len(queries)} queries ({len(QUERIES)} typed, {len(NEW_QUERIES)} new kinds) x {args.repeat}; latency in ms "
        "of GET /api/v1/search/?q=… (page_size 20), p50 and p95 over every timing\n"
    )
    header = f"{'plans':>6} {'entries':>8} {'tables MB':>9} {'GIN MB':>7} "
    for scope in ("plan=", "all"):
        for group in ("mix", "typed", "new"):
            header += f" {scope + ' ' + group + ' p50':>16} {'p95':>6}"
    print(header + f" {'add s':>6}")
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
                line = f"{copies + 1:>6} {entries:>8} {table / 2**20:>9.1f} {gin / 2**20:>7.1f} "
                for params in ({"plan": PLAN}, {}):
                    timings = time_queries(client, queries, args.repeat, **params)
                    for group in (queries, QUERIES, NEW_QUERIES):
                        p50, p95 = percentiles([t for q in group for t in timings[q]])
                        line += f" {p50:>16.1f} {p95:>6.1f}"
                print(line + f" {added:>6.1f}", flush=True)
            slowest = sorted(timings, key=lambda q: -statistics.median(timings[q]))[: args.slowest]
            print(
                f"\nslowest across all plans at {copies + 1} plans (median ms): "
                + ", ".join(f"{q} {statistics.median(timings[q]):.0f}" for q in slowest)
            )
            raise Rollback
    except Rollback:
        pass
    # The copies rolled back are dead rows until a vacuum: gigabytes at 1,000 copies, which would slow the next
    # load of a plan past the statement timeout.
    compact()
    return 0


if __name__ == "__main__":
    sys.exit(main())
