#!/usr/bin/env python3
"""Search quality on tests/search/cases.json: plan-api against two baselines, in one run on the same data.

    .venv/bin/python bench/search_quality.py

For each engine: recall (share of the expected articles found, averaged over cases that expect any),
exact (cases whose result set is exactly the expected one), top-3 accuracy (cases with `top3` whose articles
all rank in the first three), and no-match (cases expecting nothing that return nothing); split by the
script of the query. The baselines run on the same articles, unsegmented and unnormalised:
- `pg simple`: to_tsvector('simple', title || body) @@ websearch_to_tsquery('simple', q), ranked by ts_rank;
- `ILIKE`: each word, phrase or OR group of the query as `ILIKE '%…%'` on the text, in article order.
"""

import json
import sys
from collections import defaultdict

from _setup import ROOT, setup

setup()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402

from search.models import SearchEntry  # noqa: E402
from search.selectors import search_entries  # noqa: E402
from search.text import _scan  # noqa: E402

PLAN = "tianjin-15th-fyp-proposals"
CASES = json.loads((ROOT / "tests/search/cases.json").read_text(encoding="utf-8"))


def plan_api(q):
    entries = search_entries(q=q, plans=[PLAN], types=["article"]).entries
    return list(entries.values_list("number", flat=True))


def pg_simple(q):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.number FROM search_searchentry e JOIN articles_plan p ON p.id = e.plan_id,
                   to_tsvector('simple', e.title || ' ' || e.body) v, websearch_to_tsquery('simple', %s) q
            WHERE p.slug = %s AND e.type = 'article' AND v @@ q
            ORDER BY ts_rank(v, q) DESC, e.number
            """,
            [q, PLAN],
        )
        return [row[0] for row in cursor.fetchall()]


def ilike(q):
    """The query's structure (same scanner as plan-api), each term a case-insensitive substring of the raw text."""
    condition = Q()
    pending_or = None
    for kind, text, negated in _scan(q):
        if kind == "or":
            pending_or = True
            continue
        term = Q(body__icontains=text) | Q(title__icontains=text)
        if negated:
            condition &= ~term
        elif pending_or and condition:
            condition = _or_last(condition, term)
        else:
            condition &= term
        pending_or = None
    rows = SearchEntry.objects.filter(plan__slug=PLAN, type="article").filter(condition).order_by("number")
    return list(rows.values_list("number", flat=True))


def _or_last(condition, term):
    # `a OR b` binds tighter than AND: OR the new term with the last ANDed term.
    if condition.connector == Q.AND and len(condition.children) > 1:
        *rest, last = condition.children
        joined = Q(*rest) if rest else Q()
        last = last if isinstance(last, Q) else Q(last)
        return joined & (last | term)
    return condition | term


ENGINES = {"plan-api": plan_api, "pg simple": pg_simple, "ILIKE": ilike}


def evaluate(engine):
    stats = defaultdict(lambda: defaultdict(list))
    for case in CASES:
        got = engine(case["q"])
        found = set(case["found"])
        for script in (case["script"], "all"):
            s = stats[script]
            if found:
                s["recall"].append(len(found & set(got)) / len(found))
            else:
                s["nomatch"].append(not got)
            s["exact"].append(set(got) == found and not set(got) & set(case["absent"]))
            if case["top3"]:
                s["top3"].append(set(case["top3"]) <= set(got[:3]))
    return stats


def pct(values):
    return f"{100 * sum(values) / len(values):5.1f}% ({len(values):3d})" if values else "      —     "


def main():
    scripts = ["hans", "hant", "mixed", "none", "all"]
    print(f"{len(CASES)} cases from tests/search/cases.json; plan {PLAN}; figures are % (number of cases)\n")
    header = f"{'engine':10} {'script':6} {'recall':>13} {'exact':>13} {'top-3':>13} {'no-match':>13}"
    print(header)
    print("-" * len(header))
    for name, engine in ENGINES.items():
        stats = evaluate(engine)
        for script in scripts:
            s = stats[script]
            print(
                f"{name:10} {script:6} {pct(s['recall']):>13} {pct(s['exact']):>13} {pct(s['top3']):>13} {pct(s['nomatch']):>13}"
            )
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
