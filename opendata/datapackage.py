"""A plan as a Frictionless Data Package: datapackage.json plus one CSV per table, zipped.

Each table is flat and relational (numbers from the document as keys, foreign keys declared in the Table
Schema), so that it loads into pandas, R or a spreadsheet as it is and joins on the document's numbering.
The CSVs are RFC 4180, UTF-8 with a byte-order mark (Excel needs it for Chinese). Text columns are written
in the requested script; identifiers (numbers, slugs, kinds, places) and `as_received` never change.
"""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rest_framework.reverse import reverse

from articles.models import Place
from indicators.models import Goal, Initiative, Mention, Principle
from plan_api.renderers import csv_lines
from plantext.scripts import converter

PROFILE = "tabular-data-package"
SPDX_URL = "https://spdx.org/licenses/{}.html"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: integer or string
    description: str
    required: bool = True
    text: bool = False  # human text: written in the requested script
    enum: tuple = ()

    def descriptor(self):
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple
    primary_key: tuple
    foreign_keys: tuple = ()  # (fields, resource, reference fields)
    rows: object = field(default=None, compare=False)  # plan -> iterable of tuples in column order

    def schema(self):
        schema = {"fields": [column.descriptor() for column in self.columns]}
        if self.primary_key:
            schema["primaryKey"] = list(self.primary_key)
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(fields), "reference": {"resource": resource, "fields": list(reference)}}
                for fields, resource, reference in self.foreign_keys
            ]
        return schema


def _chapters(plan):
    for c in plan.chapters.all():
        yield c.number, c.numeral, c.title, "\n".join(c.intro), c.line


def _articles(plan):
    for a in plan.articles.select_related("chapter"):
        yield a.number, a.chapter.number, a.title, "\n".join(a.paragraphs), len(a.paragraphs), a.line_start, a.line_end


def _paragraphs(plan):
    for a in plan.articles.all():
        for number, text in enumerate(a.paragraphs, start=1):
            yield a.number, number, text


def _goals(plan):
    for g in Goal.objects.filter(plan=plan).select_related("article"):
        yield g.number, g.article.number, g.horizon, g.title, g.text, len(g.targets)


def _targets(plan):
    for g in Goal.objects.filter(plan=plan):
        for number, text in enumerate(g.targets, start=1):
            yield g.number, number, text


def _principles(plan):
    for p in Principle.objects.filter(plan=plan).select_related("article"):
        yield p.number, p.article.number, p.title, p.text


def _initiatives(plan):
    for i in Initiative.objects.filter(plan=plan).prefetch_related("mentions"):
        yield i.slug, i.name, i.kind, i.position, sum(m.count for m in i.mentions.all())


def _mentions(plan):
    mentions = Mention.objects.filter(initiative__plan=plan).select_related("initiative", "chapter", "article")
    for m in mentions.order_by("initiative__position", "id"):
        yield (
            m.initiative.slug,
            m.place,
            m.chapter.number if m.chapter else None,
            m.article.number if m.article else None,
            m.count,
        )


def _errata(plan):
    for e in plan.errata.all():
        yield e.number, e.line, e.column, e.article_number, e.as_received, e.correction


PLACES = tuple(Place.values)
TABLES = (
    Table(
        "chapters",
        "Chapters (一、… ), numbered as in the document",
        (
            Column("number", "integer", "The chapter's number, 1 for 一."),
            Column("numeral", "string", "The chapter's numeral as printed (一, 二, … 十二)."),
            Column("title", "string", "The chapter's heading.", text=True),
            Column(
                "intro",
                "string",
                "The paragraphs before its first article, joined by newlines.",
                required=False,
                text=True,
            ),
            Column("line", "integer", "Line of the heading in the source file."),
        ),
        ("number",),
        (),
        _chapters,
    ),
    Table(
        "articles",
        "Articles, numbered 1, 2, 3 … across the whole document",
        (
            Column("number", "integer", "The article's number."),
            Column("chapter", "integer", "The number of its chapter."),
            Column("title", "string", "Its lead sentence.", text=True),
            Column("text", "string", "Its paragraphs, joined by newlines.", text=True),
            Column("paragraph_count", "integer", "How many paragraphs it has (see paragraphs)."),
            Column("line_start", "integer", "First line in the source file."),
            Column("line_end", "integer", "Last line in the source file."),
        ),
        ("number",),
        ((("chapter",), "chapters", ("number",)),),
        _articles,
    ),
    Table(
        "paragraphs",
        "Each article's paragraphs, one row each",
        (
            Column("article", "integer", "The article's number."),
            Column("number", "integer", "The paragraph's position in the article, from 1."),
            Column("text", "string", "The paragraph.", text=True),
        ),
        ("article", "number"),
        ((("article",), "articles", ("number",)),),
        _paragraphs,
    ),
    Table(
        "goals",
        "The main goals and the long-range vision",
        (
            Column("number", "integer", "The goal's number, in the order of the text."),
            Column("article", "integer", "The article that states it."),
            Column("horizon", "integer", "The year by which it is to be reached."),
            Column("title", "string", "Its lead sentence.", text=True),
            Column("text", "string", "Its full text.", text=True),
            Column("target_count", "integer", "How many statements it has (see targets)."),
        ),
        ("number",),
        ((("article",), "articles", ("number",)),),
        _goals,
    ),
    Table(
        "targets",
        "Each goal's statements, one row each",
        (
            Column("goal", "integer", "The goal's number."),
            Column("number", "integer", "The statement's position in the goal, from 1."),
            Column("text", "string", "The statement.", text=True),
        ),
        ("goal", "number"),
        ((("goal",), "goals", ("number",)),),
        _targets,
    ),
    Table(
        "principles",
        "The principles that must be followed",
        (
            Column("number", "integer", "The principle's number, in the order of the text."),
            Column("article", "integer", "The article that states it."),
            Column("title", "string", "Its lead sentence.", text=True),
            Column("text", "string", "Its full text.", text=True),
        ),
        ("number",),
        ((("article",), "articles", ("number",)),),
        _principles,
    ),
    Table(
        "initiatives",
        "Named actions, projects, programmes, strategies, platforms, zones, funds, brands, events, slogans",
        (
            Column("slug", "string", "Stable identifier: the toneless pinyin of the name."),
            Column("name", "string", "The name as in the text.", text=True),
            Column("kind", "string", "What it is.", enum=tuple(Initiative.Kind.values)),
            Column("position", "integer", "Order of first occurrence in the text, from 1."),
            Column("mention_count", "integer", "How many times the text names it (sum of its mentions)."),
        ),
        ("slug",),
        (),
        _initiatives,
    ),
    Table(
        "mentions",
        "Where each initiative is named, with a count per place",
        (
            Column("initiative", "string", "The initiative's slug."),
            Column("place", "string", "Where: preamble, a chapter's intro, an article, or the closing.", enum=PLACES),
            Column("chapter", "integer", "The chapter's number, for a chapter intro or an article.", required=False),
            Column("article", "integer", "The article's number, for an article.", required=False),
            Column("count", "integer", "How many times it is named there."),
        ),
        (),  # no key: a mention is an initiative, a place and its chapter or article, which may be empty
        (
            (("initiative",), "initiatives", ("slug",)),
            (("chapter",), "chapters", ("number",)),
            (("article",), "articles", ("number",)),
        ),
        _mentions,
    ),
    Table(
        "errata",
        "Corrupted spans of the source as received, and their corrections",
        (
            Column("number", "integer", "The erratum's number."),
            Column("line", "integer", "Line in the source file, counted from 1."),
            Column("column", "integer", "Where the span starts in that line, in characters counted from 1."),
            Column("article", "integer", "The article it falls in, if any.", required=False),
            Column("as_received", "string", "The span exactly as received (never converted)."),
            Column("correction", "string", "What the span should read.", text=True),
        ),
        ("number",),
        ((("article",), "articles", ("number",)),),
        _errata,
    ),
)


def table_csv(table, plan, script):
    """The CSV bytes of one table, written as every CSV of the API is (plan_api.renderers.csv_lines): BOM,
    header, one row per record; text columns in `script`."""
    convert = converter(script)
    texts = [column.text for column in table.columns]
    rows = (
        ["" if v is None else (convert(v) if is_text else str(v)) for v, is_text in zip(row, texts, strict=True)]
        for row in table.rows(plan)
    )
    return "".join(csv_lines([column.name for column in table.columns], rows)).encode("utf-8")


def datapackage_descriptor(plan, *, script, request, files):
    """datapackage.json for a plan; `files` maps each table's name to its CSV bytes (for bytes and hash)."""
    convert = converter(script)
    # Without a request (a management command), the URLs are relative to the API's root: /api/v1/….
    source_url = reverse("plan-source", kwargs={"version": "v1", "plan": plan.slug}, request=request)
    plan_url = reverse("plan-detail", kwargs={"version": "v1", "plan": plan.slug}, request=request)
    license_id = getattr(getattr(plan, "publication", None), "license", "")
    descriptor = {
        "profile": PROFILE,
        "name": plan.slug,
        "id": plan_url,
        "title": convert(plan.title),
        "description": convert(f"{plan.title}{plan.subtitle}"),
        "version": plan.version,
        "created": plan.updated_at.isoformat(),
        "homepage": plan_url,
        "sources": [{"title": plan.source_filename, "path": source_url}],
        # Not in the Data Package spec: the source file's identity, and the script the text columns are in.
        "source": {"filename": plan.source_filename, "sha256": plan.source_sha256, "url": source_url},
        "script": script,
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(files[table.name]),
                "hash": hashlib.md5(files[table.name]).hexdigest(),  # the Data Package spec's default hash
                "schema": table.schema(),
            }
            for table in TABLES
        ],
    }
    if license_id:  # from the plan folder's metadata.json; a plan without one is published without a licence claim
        descriptor["licenses"] = [{"name": license_id, "path": SPDX_URL.format(license_id), "title": license_id}]
    return descriptor


# The earliest time a zip entry can carry (MS-DOS dates start in 1980).
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


def zip_entry(name, *, modified):
    """A zip entry whose every attribute is fixed: its date from the data (never the clock), a regular file
    readable by all, written as on Unix. So that every process builds the package to the same bytes."""
    when = max(modified.astimezone(UTC), ZIP_EPOCH)
    entry = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 3  # Unix, whichever system builds it
    entry.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return entry


def build_datapackage(plan, *, script, request=None):
    """The zipped data package of a plan, as bytes (a few hundred kilobytes for a plan of this size).

    Deterministic: the same plan data and code give the same bytes in any process at any time, so that the
    response has one strong ETag. Entries are dated when the plan was last loaded (its `updated_at`, also the
    descriptor's `created`), in UTC, and come in a fixed order: datapackage.json, then the tables.
    """
    files = {table.name: table_csv(table, plan, script) for table in TABLES}
    descriptor = datapackage_descriptor(plan, script=script, request=request, files=files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        descriptor_json = json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
        archive.writestr(zip_entry("datapackage.json", modified=plan.updated_at), descriptor_json)
        for name, content in files.items():
            archive.writestr(zip_entry(f"{name}.csv", modified=plan.updated_at), content)
    return buffer.getvalue()
