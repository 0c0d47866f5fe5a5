"""The first plan's source text, read independently of articles/builder.py.

Tests derive their expectations from here: regular expressions over the raw lines of the file as received,
with the six errata of the seed README (typed below from that README, not read from errata.json).
"""

import re
from pathlib import Path

PLAN = "tianjin-15th-fyp-proposals"
FOLDER = Path(__file__).resolve().parent.parent / "fixtures" / PLAN
RAW = (FOLDER / f"{PLAN}.txt").read_bytes()
RAW_LINES = RAW.decode("utf-8").split("\n")

# (line, article, as received, correction): the table "Errata: six corrupted spans" of the seed README.
README_ERRATA = [
    (5, 1, "取得顯著成效?!笆奈濉睍r期是", "取得顯著成效。“十四五”時期是"),
    (10, 4, "確?;窘ǔ缮鐣髁x現代化大都市", "確保基本建成社會主義現代化大都市"),
    (29, 7, "天津濱?!嘘P村科技園", "天津濱海—中關村科技園"),
    (38, 14, "培養規?;?、職業化技術經理人隊伍", "培養規模化、職業化技術經理人隊伍"),
    (73, 39, "加快培育優勢??萍骸<訌娂部伢w系建設", "加快培育優勢專科集群。加強疾控體系建設"),
    (73, 39, "大力提高?;菲髽I事故救治能力", "大力提高危化品企業事故救治能力"),
]


def _corrected():
    lines = list(RAW_LINES)
    for line, _, as_received, correction in README_ERRATA:
        assert lines[line - 1].count(as_received) == 1
        lines[line - 1] = lines[line - 1].replace(as_received, correction)
    return lines


LINES = _corrected()  # corrected, 0-based: LINES[n - 1] is line n
TEXT = "\n".join(LINES)
CHAPTER_LINE = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
ARTICLE_LINE = re.compile(r"^(\d+)\.(.+)$")
NUMERALS = "一 二 三 四 五 六 七 八 九 十 十一 十二".split()


def _sections():
    """Walk the corrected lines 3 … n-1: the preamble, chapters with intros, articles with paragraphs."""
    preamble, chapters, articles = [], [], []
    for text in LINES[2:-1]:
        if m := CHAPTER_LINE.match(text):
            chapters.append({"number": len(chapters) + 1, "numeral": m[1], "title": m[2], "intro": []})
        elif m := ARTICLE_LINE.match(text):
            articles.append({"number": int(m[1]), "chapter": len(chapters), "paragraphs": [m[2]]})
        elif not chapters:
            preamble.append(text)
        elif articles and articles[-1]["chapter"] == len(chapters):
            articles[-1]["paragraphs"].append(text)
        else:
            chapters[-1]["intro"].append(text)
    return preamble, chapters, articles


PREAMBLE, CHAPTERS, ARTICLES = _sections()
CLOSING = [LINES[-1]]


def lead_sentence(paragraph):
    return re.match(r"^([^。]+)。", paragraph)[1]


def mentions_of(name):
    """(place, chapter, article, count) for every section whose text contains `name`, by str.count."""
    found = []
    if n := sum(p.count(name) for p in PREAMBLE):
        found.append(("preamble", None, None, n))
    for chapter in CHAPTERS:
        if n := chapter["title"].count(name) + sum(p.count(name) for p in chapter["intro"]):
            found.append(("chapter", chapter["number"], None, n))
        for article in ARTICLES:
            if article["chapter"] == chapter["number"] and (n := sum(p.count(name) for p in article["paragraphs"])):
                found.append(("article", chapter["number"], article["number"], n))
    if n := sum(p.count(name) for p in CLOSING):
        found.append(("closing", None, None, n))
    return found


def read_tsv(path):
    rows = [line.split("\t") for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    header, *body = rows
    return [dict(zip(header, row, strict=True)) for row in body]


INITIATIVES = read_tsv(FOLDER / "initiatives.tsv")
