#!/usr/bin/env python3
"""Verify the search quality table (cases.json) and the alias files against the source text.

Usage:
    python derive_cases.py [SOURCE_TXT] [--cases CASES_JSON]
    python derive_cases.py [SOURCE_TXT] --explain "QUERY" [--words W1 W2 ...]
    python derive_cases.py [SOURCE_TXT] --check-aliases

Needs only the standard library plus ``opencc`` (``pip install opencc``).

SOURCE_TXT defaults to ``<repo root>/../shared/seed/tianjin-15th-fyp-proposals.txt`` (the repo root being two
levels above this file's folder) and, where that does not exist (a worktree), to the byte-identical copy in
``fixtures/tianjin-15th-fyp-proposals/``; CASES_JSON defaults to ``cases.json`` beside this file. The alias
files are ``fixtures/aliases.tsv`` (general vocabulary) and ``fixtures/tianjin-15th-fyp-proposals/aliases.tsv``.

What it does: parses the document into its 52 articles (applying the six errata of shared/seed/README.md
first), cuts every paragraph into sentences (text between 。！？；; or a paragraph end), normalises text and
query with OpenCC ``t2s`` and ASCII lower case, and computes the *readings* of each query term: the term as
typed; its Taiwan/Hong Kong vocabulary converted by OpenCC's phrase profiles; its character variants
(``s2tw`` then ``t2s``: 着力 → 著力, as the text writes it); every alias of the alias files replaced by its
target; ASCII numbers written as the plan writes them (2035 → 二〇三五, 30 → 三十) and back. Then, for every
case, it recomputes what can be recomputed (README.md, "Semantics"):

* ``basis: substring`` -- ``found`` is exactly the articles in which a reading of the query occurs (AND of
  space-separated terms, "quoted" phrase, ``OR``, ``-term``), minus the articles in ``pruned``;
* ``basis: sentence`` -- ``words`` cut the typed query into pieces; ``found`` is exactly the articles with a
  sentence that holds a reading of every word, minus ``pruned``;
* ``basis: none`` -- a no-hit case: ``found`` is empty, no reading of the query occurs in any article and no
  sentence holds all its ``words``;
* ``pruned`` articles are mechanical matches ruled out by meaning; they need a ``note``;
* ``absent`` is disjoint from ``found`` and each entry is a real near miss; ``top3`` meets the top-3 rule;
* the kind's own condition holds (a segmented case needs its words apart somewhere; an alias, regional,
  number or variant case needs that conversion to find something the typed query does not);
* the script label, id uniqueness, query length, the errata cases, and the alias files' rules.

It prints every mismatch and exits 1 if there is any, 0 otherwise. It never rewrites cases.json: the table is
data, this script only checks it. ``--explain`` prints what the table's fields are read from: the readings,
each article's counts and title hits, and with ``--words`` every sentence that holds all the words, the
articles that hold them only far apart, and those that hold some of them.
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
PLAN = "tianjin-15th-fyp-proposals"
SEED_SOURCE = REPO_ROOT.parent / "shared" / "seed" / f"{PLAN}.txt"
FIXTURE_SOURCE = REPO_ROOT / "fixtures" / PLAN / f"{PLAN}.txt"
DEFAULT_SOURCE = SEED_SOURCE if SEED_SOURCE.exists() else FIXTURE_SOURCE
DEFAULT_CASES = HERE / "cases.json"
GENERAL_ALIASES = REPO_ROOT / "fixtures" / "aliases.tsv"
PLAN_ALIASES = REPO_ROOT / "fixtures" / PLAN / "aliases.tsv"

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

# Kinds of today's table (substring semantics) and the kinds of issue 10.
OLD_KINDS = {"word", "subword", "single-char", "initiative", "multiword", "phrase", "or", "exclude", "no-match"}
NEW_KINDS = {"segmented", "alias", "regional", "number", "variant", "no-hit"}
KINDS = OLD_KINDS | NEW_KINDS
SCRIPTS = {"hans", "hant", "mixed", "none"}
BASES = {"substring", "sentence", "none"}
REQUIRED = {"id", "q", "script", "kind", "basis", "found", "top3", "absent"}
OPTIONAL = {"words", "pruned", "note"}

# Sentence ends: full-width 。！？； and the ASCII ; ! ? the text also uses; a paragraph end is one too.
SENTENCE_END = re.compile(r"[。！？；;!?\n]")

T2S = opencc.OpenCC("t2s")
S2T = opencc.OpenCC("s2t")
S2TW = opencc.OpenCC("s2tw")
S2HK = opencc.OpenCC("s2hk")
TW2SP = opencc.OpenCC("tw2sp")
HK2SP = opencc.OpenCC("hk2sp")

CN_DIGITS = "〇一二三四五六七八九"


def norm(text):
    """The search's normalisation: OpenCC t2s, ASCII case folded."""
    return T2S.convert(text).lower()


# ---------------------------------------------------------------- the document


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
        self.norm_text = "\n".join(norm(line) for line in lines)
        self.sentences = {n: [s for s in SENTENCE_END.split(body) if s.strip()] for n, body in self.norm_body.items()}


# ---------------------------------------------------------------- aliases


class AliasError(ValueError):
    pass


def read_alias_file(path):
    """[(alias, target, note, lineno)] from one alias file: `#` comment lines, then the header
    `alias<TAB>target<TAB>note`, then one alias per line. Raises AliasError on a malformed line."""
    rows, header_seen = [], False
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if cells != ["alias", "target", "note"]:
                raise AliasError(f"{path}:{lineno}: the header must be alias<TAB>target<TAB>note")
            header_seen = True
            continue
        if len(cells) != 3 or not all(c.strip() == c and c for c in cells):
            raise AliasError(f"{path}:{lineno}: expected three non-empty tab-separated cells")
        rows.append((cells[0], cells[1], cells[2], lineno))
    if not header_seen:
        raise AliasError(f"{path}: no header line")
    return rows


def check_alias_files(doc, paths):
    """The alias files' rules (README.md, "How to add an alias"); returns a list of problems."""
    problems, seen = [], {}
    for path in paths:
        try:
            rows = read_alias_file(path)
        except (OSError, AliasError) as e:
            problems.append(str(e))
            continue
        for alias, target, _note, lineno in rows:
            where = f"{Path(path).relative_to(REPO_ROOT)}:{lineno}"
            if T2S.convert(alias) != alias or T2S.convert(target) != target:
                problems.append(f"{where}: {alias} -> {target} is not in simplified characters")
            if norm(alias) == norm(target):
                problems.append(f"{where}: alias and target are the same")
            if norm(target) not in doc.norm_text:
                problems.append(f"{where}: target {target} does not occur in the plan's text")
            key = (norm(alias), norm(target))
            if key in seen:
                problems.append(f"{where}: duplicate of {seen[key]}")
            seen[key] = where
    return problems


def load_aliases(paths):
    """{normalised alias: [normalised targets]} from the alias files that exist."""
    aliases = {}
    for path in paths:
        if Path(path).exists():
            for alias, target, _, _ in read_alias_file(path):
                aliases.setdefault(norm(alias), []).append(norm(target))
    return aliases


# ---------------------------------------------------------------- readings


def _cn_number(n):
    """Positional Chinese numeral for 0 < n < 100 (30 -> 三十, 12 -> 十二)."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")) + (CN_DIGITS[ones] if ones else "")


def _number_forms(text):
    """The text with its numbers written the other way: ASCII years digit by digit (2035 -> 二〇三五), other
    ASCII numbers below 100 positionally (30 -> 三十), and Chinese year digits in ASCII (二〇二五 -> 2025)."""
    forms = set()

    def ascii_to_cn(m):
        s = m.group(0)
        if len(s) == 4:
            return "".join(CN_DIGITS[int(c)] for c in s)
        n = int(s)
        return _cn_number(n) if 0 < n < 100 and not s.startswith("0") else s

    forms.add(re.sub(r"(?<![0-9a-z])[0-9]+(?![0-9a-z])", ascii_to_cn, text))
    forms.add(re.sub("[〇一二三四五六七八九]{4}", lambda m: "".join(str(CN_DIGITS.index(c)) for c in m.group(0)), text))
    forms.discard(text)
    return forms


def _alias_forms(text, aliases):
    """The text with one alias replaced by one of its targets (each alias, each occurrence, each target). Latin
    aliases only match whole (not inside a longer run of ASCII letters or digits)."""
    forms = set()
    for alias, targets in aliases.items():
        latin = alias.isascii()
        for m in re.finditer(re.escape(alias), text):
            before, after = text[m.start() - 1 : m.start()], text[m.end() : m.end() + 1]
            if latin and (re.fullmatch("[0-9a-z]", before) or re.fullmatch("[0-9a-z]", after)):
                continue
            for target in targets:
                forms.add(text[: m.start()] + target + text[m.end() :])
    return forms


def readings(term, aliases, steps=("regional", "variant", "alias", "number")):
    """{reading: how} for one query term: the normalised term as typed, then each conversion in `steps`.
    `how` names the conversions that produced the reading ('typed', 'regional', 'alias+number', ...)."""
    out = {norm(term): "typed"}
    if "regional" in steps:
        for conv, prefix in ((TW2SP, S2TW), (HK2SP, S2HK)):
            r = norm(conv.convert(prefix.convert(term)))
            out.setdefault(r, "regional")
    if "variant" in steps:
        out.setdefault(norm(S2TW.convert(term)), "variant")
    if "alias" in steps:
        for r, how in list(out.items()):
            for f in _alias_forms(r, aliases):
                out.setdefault(f, "alias" if how == "typed" else how + "+alias")
    if "number" in steps:
        for r, how in list(out.items()):
            for f in _number_forms(r):
                out.setdefault(f, "number" if how == "typed" else how + "+number")
    return out


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


class Matcher:
    """Substring and sentence matching of query terms through their readings."""

    def __init__(self, doc, aliases, steps=("regional", "variant", "alias", "number")):
        self.doc, self.aliases, self.steps = doc, aliases, steps

    def readings(self, term):
        return readings(term, self.aliases, self.steps)

    def term_articles(self, term):
        rs = self.readings(term)
        return {n for n, body in self.doc.norm_body.items() if any(r in body for r in rs)}

    def substring(self, q):
        """Articles matched by the query's operators with each term through its readings, and the articles
        dropped by its -terms."""
        groups, negatives = parse_query(q)
        hits = set(self.doc.articles)
        for group in groups:
            ors = set()
            for term in group:
                ors |= self.term_articles(term)
            hits &= ors
        excluded = set()
        for term in negatives:
            excluded |= hits & self.term_articles(term)
        return hits - excluded, excluded

    def sentence_hits(self, words):
        """{article: [sentences holding a reading of every word]}."""
        rs = [self.readings(w) for w in words]
        out = {}
        for n, sentences in self.doc.sentences.items():
            good = [s for s in sentences if all(any(r in s for r in wr) for wr in rs)]
            if good:
                out[n] = good
        return out

    def word_articles(self, words):
        """{article: [words, among `words`, that occur in it anywhere]}."""
        out = {}
        for w in words:
            for n in self.term_articles(w):
                out.setdefault(n, []).append(w)
        return out


def top3_ok(doc, term, article, pool):
    """Today's top-3 rule for one term: the article's title contains the
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


def title_names(matcher, case, article):
    """The top-3 rule of the new kinds: the article's title (its lead sentence) holds a reading of the whole
    query, or of every one of its words."""
    title = matcher.doc.norm_title[article]
    if any(r in title for r in matcher.readings(case["q"])):
        return True
    words = case.get("words")
    return bool(words) and all(any(r in title for r in matcher.readings(w)) for w in words)


def split_match(doc, term, article):
    """True if the term, cut in two somewhere, has both pieces in the
    article: the near miss a quoted phrase must not match."""
    t, body = norm(term), doc.norm_body[article]
    return any(t[:i] in body and t[i:] in body for i in range(1, len(t)))


def chars_in_one_sentence(doc, q, article):
    """True if one sentence of the article holds every CJK character of the query: the near miss that a
    one-character fallback would turn into a hit."""
    chars = {c for c in norm(q) if "\u3400" <= c <= "\u9fff"}
    return bool(chars) and any(chars <= set(s) for s in doc.sentences[article])


def near_miss(matcher, case, article):
    """True if the article is a near miss of the case's query, one that a looser search would return: it
    holds one of the query's words (anywhere), or a piece of two or more characters of a reading of the
    query, or every CJK character of the query in one sentence; for a no-hit case, also any one of the
    query's CJK characters (what a one-character fallback matches)."""
    doc, q, words = matcher.doc, case["q"], case.get("words")
    body = doc.norm_body[article]
    if words and article in matcher.word_articles(words):
        return True
    if chars_in_one_sentence(doc, q, article):
        return True
    for r in matcher.readings(q):
        if any(r[i:j] in body for i in range(len(r)) for j in range(i + 2, len(r) + 1)):
            return True
    if case["basis"] == "none":
        return any("\u3400" <= c <= "\u9fff" and c in body for c in norm(q))
    return False


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


def _check_fields(case, err, seen):
    keys = set(case)
    if not REQUIRED <= keys or not keys <= REQUIRED | OPTIONAL:
        err(f"keys {sorted(keys)!r}: need {sorted(REQUIRED)!r}, may have {sorted(OPTIONAL)!r}")
        return False
    cid, q = case["id"], case["q"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", cid):
        err("id is not short lowercase ascii")
    if cid in seen:
        err("duplicate id")
    seen.add(cid)
    if not 0 < len(q) < 200:
        err("q must be 1..199 characters")
    if case["kind"] not in KINDS:
        err("unknown kind {!r}".format(case["kind"]))
    if case["basis"] not in BASES:
        err("unknown basis {!r}".format(case["basis"]))
    if case["script"] not in SCRIPTS:
        err("unknown script {!r}".format(case["script"]))
    elif case["script"] not in script_of(q):
        err("script {!r} but the query's characters say {}".format(case["script"], "/".join(sorted(script_of(q)))))
    for field in ("found", "top3", "absent", "pruned"):
        v = case.get(field, [])
        if not (isinstance(v, list) and all(isinstance(x, int) and 1 <= x <= 52 for x in v) and v == sorted(set(v))):
            err(f"{field} must be a sorted list of distinct article numbers")
            return False
    if "words" in case:
        w = case["words"]
        if not (isinstance(w, list) and w and all(isinstance(x, str) and x and x.strip() == x for x in w)):
            err("words must be a non-empty list of strings")
            return False
        if "".join(w) != "".join(q.split()):
            err(f"words {w!r} do not cut the typed query {q!r} into pieces")
    if case.get("pruned") and not case.get("note"):
        err("pruned articles need a note saying why")
    return True


def check(doc, cases, aliases):
    errors = []
    uncorrected = Document(doc.raw, apply_errata=False)
    matcher = Matcher(doc, aliases)
    seen = set()

    if not isinstance(cases, list):
        return ["cases.json is not a JSON list"]
    for case in cases:

        def err(msg, case=case):
            errors.append("{}: {}".format(case.get("id", "?"), msg))

        if not _check_fields(case, err, seen):
            continue
        cid, q, kind, basis = case["id"], case["q"], case["kind"], case["basis"]
        found, absent, top3 = set(case["found"]), set(case["absent"]), case["top3"]
        pruned, words = set(case.get("pruned", [])), case.get("words")
        try:
            groups, negatives = parse_query(q)
        except ValueError as e:
            err(str(e))
            continue
        terms = [t for g in groups for t in g]
        single = len(groups) == 1 and len(terms) == 1 and not negatives

        # found, recomputed
        excluded = set()
        if basis == "substring":
            computed, excluded = matcher.substring(q)
        elif basis == "sentence":
            if not single or not words:
                err("a sentence case is one term (no operators) with its words")
                continue
            computed = set(matcher.sentence_hits(words))
        else:  # none
            computed = set()
            if not single:
                err("a no-hit case is one term")
            for r, how in matcher.readings(q).items():
                where = [n for n, body in doc.norm_body.items() if r in body]
                if where:
                    err(f"reading {r!r} ({how}) occurs in articles {where}")
            if words:
                hits = matcher.sentence_hits(words)
                if hits:
                    err(f"articles {sorted(hits)} have all the words in one sentence")
        if not pruned <= computed:
            err(f"pruned {sorted(pruned - computed)!r} are not mechanical matches")
        if found != computed - pruned:
            err(
                "found {!r} != computed {!r}{}".format(
                    sorted(found), sorted(computed - pruned), f" (pruned {sorted(pruned)!r})" if pruned else ""
                )
            )
        if absent & found:
            err(f"absent {sorted(absent & found)!r} intersects found")

        # absent: exclusions, or near misses
        if kind == "exclude":
            if not negatives or not excluded:
                err("exclude case whose -term drops nothing")
            if sorted(excluded) != case["absent"]:
                err("absent {!r} != articles dropped by -term {!r}".format(case["absent"], sorted(excluded)))
        elif negatives:
            err(f"-term in a {kind} case")
        else:
            for a in sorted(absent - pruned):
                if kind in OLD_KINDS:
                    near = any(split_match(doc, t, a) for t in terms)
                else:
                    near = near_miss(matcher, case, a)
                if not near:
                    err(f'absent article {a} is not a near miss (README.md, "absent")')

        # top3
        if len(top3) > 2:
            err("top3 has more than 2 entries")
        if not set(top3) <= found:
            err(f"top3 {top3!r} not all in found")
        if top3 and len(found) <= 3:
            err("top3 given where found has <= 3 articles (it is implied)")
        for a in top3:
            if kind == "or" or any(len(g) > 1 for g in groups):
                err("top3 is not given for OR queries")
                break
            if kind in OLD_KINDS:
                ok = any(top3_ok(doc, t, a, found) for t in terms)
            else:
                ok = title_names(matcher, case, a)
            if not ok:
                err(f"article {a} fails the top-3 rule")

        if "erratum" in cid and Matcher(uncorrected, aliases).substring(q)[0] == computed:
            err("an erratum case whose results do not depend on the errata")

        # kind-specific constraints
        if kind in OLD_KINDS and basis != ("none" if kind == "no-match" else "substring"):
            err("kind {} has basis {}".format(kind, "none" if kind == "no-match" else "substring"))
        if kind == "no-match":
            for t in terms:
                if norm(t) in doc.norm_text or t in doc.raw or T2S.convert(t) in doc.raw:
                    err(f"term {t!r} occurs in the document")
        elif kind == "no-hit":
            if basis != "none" or not words:
                err("a no-hit case has basis none and its words")
            elif not absent:
                err("a no-hit case names in absent the near misses a fallback would return")
        elif not found and kind in OLD_KINDS:
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
                err(f"kind {kind} but nothing matches")
        elif not found:
            err(f"a {kind} case finds nothing")
        if kind == "segmented":
            if basis != "sentence" or len(words or []) < 2:
                err("a segmented case has basis sentence and at least two words")
            elif not computed - matcher.substring(q)[0]:
                err("no article has the words apart: this is a substring case")
        conversion = {"alias": "alias", "regional": "regional", "number": "number", "variant": "variant"}.get(kind)
        if conversion:
            without = Matcher(doc, aliases, tuple(s for s in matcher.steps if s != conversion))
            if basis == "substring":
                plain = without.substring(q)[0]
            elif basis == "sentence":
                plain = set(without.sentence_hits(words))
            else:
                plain = computed
            if plain >= computed:
                err(f"a {kind} case whose {conversion} conversion finds nothing more")
        if kind == "or" and not any(len(g) > 1 for g in groups):
            err("or case without OR")
        if kind == "multiword" and (len(groups) < 2 or any(len(g) > 1 for g in groups)):
            err("multiword case needs >=2 AND-ed terms and no OR")
        if kind == "phrase" and '"' not in q:
            err("phrase case without quotes")
        if kind == "single-char" and not (len(terms) == 1 and len(terms[0]) == 1):
            err("single-char case is not one character")
        if kind in ("word", "subword", "initiative") and len(terms) != 1:
            err(f"{kind} case must be one term")
        if kind == "subword":
            t = norm(terms[0]) if terms else ""
            if not any(len(w) > len(t) and t in w for w in doc.norm_body.values()):
                err("subword term not inside a longer text")
    return errors


# ---------------------------------------------------------------- explaining


def explain(doc, q, words, aliases):
    matcher = Matcher(doc, aliases)
    groups, negatives = parse_query(q)
    terms = [t for g in groups for t in g] + negatives
    print(f"query {q!r}")
    for t in terms:
        print(
            "  readings of {!r}: {}".format(t, ", ".join("{} ({})".format(*kv) for kv in matcher.readings(t).items()))
        )
    hits, excluded = matcher.substring(q)
    print("substring: found {}{}".format(sorted(hits), f"  excluded {sorted(excluded)}" if excluded else ""))
    for n in sorted(hits | excluded):
        cells = []
        for t in terms:
            nt = norm(t)
            title_mark = "T" if nt in doc.norm_title[n] else ""
            cells.append(f"{nt}={doc.norm_body[n].count(nt)}{title_mark}")
        print(f"  {n:2d} {' '.join(cells)}  {doc.articles[n].title[:30]}")
    if len(groups) == 1 and len(groups[0]) == 1 and not negatives:
        print(f"top3 rule (today's) for {terms[0]!r}: {[a for a in sorted(hits) if top3_ok(doc, terms[0], a, hits)]}")
    if words:
        for w in words:
            print("  readings of word {!r}: {}".format(w, ", ".join(matcher.readings(w))))
        sent = matcher.sentence_hits(words)
        print(f"sentence: {sorted(sent)}")
        for n, ss in sorted(sent.items()):
            flag = "T" if title_names(matcher, {"q": q, "words": words}, n) else " "
            for s in ss:
                print(f"  {n:2d}{flag} {s}")
        apart = {n: ws for n, ws in matcher.word_articles(words).items() if n not in sent}
        print(f"all words but apart: {sorted(n for n, ws in apart.items() if len(ws) == len(words))}")
        some = {n: ws for n, ws in sorted(apart.items()) if len(ws) < len(words)}
        more = " …" if len(some) > 12 else ""
        print(f"some words only ({len(some)} articles): {dict(list(some.items())[:12])}{more}")
    chars = sorted(n for n in doc.articles if chars_in_one_sentence(doc, q, n))
    print(f"all characters in one sentence: {chars}")
    print("anywhere in document: %s" % {t: norm(t) in doc.norm_text for t in terms})


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", default=str(DEFAULT_SOURCE))
    ap.add_argument("--cases", default=str(DEFAULT_CASES))
    ap.add_argument("--explain", metavar="QUERY")
    ap.add_argument("--words", nargs="+", metavar="WORD", help="with --explain: the query cut into words")
    ap.add_argument("--check-aliases", action="store_true", help="check only the alias files")
    args = ap.parse_args(argv)
    doc = Document(Path(args.source).read_text(encoding="utf-8"))
    alias_files = [GENERAL_ALIASES, PLAN_ALIASES]
    alias_problems = check_alias_files(doc, alias_files)
    aliases = load_aliases(alias_files) if not alias_problems else {}
    if args.explain:
        explain(doc, args.explain, args.words, aliases)
        return 0
    for p in alias_problems:
        print(p)
    if args.check_aliases:
        print(f"{sum(len(t) for t in aliases.values())} aliases, {len(alias_problems)} problems")
        return 1 if alias_problems else 0
    cases = json.loads(Path(args.cases).read_text(encoding="utf-8"))
    errors = check(doc, cases, aliases)
    for e in errors:
        print(e)
    print(f"{len(cases)} cases, {len(errors)} mismatches, {len(alias_problems)} alias problems")
    return 1 if errors or alias_problems else 0


if __name__ == "__main__":
    sys.exit(main())
