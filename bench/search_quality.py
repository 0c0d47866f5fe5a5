#!/usr/bin/env python3
"""Search quality on tests/search/cases.json: plan-api against two engines built here on the same 52 articles.

    .venv/bin/python bench/search_quality.py

Engines:
- `plan-api`: GET /api/v1/search/?q=…&type=article&plan=…&page_size=100 through Django's test client (every
  page read), after bench/_setup.py has migrated and loaded the plans; response cache and throttling off.
- `fts5-trigram`: SQLite FTS5 with the `trigram` tokenizer over each article's title and text (from the API,
  normalised with OpenCC t2s and lower case, like the query). A term of three or more characters is an FTS5
  phrase; a shorter one (which the trigram index cannot answer: SQLite 3.40 returns no row for a LIKE pattern
  under three characters on the FTS table) is `LIKE '%…%'` on the content table. Ranked by bm25() when the
  query has an FTS5 part, else by the terms' occurrences (a title occurrence counting ten).
- `jieba-bm25`: SQLite FTS5 (default unicode61 tokenizer) over the same text segmented by jieba's search mode
  with the plan's dictionary (initiative names and terms.txt, t2s-normalised), the query segmented the same
  way, its tokens ANDed; ranked by bm25().
Both engines read the query syntax of the table (words ANDed, "phrase", OR, -word); a phrase is a trigram
phrase, or a jieba NEAR group of its tokens.

Metrics, per case then averaged (README of tests/search, "Measuring"):
recall = |returned ∩ found| / |found| over cases that expect something; precision = |returned ∩ found| /
|returned| over cases that return something (all results, not a top 10); top-3 = cases whose `top3` articles are
all in the first three, over cases that name any; MRR = 1 / rank of the first expected article; nDCG@10 with
binary relevance; exact = cases whose result set is exactly `found`; no-hit clean = cases that expect nothing and
get nothing.
"""

import json
import os
import re
import sqlite3
import sys
from collections import defaultdict
from math import log2

from _setup import ROOT, setup

# Quality, not speed: no response cache, no throttling (the run sends hundreds of requests).
os.environ["RESPONSE_CACHE_ENABLED"] = "false"
os.environ["THROTTLE_ANON_RATE"] = "off"
setup()

import jieba  # noqa: E402
import opencc  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

PLAN = "tianjin-15th-fyp-proposals"
CASES_PATH = "tests/search/cases.json"
CASES = json.loads((ROOT / CASES_PATH).read_text(encoding="utf-8"))
T2S = opencc.OpenCC("t2s")
jieba.setLogLevel(60)

setup_test_environment()
CLIENT = Client()


def norm(text):
    return T2S.convert(text).lower()


def get_all(path, params=None):
    """Every result of a paginated API collection."""
    response = CLIENT.get(path, params)
    results = []
    while True:
        assert response.status_code == 200, (path, params, response.content[:200])
        body = response.json()
        results.extend(body["results"])
        if not body["next"]:
            return results
        response = CLIENT.get(body["next"])


# ---------------------------------------------------------------- plan-api


def plan_api(q):
    return [
        r["number"] for r in get_all("/api/v1/search/", {"q": q, "type": "article", "plan": PLAN, "page_size": 100})
    ]


# ---------------------------------------------------------------- the baselines' shared parts


def parse(q):
    """(groups, negatives) of the table's syntax: groups of OR-ed terms, ANDed; each term (text, is_phrase)."""
    groups, negatives, pending_or = [], [], False
    for token in re.findall(r'-?"[^"]*"?|\S+', q):
        if token == "OR" and groups:
            pending_or = True
            continue
        negated = token.startswith("-") and len(token) > 1
        token = token[1:] if negated else token
        phrase = token.startswith('"')
        text = token.strip('"')
        if not text:
            continue
        term = (norm(text), phrase)
        if negated:
            negatives.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    return groups, negatives


def articles():
    """(number, title, text) of the plan's articles, from the API: the same text plan-api searches."""
    rows = get_all(f"/api/v1/plans/{PLAN}/articles/", {"page_size": 100})
    return [(a["number"], norm(a["title"]), norm("\n".join(a["paragraphs"]))) for a in rows]


def fts_quote(token):
    return '"' + token.replace('"', '""') + '"'


# ---------------------------------------------------------------- SQLite FTS5 trigram


class Trigram:
    def __init__(self, rows):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE TABLE article (number INTEGER PRIMARY KEY, title TEXT, body TEXT)")
        self.db.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, body, content='article', "
            "content_rowid='number', tokenize='trigram')"
        )
        self.db.executemany("INSERT INTO article VALUES (?, ?, ?)", rows)
        self.db.execute("INSERT INTO fts(fts) VALUES ('rebuild')")

    @staticmethod
    def _like(text):
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "(a.title LIKE ? ESCAPE '\\' OR a.body LIKE ? ESCAPE '\\')", ["%" + escaped + "%"] * 2

    def __call__(self, q):
        groups, negatives = parse(q)
        match, where, params = [], [], []
        for group in groups:
            if all(len(text) >= 3 for text, _ in group):
                match.append("(" + " OR ".join(fts_quote(text) for text, _ in group) + ")")
            else:
                likes = [self._like(text) for text, _ in group]
                where.append("(" + " OR ".join(sql for sql, _ in likes) + ")")
                params += [p for _, ps in likes for p in ps]
        for text, _ in negatives:
            sql, ps = self._like(text)
            where.append("NOT " + sql)
            params += ps
        if not match and not where:
            return []
        if match:
            sql = (
                "SELECT a.number FROM fts JOIN article a ON a.number = fts.rowid WHERE fts MATCH ? "
                + "".join(" AND " + w for w in where)
                + " ORDER BY bm25(fts), a.number"
            )
            params = [" AND ".join(match)] + params
        else:
            # No bm25 without MATCH: rank by how often the terms occur, title occurrences counting ten times.
            counts = []
            for text, _ in (term for group in groups for term in group):
                counts.append(
                    "(10 * (length(a.title) - length(replace(a.title, ?, ''))) "
                    "+ length(a.body) - length(replace(a.body, ?, ''))) / ?"
                )
                params += [text, text, len(text)]
            sql = (
                "SELECT a.number FROM article a WHERE "
                + " AND ".join(where)
                + " ORDER BY "
                + " + ".join(counts)
                + " DESC, a.number"
            )
        return [row[0] for row in self.db.execute(sql, params)]


# ---------------------------------------------------------------- jieba + SQLite FTS5 (bm25)


def plan_dictionary():
    """The plan's own words for jieba: initiative names and key terms, normalised like the text."""
    folder = ROOT / "fixtures" / PLAN
    lines = (folder / "initiatives.tsv").read_text(encoding="utf-8").splitlines()[1:]
    words = [line.split("\t")[2] for line in lines if line.strip()]
    words += [
        w
        for w in (folder / "terms.txt").read_text(encoding="utf-8").splitlines()
        if w.strip() and not w.startswith("#")
    ]
    return sorted({norm(w.strip()) for w in words})


class JiebaBM25:
    def __init__(self, rows):
        self.tokenizer = jieba.Tokenizer()
        for word in plan_dictionary():
            self.tokenizer.add_word(word)
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE fts USING fts5(title, body)")
        self.db.executemany(
            "INSERT INTO fts(rowid, title, body) VALUES (?, ?, ?)",
            [(n, self.segment(t), self.segment(b)) for n, t, b in rows],
        )

    def tokens(self, text):
        return [t for t in self.tokenizer.cut_for_search(text) if re.search(r"\w", t)]

    def segment(self, text):
        return " ".join(self.tokens(text))

    def _term(self, text, phrase):
        tokens = self.tokens(text)
        if not tokens:
            return None
        if phrase and len(tokens) > 1:
            return "NEAR(" + " ".join(fts_quote(t) for t in tokens) + f", {len(tokens)})"
        return "(" + " AND ".join(fts_quote(t) for t in tokens) + ")"

    def __call__(self, q):
        groups, negatives = parse(q)
        ands = []
        for group in groups:
            terms = [t for t in (self._term(*term) for term in group) if t]
            if terms:
                ands.append("(" + " OR ".join(terms) + ")")
        if not ands:
            return []
        expression = " AND ".join(ands)
        for term in negatives:
            t = self._term(*term)
            if t:
                expression = f"({expression}) NOT {t}"
        sql = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY bm25(fts), rowid"
        return [row[0] for row in self.db.execute(sql, [expression])]


# ---------------------------------------------------------------- metrics

METRICS = ["recall", "precision", "top-3", "MRR", "nDCG@10", "exact", "no-hit clean"]


def score(case, got):
    """{metric: value} for one case; a metric that does not apply to the case is left out."""
    found = set(case["found"])
    s = {"exact": float(set(got) == found)}
    if found:
        hits = [n in found for n in got]
        s["recall"] = len(found & set(got)) / len(found)
        s["MRR"] = next((1 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
        dcg = sum(1 / log2(i + 2) for i, h in enumerate(hits[:10]) if h)
        s["nDCG@10"] = dcg / sum(1 / log2(i + 2) for i in range(min(len(found), 10)))
    else:
        s["no-hit clean"] = float(not got)
    if got:
        s["precision"] = len(found & set(got)) / len(got)
    if case["top3"]:
        s["top-3"] = float(set(case["top3"]) <= set(got[:3]))
    return s


def table(title, groups, engines, results):
    """A markdown table: one row per (group, engine), one column per metric, mean (and case count)."""
    print(f"\n### {title}\n")
    print("| " + " | ".join(["group", "cases", "engine"] + METRICS) + " |")
    print("|" + "---|" * (3 + len(METRICS)))
    for group, members in groups:
        for name in engines:
            cells = []
            for metric in METRICS:
                values = [results[name][c["id"]][metric] for c in members if metric in results[name][c["id"]]]
                cells.append(f"{sum(values) / len(values):.3f} ({len(values)})" if values else "—")
            print(f"| {group} | {len(members)} | {name} | " + " | ".join(cells) + " |")


def main():
    rows = articles()
    engines = {"plan-api": plan_api, "fts5-trigram": Trigram(rows), "jieba-bm25": JiebaBM25(rows)}
    results = defaultdict(dict)
    for name, engine in engines.items():
        for case in CASES:
            results[name][case["id"]] = score(case, engine(case["q"]))

    print("```\n$ .venv/bin/python bench/search_quality.py\n```")
    print(
        f"{len(CASES)} cases from {CASES_PATH} ({sum(not c['found'] for c in CASES)} expect nothing); "
        f"plan {PLAN}, {len(rows)} articles; SQLite {sqlite3.sqlite_version}, jieba {jieba.__version__}. "
        "Each cell: mean over the cases the metric applies to (their number)."
    )
    table("Overall", [("all", CASES)], engines, results)
    scripts = ["hans", "hant", "mixed", "none"]
    table("By script", [(s, [c for c in CASES if c["script"] == s]) for s in scripts], engines, results)
    kinds = sorted({c["kind"] for c in CASES}, key=lambda k: -sum(c["kind"] == k for c in CASES))
    table("By kind", [(k, [c for c in CASES if c["kind"] == k]) for k in kinds], engines, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
