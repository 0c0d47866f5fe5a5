"""Take a plan's generated fixture to the database, in one transaction.

Loading is idempotent: the plan's `version` is the sha256 of the fixture file, and a fixture whose version
is already loaded changes nothing. A different version replaces the plan's rows whole; if anything fails,
the transaction leaves the database as it was.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.builder import GENERATED, plan_folders
from articles.models import Article, Chapter, Erratum, Plan, PlanSource
from indicators.models import Goal, Initiative, Mention, Principle
from opendata.loader import load_open_data
from search.indexing import index_plan
from plan_api import response_cache


class LoadError(ValueError):
    """The fixture cannot be loaded; the message says which file and why."""


@dataclass(frozen=True)
class LoadResult:
    slug: str
    status: str  # "created", "updated" or "unchanged"
    version: str
    counts: dict


@transaction.atomic
def load_plan_data(data, *, version):
    source_text = data.pop("_source_text", None)
    meta = data["plan"]
    existing = Plan.objects.select_for_update().filter(slug=meta["slug"]).first()
    if existing is not None and existing.version == version:
        if not existing.search_entries.exists():  # loaded before search existed
            index_plan(existing)
        return LoadResult(meta["slug"], "unchanged", version, _counts(data))
    if source_text is None:
        raise LoadError(f"{meta['slug']}: the source text is missing")

    fields = {
        "title": meta["title"],
        "subtitle": meta["subtitle"],
        "issuer": meta["issuer"],
        "adopted_on": meta["adopted_on"],
        "adopted_by": meta["adopted_by"],
        "region": meta["region"],
        "period_start": meta["period"]["start"],
        "period_end": meta["period"]["end"],
        "preamble": meta["preamble"],
        "closing": meta["closing"],
        "source_filename": meta["source"]["filename"],
        "source_sha256": meta["source"]["sha256"],
        "dictionary": data["dictionary"],
        "version": version,
        "updated_at": timezone.now(),
    }
    if existing is None:
        plan = Plan.objects.create(slug=meta["slug"], **fields)
        status = "created"
    else:
        plan = existing
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.save()
        # Replace the rows whole: public identifiers are numbers and slugs from the text, never row ids.
        plan.initiatives.all().delete()
        plan.chapters.all().delete()
        plan.errata.all().delete()
        status = "updated"
    PlanSource.objects.update_or_create(plan=plan, defaults={"text": source_text})
    _insert_rows(plan, data)
    index_plan(plan)
    # The API's response cache keys on the plans' versions: make it re-read them (plan_api/response_cache.py).
    response_cache.dataset_changed()
    return LoadResult(plan.slug, status, version, _counts(data))


def _insert_rows(plan, data):
    Erratum.objects.bulk_create(
        Erratum(
            plan=plan,
            number=e["number"],
            line=e["line"],
            column=e["column"],
            article_number=e["article"],
            as_received=e["as_received"],
            correction=e["correction"],
        )
        for e in data["plan"]["source"]["errata"]
    )
    chapters = {
        c.number: c
        for c in Chapter.objects.bulk_create(
            Chapter(plan=plan, number=c["number"], numeral=c["numeral"], title=c["title"], intro=c["intro"], line=c["line"])
            for c in data["chapters"]
        )
    }
    articles = {
        a.number: a
        for a in Article.objects.bulk_create(
            Article(
                plan=plan,
                chapter=_pick(chapters, a["chapter"], f"article {a['number']} names chapter"),
                number=a["number"],
                title=a["title"],
                paragraphs=a["paragraphs"],
                line_start=a["lines"][0],
                line_end=a["lines"][1],
            )
            for a in data["articles"]
        )
    }
    Principle.objects.bulk_create(
        Principle(
            plan=plan,
            article=_pick(articles, p["article"], f"principle {p['number']} names article"),
            number=p["number"],
            title=p["title"],
            text=p["text"],
        )
        for p in data["principles"]
    )
    Goal.objects.bulk_create(
        Goal(
            plan=plan,
            article=_pick(articles, g["article"], f"goal {g['number']} names article"),
            number=g["number"],
            horizon=g["horizon"],
            title=g["title"],
            text=g["text"],
            targets=g["targets"],
        )
        for g in data["goals"]
    )
    initiatives = Initiative.objects.bulk_create(
        Initiative(plan=plan, slug=i["slug"], name=i["name"], kind=i["kind"], position=position)
        for position, i in enumerate(data["initiatives"], start=1)
    )
    Mention.objects.bulk_create(
        Mention(
            initiative=initiative,
            place=m["place"],
            chapter=chapters.get(m["chapter"]),
            article=articles.get(m["article"]),
            count=m["count"],
        )
        for initiative, entry in zip(initiatives, data["initiatives"])
        for m in entry["mentions"]
    )


def _pick(rows, number, what):
    """The row a fixture refers to by number; a dangling reference is a LoadError, not a KeyError."""
    try:
        return rows[number]
    except KeyError:
        raise LoadError(f"{what} {number}, which the fixture does not have") from None


def _counts(data):
    return {key: len(data[key]) for key in ("chapters", "articles", "principles", "goals", "initiatives")}


def load_plan_folder(folder):
    """Load a plan folder's generated fixture together with its source text as received."""
    folder = Path(folder)
    path = folder / GENERATED
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(f"{path}: not found; run `manage.py build_fixtures` first") from None
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise LoadError(f"{path}: not valid JSON ({exc})") from None
    try:
        source_path = folder / data["plan"]["source"]["filename"]
        source = source_path.read_bytes()
        if hashlib.sha256(source).hexdigest() != data["plan"]["source"]["sha256"]:
            raise LoadError(f"{source_path}: its sha256 differs from the fixture's; run `manage.py build_fixtures`")
        data["_source_text"] = source.decode("utf-8")
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            result = load_plan_data(data, version=hashlib.sha256(raw).hexdigest())
            load_open_data(Plan.objects.get(slug=result.slug), data, license=metadata.get("license", ""))
        return result
    except LoadError as exc:
        raise LoadError(f"{path}: {exc}; nothing was changed") from exc
    except (OSError, KeyError, TypeError, ValueError, DatabaseError) as exc:
        # load_plan_data's transaction has rolled back: say so, instead of a traceback from the command.
        reason = " ".join(str(exc).split())  # PostgreSQL's messages run over several lines
        raise LoadError(f"{path}: cannot be loaded ({type(exc).__name__}: {reason}); nothing was changed") from exc


def load_all(root, slugs=None):
    """Load every plan folder under root (or only those named); return the results in order."""
    folders = plan_folders(root)
    if slugs:
        known = {folder.name: folder for folder in folders}
        missing = [slug for slug in slugs if slug not in known]
        if missing:
            raise LoadError(f"no plan folder for {', '.join(missing)} under {root}")
        folders = [known[slug] for slug in slugs]
    return [load_plan_folder(folder) for folder in folders]
