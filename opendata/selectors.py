"""Read functions for term counts (computed at load time, see opendata.terms)."""

from collections import defaultdict

from django.db.models import Prefetch, Sum

from opendata.models import Publication, Term, TermOccurrence
from plantext.scripts import to_simplified


def term_list(*, plan, top, chapter=None, article=None, min_length=2):
    """The `top` most frequent terms of a plan, or of one chapter or article, with where they occur.

    Each entry: {text, key, length, count, chapters: [numbers], articles: [numbers]}, counts and places
    restricted to the chapter or article when one is given. Ties are broken by the simplified form.
    """
    occurrences = TermOccurrence.objects.filter(term__plan=plan, term__length__gte=min_length)
    if chapter is not None:
        occurrences = occurrences.filter(chapter__number=chapter)
    if article is not None:
        occurrences = occurrences.filter(article__number=article)
    ranked = list(
        occurrences.values("term_id", "term__text", "term__key", "term__length")
        .annotate(total=Sum("count"))
        .order_by("-total", "term__key")[:top]
    )
    places = defaultdict(lambda: (set(), set()))
    for term_id, chapter_number, article_number in occurrences.filter(
        term_id__in=[row["term_id"] for row in ranked]
    ).values_list("term_id", "chapter__number", "article__number"):
        chapters, articles = places[term_id]
        if chapter_number is not None:
            chapters.add(chapter_number)
        if article_number is not None:
            articles.add(article_number)
    return [
        {
            "text": row["term__text"],
            "key": row["term__key"],
            "length": row["term__length"],
            "count": row["total"],
            "chapters": sorted(places[row["term_id"]][0]),
            "articles": sorted(places[row["term_id"]][1]),
        }
        for row in ranked
    ]


def term_get(*, plan, term):
    """One term of a plan, written in any script, with its occurrences; None if the plan has no such term."""
    key = to_simplified(term)
    return (
        Term.objects.filter(plan=plan, key=key)
        .prefetch_related(
            Prefetch("occurrences", queryset=TermOccurrence.objects.select_related("chapter__plan", "article__plan"))
        )
        .first()
    )


def term_places(term):
    """A term's count per chapter (its heading, intro and articles), per article, and outside the chapters."""
    chapters, articles, elsewhere = {}, {}, defaultdict(int)
    for occurrence in term.occurrences.all():
        if occurrence.chapter is not None:
            chapter = chapters.setdefault(occurrence.chapter.number, {"chapter": occurrence.chapter, "count": 0})
            chapter["count"] += occurrence.count
        else:
            elsewhere[occurrence.place] += occurrence.count
        if occurrence.article is not None:
            articles[occurrence.article.number] = {"article": occurrence.article, "count": occurrence.count}
    return (
        [chapters[number] for number in sorted(chapters)],
        [articles[number] for number in sorted(articles)],
        [{"place": place, "count": count} for place, count in sorted(elsewhere.items())],
    )


def plan_official_publication(plan):
    """{"title", "url"} of where the issuer published the plan, or None when no official publication was recorded."""
    row = Publication.objects.filter(plan=plan).values("official_title", "official_url").first()
    if not row or not row["official_url"]:
        return None
    return {"title": row["official_title"], "url": row["official_url"]}


def plan_license(plan):
    """The SPDX identifier of the licence the plan's data is published under, or "" when none was recorded."""
    return Publication.objects.filter(plan=plan).values_list("license", flat=True).first() or ""
