"""Build a plan's structured data from its source text.

A plan lives in one folder under `fixtures/`:

    fixtures/<slug>/
        metadata.json       slug, source file name, issuer, region, period (curated, checked against the text)
        <source>.txt        the text exactly as received; never edited
        errata.json         corrupted spans: line, article, as_received, correction (curated)
        initiatives.tsv     named initiatives: slug, kind, name (curated; each name must occur in the text)
        terms.txt           key terms for the segmenter's dictionary (curated; each must occur in the text)
        generated/plan.json what `build_plan_folder` writes: never edit by hand

The text has the shape of a Chinese plan "proposal" (建議): a title line, a subtitle in parentheses naming
the date and the adopting body, a preamble, chapters headed `一、…`, articles numbered `N.` across the whole
document (an unnumbered line after an article continues it), and a closing paragraph as the last line.
Inside the principles article and the goals article, lines starting with `——` are the principles and
the goals; an unnumbered paragraph after the goals is the long-range vision.

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
YEAR_RE = re.compile(r"([〇零一二三四五六七八九]{4})年")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SUBTITLE_RE = re.compile(r"^[(（](.+)[)）]$")
INITIATIVE_KINDS = (
    "action", "project", "programme", "strategy", "platform", "zone", "fund", "brand", "event", "slogan",
)  # fmt: skip
GOAL_MARK = "——"
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


def split_statements(text):
    """Split a goal's statements at commas, semicolons and full stops, but not inside brackets."""
    statements, current, depth = [], [], 0
    for ch in text:
        if ch in "(（“":
            depth += 1
        elif ch in ")）”":
            depth = max(depth - 1, 0)
        if depth == 0 and ch in ",，;；。":
            if "".join(current).strip():
                statements.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if "".join(current).strip():
        statements.append("".join(current).strip())
    return statements


def read_plan_folder(folder):
    """Read the curated inputs and the source bytes of one plan folder."""
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
    source_path = folder / metadata["source"]
    try:
        source = source_path.read_bytes()
    except FileNotFoundError:
        raise BuildError(f"{source_path}: source text not found") from None
    errata = _read_json(folder / "errata.json", default=[])
    if not isinstance(errata, list) or not all(isinstance(erratum, dict) for erratum in errata):
        raise BuildError(f"{folder / 'errata.json'}: must be a list of objects (line, article, as_received, correction)")
    initiatives = _read_initiatives(folder / "initiatives.tsv")
    terms = _read_terms(folder / "terms.txt")
    return {"metadata": metadata, "source": source, "errata": errata, "initiatives": initiatives, "terms": terms}


def _read_json(path, default):
    if not path.exists():
        return default
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BuildError(f"{path}: not valid JSON ({exc})") from None


def _read_initiatives(path):
    if not path.exists():
        return []
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0].split("\t") != ["slug", "kind", "name"]:
        raise BuildError(f"{path}:1: the header must be 'slug<TAB>kind<TAB>name'")
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 3:
            raise BuildError(f"{path}:{number}: expected 3 tab-separated fields, found {len(fields)}")
        slug, kind, name = fields
        rows.append({"slug": slug, "kind": kind, "name": name, "where": f"{path.name}:{number}"})
    return rows


def _read_terms(path):
    if not path.exists():
        return []
    terms = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if line and not line.startswith("#"):
            terms.append({"term": line, "where": f"{path.name}:{number}"})
    return terms


def build_plan(*, metadata, source, errata, initiatives, terms):
    """Turn one plan's inputs into the plain data that the loader takes to the database."""
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BuildError(f"{metadata['source']}: not UTF-8 ({exc})") from None
    final_newline = text.endswith("\n")
    raw_lines = text[:-1].split("\n") if final_newline else text.split("\n")
    errata = [dict(erratum) for erratum in errata]  # _apply_errata notes each one's column
    lines = _apply_errata(raw_lines, errata, metadata["source"])

    doc = _parse_document(lines, metadata)
    corrected_text = "\n".join(line.text for line in lines)
    _check_errata_articles(errata, doc, metadata["source"])
    principles, goals = _indicators(doc, metadata)

    seen = {}
    for entry in initiatives:
        _check_initiative(entry, corrected_text, seen)
    dictionary = []
    for entry in terms:
        if entry["term"] not in corrected_text:
            raise BuildError(f"{entry['where']}: term {entry['term']!r} does not occur in the text")
        dictionary.append(entry["term"])

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
    return {
        "plan": plan,
        "chapters": doc["chapters"],
        "articles": doc["articles"],
        "principles": principles,
        "goals": goals,
        "initiatives": [_mentions(entry, doc) for entry in initiatives],
        "dictionary": sorted(set(dictionary) | {entry["name"] for entry in initiatives}),
    }


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
        erratum["column"] = raw_lines[number - 1].index(erratum["as_received"])
        by_line.setdefault(number, []).append(erratum)
    for number, items in by_line.items():
        text = raw_lines[number - 1]
        # Right to left, so that each column still points into the text as received.
        for erratum in sorted(items, key=lambda e: e["column"], reverse=True):
            end = erratum["column"] + len(erratum["as_received"])
            text = text[: erratum["column"]] + erratum["correction"] + text[end:]
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
    adopted_on = f"{chinese_year(date.group(1)):04d}-{chinese_to_int(date.group(2)):02d}-{chinese_to_int(date.group(3)):02d}"
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
                raise BuildError(f"{source} line {line.number}: {chapter_match.group(1)!r} is not a chapter numeral") from None
            if number != expected:
                raise BuildError(
                    f"{source} line {line.number}: expected chapter {int_to_chinese(expected)} ({expected}), "
                    f"found chapter {chapter_match.group(1)} ({number})"
                )
            chapters.append({
                "number": number,
                "numeral": chapter_match.group(1),
                "title": chapter_match.group(2),
                "line": line.number,
                "intro": [],
            })  # fmt: skip
        elif article_match:
            expected = len(articles) + 1
            number = int(article_match.group(1))
            if not chapters:
                raise BuildError(f"{source} line {line.number}: article {number} comes before the first chapter")
            if number != expected:
                raise BuildError(f"{source} line {line.number}: expected article {expected}, found article {number}")
            first = article_match.group(2)
            article_title, _ = split_title(first, f"{source} line {line.number} (article {number})")
            articles.append({
                "number": number,
                "chapter": chapters[-1]["number"],
                "title": article_title,
                "paragraphs": [first],
                "lines": [line.number, line.number],
            })  # fmt: skip
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


def _indicators(doc, metadata):
    """Principles and goals: the `——` items of the articles whose titles name them."""
    principles, goals = [], []
    for article in doc["articles"]:
        # (line number, paragraph) of each `——` item; an article's paragraphs are consecutive lines.
        first_line = article["lines"][0]
        items = [
            (first_line + index, paragraph)
            for index, paragraph in enumerate(article["paragraphs"])
            if index and paragraph.startswith(GOAL_MARK)
        ]
        if not items:
            continue
        source = metadata["source"]
        if "原則" in article["title"] or "原则" in article["title"]:
            for number, (line, paragraph) in enumerate(items, start=1):
                text = paragraph[len(GOAL_MARK) :]
                title, _ = split_title(text, f"{source} line {line} (article {article['number']}, principle {number})")
                principles.append({"number": number, "article": article["number"], "title": title, "text": text})
        elif "目標" in article["title"] or "目标" in article["title"]:
            for number, (line, paragraph) in enumerate(items, start=1):
                text = paragraph[len(GOAL_MARK) :]
                title, rest = split_title(text, f"{source} line {line} (article {article['number']}, goal {number})")
                goals.append({
                    "number": number,
                    "article": article["number"],
                    "horizon": metadata["period"][1],
                    "title": title,
                    "text": text,
                    "targets": split_statements(rest),
                })  # fmt: skip
            last = items[-1][0] - first_line
            for index, paragraph in enumerate(article["paragraphs"][last + 1 :], start=last + 1):
                where = f"{source} line {first_line + index} (article {article['number']})"
                goals.append(_vision(paragraph, len(goals) + 1, article["number"], where))
    return principles, goals


def _vision(paragraph, number, article, where):
    """The long-range vision: its title is the clause that names the year (到二〇三五年…)."""
    year = YEAR_RE.search(paragraph)
    if not year:
        raise BuildError(f"{where}: the paragraph after the goals names no year: {paragraph[:40]!r}")
    clauses = split_statements(paragraph)
    index = next(i for i, clause in enumerate(clauses) if year.group(0) in clause)
    title = clauses[index]
    return {
        "number": number,
        "article": article,
        "horizon": chinese_year(year.group(1)),
        "title": title,
        "text": paragraph,
        "targets": clauses[index + 1 :],
    }


def _check_initiative(entry, corrected_text, seen):
    where = entry["where"]
    if not SLUG_RE.match(entry["slug"]) or len(entry["slug"]) > 100:
        raise BuildError(f"{where}: slug {entry['slug']!r} is not lowercase ASCII words joined by '-'")
    if entry["slug"] in seen:
        raise BuildError(f"{where}: slug {entry['slug']!r} is used already at {seen[entry['slug']]}")
    seen[entry["slug"]] = where
    if entry["kind"] not in INITIATIVE_KINDS:
        raise BuildError(f"{where}: kind {entry['kind']!r} is not one of {', '.join(INITIATIVE_KINDS)}")
    if entry["name"] not in corrected_text:
        raise BuildError(f"{where}: {entry['name']!r} does not occur verbatim in the text")


def _mentions(entry, doc):
    """Every place the name occurs: preamble, chapter (heading and intro), article, closing."""
    name = entry["name"]
    mentions = []
    preamble = sum(p.count(name) for p in doc["preamble"])
    if preamble:
        mentions.append({"place": "preamble", "chapter": None, "article": None, "count": preamble})
    for chapter in doc["chapters"]:
        count = chapter["title"].count(name) + sum(p.count(name) for p in chapter["intro"])
        if count:
            mentions.append({"place": "chapter", "chapter": chapter["number"], "article": None, "count": count})
        for article in doc["articles"]:
            if article["chapter"] != chapter["number"]:
                continue
            count = sum(p.count(name) for p in article["paragraphs"])
            if count:
                mentions.append({
                    "place": "article", "chapter": chapter["number"], "article": article["number"], "count": count,
                })  # fmt: skip
    closing = sum(p.count(name) for p in doc["closing"])
    if closing:
        mentions.append({"place": "closing", "chapter": None, "article": None, "count": closing})
    return {"slug": entry["slug"], "name": name, "kind": entry["kind"], "mentions": mentions}


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
            start = erratum["column"]
            text = text[:start] + erratum["as_received"] + text[start + len(erratum["correction"]) :]
        lines[number - 1] = text
    return "\n".join(lines) + ("\n" if plan["source"]["final_newline"] else "")


def dump(data):
    """Serialise built data deterministically."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_plan_folder(folder):
    """Build one plan folder and write generated/plan.json; return the path and the built data."""
    folder = Path(folder)
    data = build_plan(**read_plan_folder(folder))
    if data["plan"]["slug"] != folder.name:
        raise BuildError(f"{folder / 'metadata.json'}: slug {data['plan']['slug']!r} differs from the folder name")
    if rebuild_source(data).encode("utf-8") != read_plan_folder(folder)["source"]:
        raise BuildError(f"{folder}: the structured data does not reproduce the source text")
    target = folder / GENERATED
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(dump(data))
    return target, data


def plan_folders(root):
    """The plan folders under `root`: every folder holding a metadata.json, in name order."""
    return sorted(path.parent for path in Path(root).glob("*/metadata.json"))
