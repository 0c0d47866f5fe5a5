"""The one ingest pipeline: load a plan, index it, count its terms and invalidate cached responses, in one
transaction.

`manage.py load_plan` and `manage.py reindex_search` both run it. Each layer writes its own rows:

    articles.loader.save_plan        the plan, its source, errata, chapters and articles
    indicators.loader.save_indicators principles, goals, initiatives and their mentions
    search.indexing.index_plan       the search entries
    opendata.loader.save_open_data   the licence and the term counts

then the plan's collection counts and `updated_at` are set, its most asked-for responses are prepared
(ingest.prepare) and the response cache is told (after commit as well) that the plan's data changed. Loading
is idempotent: a plan whose fixture version, licence and code release are already the loaded ones is left
untouched; a failure anywhere rolls everything back.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from articles.builder import GENERATED, BuildError, plan_folders
from articles.loader import LoadError, save_plan
from articles.models import Plan
from indicators.loader import save_indicators
from ingest.build import ALIASES, plan_text, read_general_aliases
from ingest.models import Ingestion
from ingest.prepare import prepare_plan
from opendata.loader import save_open_data
from opendata.selectors import plan_license, plan_official_publication
from plan_api import response_cache
from plan_api.release import release
from search.indexing import index_plan

COLLECTIONS = ("chapters", "articles", "principles", "goals", "initiatives")


@dataclass(frozen=True)
class LoadResult:
    slug: str
    status: str  # "created", "updated" (a new version), "refreshed" (derived data only) or "unchanged"
    version: str
    counts: dict


def counts(data):
    return {key: len(data[key]) for key in COLLECTIONS}


@transaction.atomic
def ingest_plan(data, *, version, source_text, license, official=None, general_aliases=(), force=False):
    """Take one plan's built data to the database, with everything derived from it; see the module docstring.

    `general_aliases` are the entries of the general alias file (fixtures/aliases.tsv), which the search reads
    with the plan's own. `force` derives the plan's data again even when nothing changed (reindex_search).
    """
    slug = data["plan"]["slug"]
    derivation = _derivation(general_aliases)
    current = Plan.objects.select_for_update(of=("self",)).filter(slug=slug).select_related("ingestion").first()
    if (
        current is not None
        and not force
        and _is_current(current, version=version, license=license, official=official, derivation=derivation)
    ):
        return LoadResult(slug, "unchanged", version, counts(data))
    plan, status = save_plan(data, version=version, source_text=source_text)
    if status != "unchanged":
        save_indicators(plan, data)
    else:
        status = "refreshed"
    own = [{**entry, "source": "plan"} for entry in data.get("aliases", [])]
    general = [{key: entry[key] for key in ("alias", "target", "note", "source")} for entry in general_aliases]
    index_plan(plan, {**data, "aliases": general + own})
    save_open_data(plan, data, license=license, official=official)
    plan.counts = counts(data)
    plan.updated_at = timezone.now()
    plan.save(update_fields=["counts", "updated_at"])
    Ingestion.objects.update_or_create(plan=plan, defaults={"release": derivation, "finished_at": plan.updated_at})
    prepare_plan(plan)
    # The response cache keys on every plan's version and update time: make every process re-read them.
    response_cache.dataset_changed()
    return LoadResult(slug, status, version, counts(data))


def _derivation(general_aliases):
    """What the derived data depends on besides the fixture: the code release and the general alias file."""
    aliases = json.dumps([[e["alias"], e["target"]] for e in general_aliases], ensure_ascii=False).encode()
    return f"{release()}:{hashlib.sha256(aliases).hexdigest()[:16]}"


def _is_current(plan, *, version, license, official, derivation):
    ingestion = getattr(plan, "ingestion", None)
    return (
        plan.version == version
        and ingestion is not None
        and ingestion.release == derivation
        and plan_license(plan) == license
        and plan_official_publication(plan) == (official or None)
    )


def read_fixture(folder):
    """A plan folder's generated fixture, its version, the source text as received and the licence."""
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
        expected = data["plan"]["source"]["sha256"]
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise LoadError(f"{path}: cannot be loaded ({type(exc).__name__}: {exc}); nothing was changed") from exc
    if hashlib.sha256(source).hexdigest() != expected:
        raise LoadError(
            f"{path}: {source_path}: its sha256 differs from the fixture's; run `manage.py build_fixtures`; "
            "nothing was changed"
        )
    return {
        "data": data,
        "version": hashlib.sha256(raw).hexdigest(),
        "source_text": source.decode("utf-8"),
        "license": metadata.get("license", ""),
        "official": _official_publication(metadata.get("official_publication"), path),
    }


def _official_publication(value, path):
    """metadata.json's optional "official_publication": {"title": …, "url": "https://…"} (where the issuer
    published the plan), checked; None when absent."""
    if value is None:
        return None
    if (
        not isinstance(value, dict)
        or set(value) != {"title", "url"}
        or not all(isinstance(v, str) for v in value.values())
        or not value["url"].startswith(("https://", "http://"))
    ):
        raise LoadError(
            f'{path}: metadata.json: official_publication must be {{"title": …, "url": "https://…"}}, '
            f"not {value!r}; nothing was changed"
        )
    return {"title": value["title"], "url": value["url"]}


def load_plan_folder(folder, *, general_aliases=(), force=False):
    """Load a plan folder's generated fixture together with its source text as received."""
    fixture = read_fixture(folder)
    path = Path(folder) / GENERATED
    try:
        return ingest_plan(**fixture, general_aliases=general_aliases, force=force)
    except LoadError as exc:
        raise LoadError(f"{path}: {exc}; nothing was changed") from exc
    except (OSError, KeyError, TypeError, ValueError, DatabaseError) as exc:
        # ingest_plan's transaction has rolled back: say so, instead of a traceback from the command.
        reason = " ".join(str(exc).split())  # PostgreSQL's messages run over several lines
        raise LoadError(f"{path}: cannot be loaded ({type(exc).__name__}: {reason}); nothing was changed") from exc


def load_all(root, slugs=None, *, force=False):
    """Load every plan folder under root (or only those named); return the results in order."""
    folders = plan_folders(root)
    if slugs:
        known = {folder.name: folder for folder in folders}
        missing = [slug for slug in slugs if slug not in known]
        if missing:
            raise LoadError(f"no plan folder for {', '.join(missing)} under {root}")
        folders = [known[slug] for slug in slugs]
    general_aliases = general_aliases_of(root)
    return [load_plan_folder(folder, general_aliases=general_aliases, force=force) for folder in folders]


def general_aliases_of(root):
    """The general alias file beside the plan folders, each target checked against every plan's built text (a
    LoadError naming the file and line for a target that occurs in none)."""
    if not (Path(root) / ALIASES).exists():
        return []
    texts = [plan_text(read_fixture(folder)["data"]) for folder in plan_folders(root)]
    try:
        return read_general_aliases(root, texts)
    except BuildError as exc:
        raise LoadError(str(exc)) from None
