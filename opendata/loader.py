"""Derive a plan's open-data tables (its term counts and licence); called by the ingest pipeline in its transaction."""

from opendata.models import Publication, Term, TermOccurrence
from opendata.terms import count_terms


def save_open_data(plan, data, *, license, official=None):
    """Record the plan's licence and official publication, and replace its term counts with those of its data."""
    official = official or {}
    Publication.objects.update_or_create(
        plan=plan,
        defaults={
            "license": license,
            "official_title": official.get("title", ""),
            "official_url": official.get("url", ""),
        },
    )
    Term.objects.filter(plan=plan).delete()
    terms = count_terms(data)
    rows = Term.objects.bulk_create(
        Term(plan=plan, key=t["key"], text=t["text"], length=len(t["key"]), count=t["count"]) for t in terms
    )
    chapters = {c.number: c for c in plan.chapters.all()}
    articles = {a.number: a for a in plan.articles.all()}
    TermOccurrence.objects.bulk_create(
        (
            TermOccurrence(
                term=row,
                place=o["place"],
                chapter=chapters.get(o["chapter"]),
                article=articles.get(o["article"]),
                count=o["count"],
            )
            for row, t in zip(rows, terms, strict=True)
            for o in t["occurrences"]
        ),
        batch_size=2000,
    )
