#!/usr/bin/env python3
"""Verify the search quality table (cases.json) against the source text.

Usage:
    python derive_cases.py [SOURCE_TXT] [--cases CASES_JSON]
    python derive_cases.py [SOURCE_TXT] --explain "QUERY"

Needs only the standard library plus ``opencc`` (``pip install opencc``).

SOURCE_TXT defaults to ``<repo root>/../shared/seed/tianjin-15th-fyp-proposals.txt``
(the repo root being two levels above this file's folder); CASES_JSON defaults to
``cases.json`` beside this file.

What it does: parses the document into its 52 articles (applying the six errata of
shared/seed/README.md first), normalises every paragraph and every query term with
OpenCC ``t2s``, and then, for every case, recomputes

* ``found``  -- the exact set of articles the query matches under substring
  semantics (AND of space-separated terms, "quoted" phrase = contiguous
  substring, ``OR`` between terms = union, ``-term`` = exclusion);
* ``absent`` -- must be disjoint from the recomputed set and, for ``exclude``
  cases, must be exactly the articles dropped by the ``-term``s;
* ``top3``   -- each entry must satisfy the table's top-3 rule (see README.md);
* the ``script`` label, the ``kind``-specific constraints, id uniqueness,
  query length, and for ``no-match`` cases that no term occurs anywhere in
  the document (raw or normalised);
* for cases whose id contains ``erratum``, that the result really depends on
  the errata (the uncorrected text gives a different set).

It prints every mismatch and exits 1 if there is any, 0 otherwise. It never
rewrites cases.json: the table is data, this script only checks it.
``--explain`` prints, for a query, the matching articles with per-term
occurrence counts and whether the term is in the article's title -- the
numbers the table's ``found`` and ``top3`` were read from.
"""

import argparse
import json
import re
import sys
from pathlib import Path

try:
    import opencc
except ImportError:  # pragma: no cover
    sys.exit("derive_cases.py needs OpenCC's Python binding: pip install opencc")

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "seed" / "tianjin-15th-fyp-proposals.txt"
DEFAULT_CASES = HERE / "cases.json"

# (line, as received, correction) -- from shared/seed/README.md, "Errata".
ERRATA = [
    (5, "取得顯著成效?!笆奈濉睍r期是", "取得顯著成效。“十四五”時期是"),
    (10, "確?;窘ǔ缮鐣髁x現代化大都市", "確保基本建成社會主義現代化大都市"),
    (29, "天津濱?!嘘P村科技園", "天津濱海—中關村科技園"),
    (38, "培養規?;?、職業化技術經理人隊伍", "培養規模化、職業化技術經理人隊伍"),
    (73, "加快培育優勢??萍骸<訌娂部伢w系建設", "加快培育優勢專科集群。加強疾控體系建設"),
    (73, "大力提高?;菲髽I事故救治能力", "大力提高危化品企業事故救治能力"),
]

# Continuation lines (unnumbered paragraphs) and the article they belong to.
EXPECTED_CONTINUATIONS = {8: 3, **dict.fromkeys(range(12, 18), 5), **dict.fromkeys(range(19, 27), 6), 90: 49}

KINDS = {"word", "subword", "single-char", "initiative", "multiword", "phrase", "or", "exclude", "no-match"}
SCRIPTS = {"hans", "hant", "mixed", "none"}

T2S = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")


def norm(text):
    """The search's normalisation: OpenCC t2s, ASCII case folded."""
    return T2S.convert(text).lower()


class Article:
    def __init__(self, number, first_line):
        self.number = number
        self.lines = [first_line]
        self.paragraphs = []  # raw, corrected

    @property
    def title(self):
        first = self.paragraphs[0]
        i = first.find("。")
        return first if i < 0 else first[: i + 1]


class Document:
    def __init__(self, raw, apply_errata=True):
        self.raw = raw
        lines = raw.split("\n")
        if len(lines) != 94:
            raise ValueError(f"expected 94 lines, got {len(lines)}")
        for lineno, bad, good in ERRATA:
            if raw.count(bad) != 1 or lines[lineno - 1].count(bad) != 1:
                raise ValueError(f"erratum not found exactly once on line {lineno}: {bad}")
            if apply_errata:
                lines[lineno - 1] = lines[lineno - 1].replace(bad, good)
        self.lines = lines
        self.text = "\n".join(lines)
        self.articles = {}
        chapters = 0
        current = None  # article receiving continuation lines
        continuations = {}
        for lineno, line in enumerate(lines, start=1):
            m_art = re.match(r"^(\d+)\.(.*)$", line)
            m_chap = re.match(r"^[一二三四五六七八九十]+、", line)
            if lineno <= 3 or lineno == len(lines):
                current = None  # title, subtitle, preamble, closing paragraph
            elif m_chap:
                chapters += 1
                current = None
            elif m_art:
                n = int(m_art.group(1))
                if n != len(self.articles) + 1:
                    raise ValueError(f"article {n} out of order on line {lineno}")
                current = Article(n, lineno)
                current.paragraphs.append(m_art.group(2))
                self.articles[n] = current
            elif current is not None:
                current.lines.append(lineno)
                current.paragraphs.append(line)
                continuations[lineno] = current.number
            # else: a chapter's lead paragraph, not part of any article
        if chapters != 12 or len(self.articles) != 52:
            raise ValueError(f"expected 12 chapters and 52 articles, got {chapters} and {len(self.articles)}")
        if continuations != EXPECTED_CONTINUATIONS:
            raise ValueError(f"continuation lines differ from the README: {continuations!r}")
        # Normalised per paragraph, joined by newlines: no match spans paragraphs.
        self.norm_body = {n: "\n".join(norm(p) for p in a.paragraphs) for n, a in self.articles.items()}
        self.norm_title = {n: norm(a.title) for n, a in self.articles.items()}
        self.norm_text = "\n".join(norm(line_) for line_ in lines)


# ---------------------------------------------------------------- queries


def parse_query(q):
    """Return (groups, negatives): groups is a list of OR-lists of terms that
    are ANDed together; negatives a list of excluded terms. A term is a plain
    string (a word, or a quoted phrase without its quotes)."""
    tokens = re.findall(r'-?"[^"]*"|\S+', q)
    groups, negatives = [], []
    pending_or = False
    for tok in tokens:
        if tok == "OR":
            if not groups:
                raise ValueError(f"OR at the start of {q!r}")
            pending_or = True
            continue
        neg = tok.startswith("-") and len(tok) > 1
        if neg:
            tok = tok[1:]
        term = tok[1:-1] if len(tok) >= 2 and tok[0] == tok[-1] == '"' else tok
        if not term:
            continue
        if neg:
            negatives.append(term)
            pending_or = False
        elif pending_or:
            groups[-1].append(term)
            pending_or = False
        else:
            groups.append([term])
    if pending_or:
        raise ValueError(f"OR at the end of {q!r}")
    return groups, negatives


def match(doc, q):
    """Articles matched, and articles dropped by the negative terms."""
    groups, negatives = parse_query(q)
    hits = set(doc.articles)
    for group in groups:
        ors = set()
        for term in group:
            t = norm(term)
            ors |= {n for n, body in doc.norm_body.items() if t in body}
        hits &= ors
    excluded = set()
    for term in negatives:
        t = norm(term)
        excluded |= {n for n in hits if t in doc.norm_body[n]}
    return hits - excluded, excluded


def top3_ok(doc, term, article, pool):
    """The table's top-3 rule for one term: the article's title contains the
    term, and the article has at least 2 more occurrences than any article in
    `pool` (the other matching articles) whose title lacks it, and at least
    as many as any other article whose title has it."""
    t = norm(term)
    if t not in doc.norm_title[article]:
        return False
    mine = doc.norm_body[article].count(t)
    for n in pool:
        if n == article:
            continue
        c = doc.norm_body[n].count(t)
        if t in doc.norm_title[n]:
            if c > mine:
                return False
        elif c + 2 > mine:
            return False
    return True


def split_match(doc, term, article):
    """True if the term, cut in two somewhere, has both pieces in the
    article: the near miss a quoted phrase must not match."""
    t, body = norm(term), doc.norm_body[article]
    return any(t[:i] in body and t[i:] in body for i in range(1, len(t)))


def script_of(q):
    """Mechanical part of the script label: 'none' = no character changes
    under t2s or s2t; 'hans' = unchanged by t2s but changed by s2t;
    otherwise the query has traditional characters ('hant' or 'mixed',
    which the table's author chooses)."""
    if T2S.convert(q) != q:
        has_hans = any(T2S.convert(c) == c and S2T.convert(c) != c for c in q)
        return {"hant", "mixed"} if has_hans else {"hant"}
    if S2T.convert(q) != q:
        return {"hans"}
    return {"none"}


# ---------------------------------------------------------------- checking


def check(doc, cases):
    errors = []
    uncorrected = Document(doc.raw, apply_errata=False)
    seen = set()

    def err(case, msg):
        errors.append("{}: {}".format(case.get("id", "?"), msg))

    if not isinstance(cases, list):
        return ["cases.json is not a JSON list"]
    for case in cases:
        keys = {"id", "q", "script", "kind", "found", "top3", "absent"}
        if set(case) != keys:
            err(case, f"keys {sorted(case)!r} != {sorted(keys)!r}")
            continue
        cid, q, kind = case["id"], case["q"], case["kind"]
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", cid):
            err(case, "id is not short lowercase ascii")
        if cid in seen:
            err(case, "duplicate id")
        seen.add(cid)
        if not 0 < len(q) < 200:
            err(case, "q must be 1..199 characters")
        if kind not in KINDS:
            err(case, f"unknown kind {kind!r}")
        if case["script"] not in SCRIPTS:
            err(case, "unknown script {!r}".format(case["script"]))
        elif case["script"] not in script_of(q):
            err(
                case,
                "script {!r} but the query's characters say {}".format(case["script"], "/".join(sorted(script_of(q)))),
            )
        for field in ("found", "top3", "absent"):
            v = case[field]
            if not (
                isinstance(v, list) and all(isinstance(x, int) and 1 <= x <= 52 for x in v) and v == sorted(set(v))
            ):
                err(case, f"{field} must be a sorted list of distinct article numbers")
        try:
            groups, negatives = parse_query(q)
            hits, excluded = match(doc, q)
        except ValueError as e:
            err(case, str(e))
            continue
        expected = sorted(hits)
        if case["found"] != expected:
            err(case, "found {!r} != computed {!r}".format(case["found"], expected))
        if set(case["absent"]) & hits:
            err(case, "absent {!r} intersects computed results".format(sorted(set(case["absent"]) & hits)))
        if len(case["top3"]) > 2:
            err(case, "top3 has more than 2 entries")
        if not set(case["top3"]) <= hits:
            err(case, "top3 {!r} not all in computed results".format(case["top3"]))
        terms = [t for g in groups for t in g]
        for a in case["top3"]:
            if kind == "or" or any(len(g) > 1 for g in groups):
                err(case, "top3 is not given for OR queries")
                break
            # one term: the rule for it; several AND-ed terms: the rule for
            # at least one of them (the article contains all, being found)
            if not any(top3_ok(doc, t, a, hits) for t in terms):
                err(case, f"article {a} fails the top-3 rule")
        if case["top3"] and len(hits) <= 3:
            err(case, "top3 given where found has <= 3 articles (it is implied)")
        if "erratum" in cid and match(uncorrected, q)[0] == hits:
            err(case, "an erratum case whose results do not depend on the errata")
        # kind-specific constraints
        if kind == "no-match":
            if hits or case["top3"]:
                err(case, "no-match case has results")
            for t in terms:
                if norm(t) in doc.norm_text or t in doc.raw or T2S.convert(t) in doc.raw:
                    err(case, f"term {t!r} occurs in the document")
        elif not hits:
            # Allowed only where the emptiness is itself the point: a phrase
            # whose words all occur in the `absent` articles but never
            # contiguously, or a term that occurs in the document only outside
            # the articles (title, preamble, chapter lead paragraphs).
            phrase_split = (
                kind == "phrase"
                and len(terms) == 1
                and case["absent"]
                and all(split_match(doc, terms[0], a) for a in case["absent"])
            )
            outside = all(norm(t) in doc.norm_text for t in terms)
            if not (phrase_split or outside):
                err(case, f"kind {kind} but nothing matches")
        if kind == "exclude":
            if not negatives or not excluded:
                err(case, "exclude case whose -term drops nothing")
            if sorted(excluded) != case["absent"]:
                err(case, "absent {!r} != articles dropped by -term {!r}".format(case["absent"], sorted(excluded)))
        elif negatives:
            err(case, f"-term in a {kind} case")
        else:
            for a in case["absent"]:
                if not any(split_match(doc, t, a) for t in terms):
                    err(case, f"absent article {a} is not a near miss of any term")
        if kind == "or" and not any(len(g) > 1 for g in groups):
            err(case, "or case without OR")
        if kind == "multiword" and (len(groups) < 2 or any(len(g) > 1 for g in groups)):
            err(case, "multiword case needs >=2 AND-ed terms and no OR")
        if kind == "phrase" and '"' not in q:
            err(case, "phrase case without quotes")
        if kind == "single-char" and not (len(terms) == 1 and len(terms[0]) == 1):
            err(case, "single-char case is not one character")
        if kind in ("word", "subword", "initiative") and len(terms) != 1:
            err(case, f"{kind} case must be one term")
        if kind == "subword":
            t = norm(terms[0]) if terms else ""
            if not any(len(w) > len(t) and t in w for w in doc.norm_body.values()):
                err(case, "subword term not inside a longer text")
    return errors


def explain(doc, q):
    hits, excluded = match(doc, q)
    groups, negatives = parse_query(q)
    terms = [t for g in groups for t in g] + negatives
    print(f"query {q!r} -> t2s {[norm(t) for t in terms]!r}")
    print(f"found {sorted(hits)}")
    if excluded:
        print(f"excluded {sorted(excluded)}")
    for n in sorted(hits | excluded):
        cells = []
        for t in terms:
            nt = norm(t)
            title_mark = "T" if nt in doc.norm_title[n] else ""
            cells.append(f"{nt}={doc.norm_body[n].count(nt)}{title_mark}")
        print(f"  {n:2d} {' '.join(cells)}  {doc.articles[n].title[:30]}")
    for t in (t for g in groups for t in g):
        ok = [a for a in sorted(hits) if top3_ok(doc, t, a, hits)]
        print(f"top3 rule for {t!r}: {ok}")
    print("anywhere in document: %s" % {t: norm(t) in doc.norm_text for t in terms})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE))
    ap.add_argument("--cases", default=str(DEFAULT_CASES))
    ap.add_argument("--explain", metavar="QUERY", action="append")
    args = ap.parse_args(argv)
    doc = Document(Path(args.source).read_text(encoding="utf-8"))
    if args.explain:
        for q in args.explain:
            explain(doc, q)
        return 0
    cases = json.loads(Path(args.cases).read_text(encoding="utf-8"))
    errors = check(doc, cases)
    for e in errors:
        print(e)
    print(f"{len(cases)} cases, {len(errors)} mismatches")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
