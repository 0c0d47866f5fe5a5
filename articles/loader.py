"""Take a plan's document (its plan, source, errata, chapters and articles) to the database.

Called by the ingest pipeline (ingest/pipeline.py) inside its transaction; the other layers' loaders then add
their rows to the plan this returns.
"""

from django.utils import timezone

from articles.models import Article, Chapter, Erratum, Plan, PlanSource


class LoadError(ValueError):
    """The fixture cannot be loaded; the message says which file and why."""


def save_plan(data, *, version, source_text):
    """Create or replace the plan's document rows from its built data; return (plan, status).

    `status` is "created", "updated" (a different version replaced the rows whole), or "unchanged" (the
    version is loaded already: nothing is written).
    """
    meta = data["plan"]
    plan = Plan.objects.select_for_update().filter(slug=meta["slug"]).first()
    if plan is not None and plan.version == version:
        return plan, "unchanged"
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
    if plan is None:
        plan = Plan.objects.create(slug=meta["slug"], **fields)
        status = "created"
    else:
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.save()
        # Replace the rows whole: public identifiers are numbers and slugs from the text, never row ids.
        # Deleting the chapters deletes their articles, and whatever refers to them; the layers above
        # replace the rest of their own rows.
        plan.chapters.all().delete()
        plan.errata.all().delete()
        status = "updated"
    PlanSource.objects.update_or_create(plan=plan, defaults={"text": source_text})
    _insert_rows(plan, data)
    return plan, status


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
            Chapter(
                plan=plan, number=c["number"], numeral=c["numeral"], title=c["title"], intro=c["intro"], line=c["line"]
            )
            for c in data["chapters"]
        )
    }
    Article.objects.bulk_create(
        Article(
            plan=plan,
            chapter=pick(chapters, a["chapter"], f"article {a['number']} names chapter"),
            number=a["number"],
            title=a["title"],
            paragraphs=a["paragraphs"],
            line_start=a["lines"][0],
            line_end=a["lines"][1],
        )
        for a in data["articles"]
    )


def pick(rows, number, what):
    """The row a fixture refers to by number; a dangling reference is a LoadError, not a KeyError."""
    try:
        return rows[number]
    except KeyError:
        raise LoadError(f"{what} {number}, which the fixture does not have") from None
