"""Find a plan's principles, goals and named initiatives in its built document: the second half of the builder.

Inside the principles article and the goals article (the articles whose titles name them), lines starting
with `——` are the principles and the goals; an unnumbered paragraph after the goals is the long-range vision.
Named initiatives come from the curated `initiatives.tsv` of the plan's folder; each name must occur in the
text, and every place it occurs is recorded (its mentions), read through `plantext.passages`.

Pure, like `articles.builder`: plain data in, plain data out.
"""

import re
from pathlib import Path

from articles.builder import BuildError, chinese_year, split_title
from plantext.passages import plan_passages

YEAR_RE = re.compile(r"([〇零一二三四五六七八九]{4})年")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INITIATIVE_KINDS = (
    "action",
    "project",
    "programme",
    "strategy",
    "platform",
    "zone",
    "fund",
    "brand",
    "event",
    "slogan",
)
GOAL_MARK = "——"


def read_initiatives(folder):
    """The rows of the folder's initiatives.tsv (slug, kind, name), each with where it was read."""
    path = Path(folder) / "initiatives.tsv"
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


def build_indicators(document, *, metadata, initiatives, corrected_text):
    """Principles, goals and initiatives (with their mentions) of a built document."""
    principles, goals = _principles_and_goals(document, metadata)
    seen = {}
    for entry in initiatives:
        _check_initiative(entry, corrected_text, seen)
    passages = list(plan_passages(document))
    return {
        "principles": principles,
        "goals": goals,
        "initiatives": [_mentions(entry, passages) for entry in initiatives],
    }


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


def _principles_and_goals(doc, metadata):
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
                goals.append(
                    {
                        "number": number,
                        "article": article["number"],
                        "horizon": metadata["period"][1],
                        "title": title,
                        "text": text,
                        "targets": split_statements(rest),
                    }
                )
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


def _mentions(entry, passages):
    """Every place the name occurs: preamble, chapter (heading and intro), article, closing; in text order."""
    counts = {}
    for passage in passages:
        count = passage.text.count(entry["name"])
        if count:
            place = (passage.place, passage.chapter, passage.article)
            counts[place] = counts.get(place, 0) + count
    mentions = [
        {"place": place, "chapter": chapter, "article": article, "count": count}
        for (place, chapter, article), count in counts.items()
    ]
    return {"slug": entry["slug"], "name": entry["name"], "kind": entry["kind"], "mentions": mentions}
