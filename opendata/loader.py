"""Derive the open-data tables of a plan (its term counts and licence) in the loader's transaction."""

from opendata.models import Publication, Term, TermOccurrence
from opendata.terms import count_terms


def load_open_data(plan, data, *, license):
    """Count the plan's terms unless they were counted for this version already; record the licence.

    Runs whether or not the plan itself changed, so that a database loaded before the term tables existed
    gets them on the next `load_plan`.
    """
    publication = Publication.objects.filter(plan=plan).first()
    if publication is None:
        publication = Publication(plan=plan)
    publication.license = license
    if publication.terms_version != plan.version:
        _insert_terms(plan, data)
        publication.terms_version = plan.version
    publication.save()


def _insert_terms(plan, data):
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
            for row, t in zip(rows, terms)
            for o in t["occurrences"]
        ),
        batch_size=2000,
    )
