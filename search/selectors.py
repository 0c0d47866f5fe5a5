"""Search: one selector for the cross-plan endpoint and the bench, one for a collection's `q`."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQueryField, SearchRank
from django.db.models import BooleanField, F, FloatField, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast
from rest_framework.exceptions import ValidationError

from search.models import SearchEntry
from search.text import RANK_WEIGHTS, ParsedQuery, QueryError, parse_query


class _Matches(Func):
    """`vector @@ query`: Django's own `=` lookup would wrap our ready tsquery in plainto_tsquery()."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _tsquery(text):
    return Cast(Value(text), output_field=SearchQueryField())


def _score(parsed):
    """The sum of each positive term's cover density (ts_rank_cd, no length normalisation).

    Summing per term means each word counts by its own frequency, so an article about the topic outranks one
    that names it once; titles are weighted A and bodies D, so a title hit counts as ten body hits.
    """
    ranks = [
        SearchRank(F("vector"), _tsquery(term), weights=RANK_WEIGHTS, cover_density=True) for term in parsed.ranked
    ]
    total = ranks[0]
    for rank in ranks[1:]:
        total = total + rank
    return Cast(total, output_field=FloatField())


def parse_or_400(q, *, param="q"):
    try:
        return parse_query(q)
    except QueryError as exc:
        raise ValidationError({param: [str(exc)]}) from None


@dataclass
class SearchResults:
    entries: QuerySet  # SearchEntry rows with `score` and `plan_slug`, best first
    query: ParsedQuery


def search_entries(*, q, plans=None, types=None):
    """Search every plan (or the plans with these slugs) for `q`, in web-search syntax; best first.

    `types` limits the results to these SearchEntry types. Raises a 400 ValidationError for a query that
    cannot be searched (empty, too long, NUL, or nothing to search for: see search.text.QUERY_PATTERN).
    """
    parsed = parse_or_400(q)
    if parsed.tsquery is None:
        return SearchResults(entries=SearchEntry.objects.none(), query=parsed)
    entries = SearchEntry.objects.filter(_Matches(F("vector"), _tsquery(parsed.tsquery)))
    if plans:
        entries = entries.filter(plan__slug__in=plans)
    if types:
        entries = entries.filter(type__in=types)
    entries = (
        entries.annotate(score=_score(parsed), plan_slug=F("plan__slug"))
        .defer("vector")
        .order_by("-score", "plan_slug", "type", "number", "slug")
    )
    return SearchResults(entries=entries, query=parsed)


def search_filter(queryset, *, q, type, key="number"):
    """Keep only the objects of a plan collection that match `q`, annotated with `search_rank`.

    The collection's ordering filter puts the best first when no `ordering` is asked for.
    """
    parsed = parse_or_400(q)
    if parsed.tsquery is None:
        return queryset.none()
    matching = SearchEntry.objects.filter(
        _Matches(F("vector"), _tsquery(parsed.tsquery)), plan=OuterRef("plan"), type=type, **{key: OuterRef(key)}
    ).annotate(score=_score(parsed))
    return queryset.annotate(search_rank=Subquery(matching.values("score")[:1])).filter(search_rank__isnull=False)
