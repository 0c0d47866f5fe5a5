"""Build a plan's document structure from its source text: the first half of the builder.

A plan lives in one folder under `fixtures/`:

    fixtures/<slug>/
        metadata.json       slug, source file name, issuer, region, period (curated, checked against the text)
        <source>.txt        the text exactly as received; never edited
        errata.json         corrupted spans: line, article, as_received, correction (curated)
        initiatives.tsv     named initiatives: slug, kind, name (curated; read by indicators.builder)
        terms.txt           key terms for the segmenter's dictionary (curated; each must occur in the text)
        generated/plan.json what ingest.build writes from all of these: never edit by hand

The text has the shape of a Chinese plan "proposal" (建議): a title line, a subtitle in parentheses naming
the date and the adopting body, a preamble, chapters headed `一、…`, articles numbered `N.` across the whole
document (an unnumbered line after an article continues it), and a closing paragraph as the last line.
This module reads the folder's metadata, source, errata and terms and turns the text into the plan, its
chapters and its articles; `indicators.builder` finds the principles, goals and initiatives in them, and
`ingest.build` puts the two together.

Everything here is pure: text in, plain data out, the same bytes for the same input.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

GENERATED = Path("generated") / "plan.json"

CHINESE_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CHAPTER_RE = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
ARTICLE_RE = re.compile(r"^(\d+)\.(.*)$")
DATE_RE = re.compile(r"^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]+)月([一二三四五六七八九十]+)日")
SUBTITLE_RE = re.compile(r"^[(（](.+)[)）]$")
# A title is the lead sentence, which ends at the first full stop.
FULL_STOP = "。"


class BuildError(ValueError):
    """The plan folder does not have the expected shape; the message names the file and line."""


@dataclass(frozen=True)
class Line:
    number: int  # 1-based line number in the source file
    text: str  # corrected text


def chinese_to_int(numeral):
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (the numerals used for chapters, months and days)."""
    if not numeral or any(ch not in CHINESE_DIGITS and ch != "十" for ch in numeral):
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    if "十" not in numeral:
        if len(numeral) != 1:
            raise ValueError(f"not a Chinese numeral: {numeral!r}")
        return CHINESE_DIGITS[numeral]
    tens, _, units = numeral.partition("十")
    value = (CHINESE_DIGITS[tens] if tens else 1) * 10 + (CHINESE_DIGITS[units] if units else 0)
    if len(tens) > 1 or len(units) > 1:
        raise ValueError(f"not a Chinese numeral: {numeral!r}")
    return value


def int_to_chinese(number):
    digits = "〇一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")


def chinese_year(digits):
    return int("".join(str(CHINESE_DIGITS[ch]) for ch in digits))


def split_title(text, where):
    """Split a lead sentence from the rest: ('title without 。', 'rest')."""
    title, stop, rest = text.partition(FULL_STOP)
    if not stop or not title:
        raise BuildError(f"{where}: no lead sentence ending in {FULL_STOP}: {text[:40]!r}")
    return title, rest


def read_metadata(folder):
    """The folder's metadata.json, checked for the keys the builder needs."""
    folder = Path(folder)
    try:
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildError(f"{folder}: no metadata.json") from None
    except ValueError as exc:
        raise BuildError(f"{folder / 'metadata.json'}: not valid JSON ({exc})") from None
    for key in ("slug", "source", "issuer", "region", "period"):
        if key not in metadata:
            raise BuildError(f"{folder / 'metadata.json'}: missing {key!r}")
    period = metadata["period"]
    if not (isinstance(period, list) and len(period) == 2 and all(isinstance(y, int) for y in period)):
        raise BuildError(f"{folder / 'metadata.json'}: period must be [first year, last year], not {period!r}")
    return metadata


def read_source(folder, metadata):
    """The source text's bytes, exactly as received."""
    source_path = Path(folder) / metadata["source"]
    try:
        return source_path.read_bytes()
    except FileNotFoundError:
        raise BuildError(f"{source_path}: source text not found") from None


def read_errata(folder):
    path = Path(folder) / "errata.json"
    errata = _read_json(path, default=[])
    if not isinstance(errata, list) or not all(isinstance(erratum, dict) for erratum in errata):
        raise BuildError(f"{path}: must be a list of objects (line, article, as_received, correction)")
    return errata


def _read_json(path, default):
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BuildError(f"{path}: not valid JSON ({exc})") from None


def read_terms(folder):
    path = Path(folder) / "terms.txt"
    if not path.exists():
        return []
    terms = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append({"term": line, "where": f"{path.name}:{number}"})
    return terms


def build_document(*, metadata, source, errata):
    """The plan, its chapters and its articles from the source text with the errata corrected.

    Returns the plain data ({"plan", "chapters", "articles"}) and the corrected text, which the other checks
    of the builder read.
    """
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{metadata['source']}: not UTF-8 ({exc})") from None
    final_newline = text.endswith("\n")
    raw_lines = text[:-1].split("\n") if final_newline else text.split("\n")
    errata = [dict(erratum) for erratum in errata]  # _apply_errata notes each one's column
    lines = _apply_errata(raw_lines, errata, metadata["source"])

    doc = _parse_document(lines, metadata)
    _check_errata_articles(errata, doc, metadata["source"])
    plan = {
        "slug": metadata["slug"],
        "title": doc["title"],
        "subtitle": doc["subtitle"],
        "issuer": metadata["issuer"],
        "adopted_on": doc["adopted_on"],
        "adopted_by": doc["adopted_by"],
        "region": metadata["region"],
        "period": {"start": metadata["period"][0], "end": metadata["period"][1]},
        "preamble": doc["preamble"],
        "closing": doc["closing"],
        "source": {
            "filename": metadata["source"],
            "sha256": hashlib.sha256(source).hexdigest(),
            "bytes": len(source),
            "lines": len(raw_lines),
            "final_newline": final_newline,
            "errata": [
                {
                    "number": number,
                    "line": erratum["line"],
                    "column": erratum["column"],
                    "article": erratum.get("article"),
                    "as_received": erratum["as_received"],
                    "correction": erratum["correction"],
                }
                for number, erratum in enumerate(errata, start=1)
            ],
        },
    }
    corrected_text = "\n".join(line.text for line in lines)
    return {"plan": plan, "chapters": doc["chapters"], "articles": doc["articles"]}, corrected_text


def check_terms(terms, corrected_text):
    """The dictionary words of terms.txt, each checked to occur in the text."""
    for entry in terms:
        if entry["term"] not in corrected_text:
            raise BuildError(f"{entry['where']}: term {entry['term']!r} does not occur in the text")
    return [entry["term"] for entry in terms]


def _apply_errata(raw_lines, errata, source_name):
    """Correct each erratum on its line; each must occur exactly once in the line as received."""
    corrected = list(raw_lines)
    by_line = {}
    for index, erratum in enumerate(errata, start=1):
        where = f"errata.json entry {index}"
        for key in ("line", "as_received", "correction"):
            if key not in erratum:
                raise BuildError(f"{where}: missing {key!r}")
        number = erratum["line"]
        if not isinstance(number, int) or not 1 <= number <= len(raw_lines):
            raise BuildError(f"{where}: line {number!r} is not a line of {source_name}")
        found = raw_lines[number - 1].count(erratum["as_received"])
        if found != 1:
            raise BuildError(
                f"{where}: {source_name} line {number} should contain {erratum['as_received']!r} once, "
                f"found it {found} times: the erratum no longer matches the text"
            )
        # Counted in characters from 1, like the line: line:column is what an editor shows.
        erratum["column"] = raw_lines[number - 1].index(erratum["as_received"]) + 1
        by_line.setdefault(number, []).append(erratum)
    for number, items in by_line.items():
        text = raw_lines[number - 1]
        # Right to left, so that each column still points into the text as received.
        for erratum in sorted(items, key=lambda e: e["column"], reverse=True):
            start = erratum["column"] - 1
            end = start + len(erratum["as_received"])
            text = text[:start] + erratum["correction"] + text[end:]
        corrected[number - 1] = text
    return [Line(number, text) for number, text in enumerate(corrected, start=1)]


def _parse_document(lines, metadata):
    source = metadata["source"]
    if len(lines) < 4:
        raise BuildError(f"{source}: {len(lines)} lines is too short for a plan")
    for line in lines:
        if not line.text.strip():
            raise BuildError(f"{source} line {line.number}: empty line")
        if "\r" in line.text:
            raise BuildError(f"{source} line {line.number}: carriage return; lines must end with \\n alone (not CRLF)")
    title, subtitle = lines[0].text, lines[1].text
    if not title.startswith(metadata["issuer"]):
        raise BuildError(f"{source} line 1: the title does not start with the issuer {metadata['issuer']!r}")
    match = SUBTITLE_RE.match(subtitle)
    if not match:
        raise BuildError(f"{source} line 2: the subtitle must be in parentheses: {subtitle[:40]!r}")
    date = DATE_RE.match(match.group(1))
    if not date:
        raise BuildError(f"{source} line 2: the subtitle does not start with a date like 二〇二五年十一月十八日")
    adopted_on = (
        f"{chinese_year(date.group(1)):04d}-{chinese_to_int(date.group(2)):02d}-{chinese_to_int(date.group(3)):02d}"
    )
    adopted_by = match.group(1)[date.end() :].removesuffix("通過").removesuffix("通过")

    preamble, chapters, articles = [], [], []
    closing_count = metadata.get("closing_paragraphs", 1)
    body = lines[2 : len(lines) - closing_count]
    closing = [line.text for line in lines[len(lines) - closing_count :]]
    for line in closing:
        if ARTICLE_RE.match(line) or CHAPTER_RE.match(line):
            raise BuildError(f"{source} line {len(lines)}: expected the closing paragraph, found a heading")

    for line in body:
        chapter_match = CHAPTER_RE.match(line.text)
        article_match = ARTICLE_RE.match(line.text)
        if chapter_match:
            expected = len(chapters) + 1
            try:
                number = chinese_to_int(chapter_match.group(1))
            except ValueError:
                raise BuildError(
                    f"{source} line {line.number}: {chapter_match.group(1)!r} is not a chapter numeral"
                ) from None
            if number != expected:
                raise BuildError(
                    f"{source} line {line.number}: expected chapter {int_to_chinese(expected)} ({expected}), "
                    f"found chapter {chapter_match.group(1)} ({number})"
                )
            chapters.append(
                {
                    "number": number,
                    "numeral": chapter_match.group(1),
                    "title": chapter_match.group(2),
                    "line": line.number,
                    "intro": [],
                }
            )
        elif article_match:
            expected = len(articles) + 1
            number = int(article_match.group(1))
            if not chapters:
                raise BuildError(f"{source} line {line.number}: article {number} comes before the first chapter")
            if number != expected:
                raise BuildError(f"{source} line {line.number}: expected article {expected}, found article {number}")
            first = article_match.group(2)
            article_title, _ = split_title(first, f"{source} line {line.number} (article {number})")
            articles.append(
                {
                    "number": number,
                    "chapter": chapters[-1]["number"],
                    "title": article_title,
                    "paragraphs": [first],
                    "lines": [line.number, line.number],
                }
            )
        elif not chapters:
            preamble.append(line.text)
        elif articles and articles[-1]["chapter"] == chapters[-1]["number"]:
            articles[-1]["paragraphs"].append(line.text)
            articles[-1]["lines"][1] = line.number
        else:
            chapters[-1]["intro"].append(line.text)

    if not chapters:
        raise BuildError(f"{source}: no chapter heading like '一、…' found")
    for chapter in chapters:
        if not any(article["chapter"] == chapter["number"] for article in articles):
            raise BuildError(f"{source} line {chapter['line']}: chapter {chapter['numeral']} has no articles")
    return {
        "title": title,
        "subtitle": subtitle,
        "adopted_on": adopted_on,
        "adopted_by": adopted_by,
        "preamble": preamble,
        "closing": closing,
        "chapters": chapters,
        "articles": articles,
    }


def _check_errata_articles(errata, doc, source):
    for index, erratum in enumerate(errata, start=1):
        article = next((a for a in doc["articles"] if a["lines"][0] <= erratum["line"] <= a["lines"][1]), None)
        found = article["number"] if article else None
        if erratum.get("article") != found:
            raise BuildError(
                f"errata.json entry {index}: {source} line {erratum['line']} belongs to article {found}, "
                f"not {erratum.get('article')}"
            )


def rebuild_source(data):
    """The source text exactly as received, rebuilt from the structured data with the errata reversed."""
    plan = data["plan"]
    lines = [plan["title"], plan["subtitle"], *plan["preamble"]]
    for chapter in data["chapters"]:
        lines.append(f"{chapter['numeral']}、{chapter['title']}")
        lines.extend(chapter["intro"])
        for article in data["articles"]:
            if article["chapter"] == chapter["number"]:
                lines.append(f"{article['number']}.{article['paragraphs'][0]}")
                lines.extend(article["paragraphs"][1:])
    lines.extend(plan["closing"])
    by_line = {}
    for erratum in plan["source"]["errata"]:
        by_line.setdefault(erratum["line"], []).append(erratum)
    for number, items in by_line.items():
        text = lines[number - 1]
        # Left to right: once the spans to its left are reverted, a span starts at its received column.
        for erratum in sorted(items, key=lambda e: e["column"]):
            start = erratum["column"] - 1
            text = text[:start] + erratum["as_received"] + text[start + len(erratum["correction"]) :]
        lines[number - 1] = text
    return "\n".join(lines) + ("\n" if plan["source"]["final_newline"] else "")


def plan_folders(root):
    """The plan folders under `root`: every folder holding a metadata.json, in name order."""
    return sorted(path.parent for path in Path(root).glob("*/metadata.json"))
