"""Search: one selector for the cross-plan endpoint and the bench, one for a collection's `q`.

A search runs in up to two steps, each one SQL query:

1. (only when a term is segmented) the passages (sentences) holding every word of a segmentation, found
   through their GIN index and checked here for closeness (search.interpret.close_together);
2. the page: the entries whose index holds a reading of each term (GIN), or whose passages matched in step 1,
   minus the exclusions, ranked best first, with the count of all of them beside it (Ranking.page).

A query the plans write as typed is step 2 alone. A one-term query that the plans have ranked when loaded (a word
several of their documents hold, or an alias), with or without exclusions, pages through those rankings instead
(RankedEntries); when those rankings are all it reads (nothing excluded, a ranking in every plan searched), a page
is one call of search_ranked_page, a function whose statement PostgreSQL plans once per connection (migration
0005). The SQL is written here rather than built from ORM expressions: building and compiling those took longer than
PostgreSQL takes to answer. The plans' lexicon (aliases, dictionary) is read once per dataset version
and kept in memory.
"""

import json
import re
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache

from django.db import connection, connections, router
from django.db.models import BooleanField, F, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from rest_framework.exceptions import ValidationError

from articles.models import Plan
from plan_api.response_cache import dataset_versions
from plantext.segment import tokenizer
from search.aliases import alias_map
from search.interpret import (
    ALIAS,
    NUMBER,
    REGIONAL,
    SEGMENTED,
    TYPED,
    VARIANT,
    Interpretation,
    Lexicon,
    close_together,
    interpret,
)
from search.models import SearchEntry, SearchImpact, SearchLexicon, SearchPassage
from search.text import RANK_WEIGHTS, TIE_BREAK, QueryError, chain, like_pattern

# What a passage that holds the words close together adds to an entry's score: a title (lead sentence) as much
# as a title hit of the words as typed, a body sentence half a body hit (a hit as typed is the surer one).
SEGMENTED_TITLE_SCORE = 1.0
SEGMENTED_BODY_SCORE = 0.05
# At most this many suggestions when nothing matches.
MAX_SUGGESTIONS = 5
# At most this many terms' coverage (RankedEntries._rankings) kept per Corpus (with the distinct sets of plans).
MAX_COVERAGES = 1024


# --- the plans' lexicon -------------------------------------------------------------------------------------

_corpora = {}


@dataclass(frozen=True)
class Corpus:
    """What a search needs to know of the plans it searches, kept in memory per dataset version."""

    lexicon: Lexicon
    plan_ids: frozenset  # every plan searched
    ranked: frozenset  # terms that have a precomputed ranking (SearchImpact) in some of them
    # What the rankings of a term hold in some plans and types (RankedEntries._rankings), read once per version.
    coverage: dict = field(default_factory=dict, compare=False, hash=False)


def plan_corpus(plans=None):
    """The Corpus of these plans (slugs), or of every plan; cached per dataset version."""
    versions = dataset_versions()
    scope = tuple(sorted(set(plans))) if plans else None
    # The versions of the plans searched: for every plan, the digest that names them all (no walk over a thousand).
    key = (scope, versions.token if scope is None else tuple(versions.get(slug) for slug in scope))
    found = _corpora.get(key)
    if found is None:
        rows = SearchLexicon.objects.all()
        if scope:
            rows = rows.filter(plan__slug__in=scope)
        entries, words, ids, ranked = {}, set(), set(), set()
        for plan_id, aliases, plan_words, plan_ranked in rows.values_list("plan_id", "aliases", "words", "ranked"):
            for entry in aliases:  # the general file's entries repeat in every plan's lexicon: read once
                entries.setdefault((entry["alias"], entry["target"]), entry)
            words.update(plan_words)  # normalised by the loader
            ids.add(plan_id)
            ranked.update(plan_ranked)
        words = frozenset(words)
        lexicon = Lexicon(aliases=alias_map(entries.values()), words=words, tokenizer=tokenizer(words))
        found = Corpus(lexicon=lexicon, plan_ids=frozenset(ids), ranked=frozenset(ranked))
        if len(_corpora) > 64:
            _corpora.clear()
        _corpora[key] = found
    return found


def plan_lexicon(plans=None):
    """The Lexicon (aliases and dictionary) of these plans (slugs), or of every plan."""
    return plan_corpus(plans).lexicon


def forget_corpora():
    _corpora.clear()


def interpret_or_400(q, lexicon, *, param="q"):
    try:
        return interpret(q, lexicon)
    except QueryError as exc:
        raise ValidationError({param: [str(exc)]}) from None


# --- matching -----------------------------------------------------------------------------------------------


@dataclass
class PassageHit:
    """Where a segmented term matched in one entry: its best paragraph and the words' spans there."""

    score: float = 0.0
    paragraph: int | None = None
    title: bool = False


@dataclass(slots=True)
class Hit:
    """One result of a page of search results: the columns of its SearchEntry row but its index terms, its score,
    its plan's slug and (Ranking.page) how many match in all. What the serializers and the site read of a result,
    made straight from the row: a model instance per row (RawQuerySet) cost a tenth of a search's time."""

    id: int
    plan_id: int
    type: str
    number: int | None
    slug: str | None
    title: str
    body: str
    title_norm: str
    body_norm: str
    size: int
    score: float
    plan_slug: str
    total: int | None = None

    @property
    def pk(self):
        return self.id


# The columns of SearchEntry that Hit holds, in its order.
HIT_COLUMNS = [f.name for f in fields(Hit) if f.name not in ("score", "plan_slug", "total")]


def _page_columns(entry):
    """The columns of an entry's row that a page of results reads (Hit's), under `entry`."""
    return ", ".join(f"{entry}.{column}" for column in HIT_COLUMNS)


def _hits(sql, params):
    """The rows of a page's statement (_page_columns, score, plan_slug[, total]) as Hits."""
    return [Hit(*row) for row in _rows(sql, params)]


class Ranking:
    """The entries matching a search, with their score, as SQL (search_entries): a page and its count in one
    statement, and the same rows as querysets for the rest (an export's iterator, a further filter).

    `segmented` holds per group the entries found by their words (_segmented_hits); `plans` (ids, or None for
    every plan) and `types` scope the search.
    """

    def __init__(self, query, segmented, plans, types):
        self.query, self.segmented, self.plans, self.types = query, segmented, plans, types

    def _where(self, entry, groups=None):
        matching = _matching(self.query, self.segmented, entry, groups)
        scope = _in_scope(entry, self.plans, self.types)
        return _Sql(f"{matching.sql} AND {scope.sql}", (*matching.params, *scope.params))

    def page(self, start, stop):
        """The entries at [start, stop) in search order, each with `score`, `plan_slug` and `total` (how many match
        in all): ranked and counted on narrow rows, the page's whole rows read last."""
        table = SearchEntry._meta.db_table
        # Where a group also matched through its words, the entries that match it as typed are found once, through
        # the index (materialized: once, not once per worker), so that those found only through their words are
        # ranked 0 as typed without reading their index terms (long, from TOAST: 50 ms for 3,000 entries).
        # Such a group then matches the entries of that set and those found through its words: said so, PostgreSQL
        # reads those entries by their ids, rather than every entry's index terms (whose cost it cannot tell).
        ctes, cte_params, typed, groups = [], [], {}, {}
        scope = _in_scope("t", self.plans, self.types)
        for index, group in enumerate(self.query.groups):
            tsquery = self.query.group_tsquery(group)
            if tsquery and self.segmented[index]:
                ctes.append(
                    f"typed{index} AS MATERIALIZED (SELECT t.id FROM {table} t "
                    f"WHERE t.vector @@ %s::tsquery AND {scope.sql})"
                )
                cte_params += [tsquery, *scope.params]
                typed[index] = f"e.id IN (SELECT id FROM typed{index})"
                groups[index] = _Sql(
                    f"e.id IN (SELECT id FROM typed{index} UNION ALL SELECT unnest(%s::bigint[]))",
                    (list(self.segmented[index]),),
                )
        score, where = _score(self.query, self.segmented, "e", typed), self._where("e", groups)
        # Raw SQL: the count as a window over the ranked rows, and the page joined back, in one statement.
        sql = f"""
            {"WITH " + ", ".join(ctes) if ctes else ""}
            SELECT {_page_columns("x")}, page.score, page.plan_slug, page.total FROM (
                SELECT e.id, {score.sql} AS score, p.slug AS plan_slug, e.type, e.number, e.slug,
                       count(*) OVER () AS total
                FROM {table} e JOIN {Plan._meta.db_table} p ON p.id = e.plan_id
                WHERE {where.sql}
                ORDER BY score DESC, plan_slug, e.type, e.number, e.slug
                OFFSET %s LIMIT %s
            ) page JOIN {table} x ON x.id = page.id
            ORDER BY page.score DESC, page.plan_slug, page.type, page.number, page.slug
        """
        params = (*cte_params, *score.params, *where.params, start, stop - start)
        return _hits(sql, params)

    def count(self):
        where = self._where("e")
        return _rows(f"SELECT count(*) FROM {SearchEntry._meta.db_table} e WHERE {where.sql}", where.params)[0][0]

    def matching_queryset(self):
        """The matching entries as a queryset (no score)."""
        where = self._where(connection.ops.quote_name(SearchEntry._meta.db_table))
        return SearchEntry.objects.filter(RawSQL(where.sql, where.params, BooleanField()))

    def queryset(self):
        """The matching entries as a queryset with `score` and `plan_slug`, best first."""
        table = connection.ops.quote_name(SearchEntry._meta.db_table)
        score = _score(self.query, self.segmented, table)
        return (
            self.matching_queryset()
            .annotate(score=RawSQL(score.sql, score.params, FloatField()), plan_slug=F("plan__slug"))
            .defer("vector")
            .order_by("-score", "plan_slug", "type", "number", "slug")
        )


class Entries:
    """The matches of a search, paged as Django's paginator asks (plan_api.pagination.OneQueryPaginator): a page
    and the count in one query (Ranking.page); iterated (an export) or filtered further (the site's chapter) as a
    queryset, in the same order.
    """

    def __init__(self, ranking, queryset=None, matching=None):
        self.ranking, self._queryset, self._matching = ranking, queryset, matching

    @cached_property
    def queryset(self):
        """The matches as a queryset with `score` and `plan_slug`, best first."""
        return self._queryset if self._queryset is not None else self.ranking.queryset()

    @cached_property
    def matching(self):
        """The matches as a queryset, unranked."""
        return self._matching if self._matching is not None else self.ranking.matching_queryset()

    def filter(self, *args, **kwargs):
        """The same matches narrowed as a queryset's filter() narrows: paged through querysets from then on."""
        return Entries(None, self.queryset.filter(*args, **kwargs), self.matching.filter(*args, **kwargs))

    def slice_and_count(self, start, stop):
        """The entries at [start, stop) and how many match in all (None when the page is empty: past the end)."""
        if self.ranking is None:
            return list(self[start:stop]), self.count()
        rows = self.ranking.page(start, stop)
        return rows, (rows[0].total if rows else 0 if start == 0 else None)

    def count(self):
        return self.ranking.count() if self.ranking is not None else self.matching.count()

    def iterator(self, *args, **kwargs):
        return self.queryset.iterator(*args, **kwargs)

    def __iter__(self):
        return iter(self.queryset)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        return self.queryset[index]


class RankedEntries(Entries):
    """The matches of a one-term query that some plans have precomputed rankings of (SearchImpact: a word many of
    their documents hold, or an alias of the alias files), paged through those rankings; with or without
    exclusions.

    Django's paginator asks for a count and a slice. Both start from the rankings of the term in the plans searched
    (one query: which plans have one, and their lengths); a slice then reads from each of those plans the first
    `stop` documents (the only ones that can reach the page), ranks every match of the other plans (where the word
    is rare) as usual, and takes the page from the two. Anything else (an export's iterator) is the full queryset,
    whose order is the same; a filter (the site's chapter) leaves the rankings for the full queryset filtered.

    An exclusion leaves every other match's score as it was, so the rankings still hold the order: the documents
    that match an excluded term (found through the index, not ranked) are left out of them, and of their count.
    """

    def __init__(self, ranking, *, term, tsquery, plans, types, corpus):
        super().__init__(ranking)
        self.term, self.tsquery, self.plans, self.types, self.corpus = term, tsquery, plans, types, corpus
        self.negative = ranking.query.negative_tsquery
        self._coverage = None

    def _rankings(self):
        """(ids of the plans with a ranking of the term, how many documents those rankings hold), once."""
        if self._coverage is None:
            plans = None if self.plans is None else tuple(sorted(set(self.plans)))
            key = (self.term, plans, tuple(sorted(set(self.types or ()))))
            self._coverage = self.corpus.coverage.get(key)
        if self._coverage is None:
            plan_filter = "AND plan_id = ANY(%(plans)s)" if self.plans is not None else ""
            # Raw SQL: two aggregates over the rows of one term, which the ORM says less plainly.
            sql = f"""
                SELECT array_agg(plan_id) FILTER (WHERE type = ''),
                       COALESCE(sum(cardinality(entries)) FILTER (WHERE type = ANY(%(kinds)s)), 0)
                FROM {SearchImpact._meta.db_table}
                WHERE term = %(term)s AND (type = '' OR type = ANY(%(kinds)s)) {plan_filter}
            """
            ((ids, count),) = _rows(sql, {"term": self.term, "kinds": _kinds(self.types), "plans": self.plans})
            if len(self.corpus.coverage) >= MAX_COVERAGES:
                self.corpus.coverage.clear()
            ids = frozenset(ids or ())
            ids = self.corpus.coverage.setdefault(ids, ids)  # one set of plans kept once, however many terms share it
            self._coverage = self.corpus.coverage[key] = (ids, count)
        return self._coverage

    def _rest(self):
        """The plans searched that have no ranking of the term."""
        ranked, _ = self._rankings()
        scope = set(self.plans) if self.plans is not None else set(self.corpus.plan_ids)
        return sorted(scope - ranked)

    def slice_and_count(self, start, stop):
        if self.negative and stop > start:
            # With exclusions the page counts what is left beside it (one statement finds the excluded once).
            rows = self._page(start, stop, total=True)
            if rows or start == 0:
                return rows, rows[0].total if rows else 0
        count = self.count()
        return (list(self[start:stop]) if start < count else []), count

    def count(self):
        ranked, count = self._rankings()
        if self.negative and ranked:
            count -= self._excluded_count(ranked)
        rest = self._rest()
        return count + (self.matching.filter(plan_id__in=rest).count() if rest else 0)

    def _excluded_count(self, ranked):
        """How many documents of the rankings of the term in the plans `ranked` match an excluded term."""
        # Raw SQL: a count over array elements joined to a materialized set, which the ORM cannot say.
        sql = f"""
            {_excluded_sql(self.plans is not None)}
            SELECT count(*) FROM {SearchImpact._meta.db_table} i, unnest(i.entries) AS u(id)
            WHERE i.term = %(term)s AND i.type = ANY(%(kinds)s) AND i.plan_id = ANY(%(ranked)s)
              AND EXISTS (SELECT 1 FROM excluded x WHERE x.id = u.id)
        """
        params = {
            "term": self.term,
            "kinds": _kinds(self.types),
            "ranked": sorted(ranked),
            "query": self.tsquery,
            "negative": self.negative,
        }
        return _rows(sql, params)[0][0]

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step is not None or index.stop is None:
            return self.queryset[index]
        start, stop = index.start or 0, index.stop
        if stop <= start:
            return []
        return self._page(start, stop)

    def _page(self, start, stop, *, total=False):
        ranked, _ = self._rankings()
        scoped = self.plans is not None
        return _impact_page(
            self.term,
            self.tsquery,
            sorted(ranked),
            self._rest(),
            self.types,
            start,
            stop,
            negative=self.negative,
            scoped=scoped,
            total=total,
        )


def _kinds(types):
    """The `type` values of the SearchImpact rows a search of these entry types reads: "" (all types) for none."""
    return list(types) if types else [""]


def _excluded_sql(scoped):
    """SQL for `excluded`: the documents that match both the word (`query`) and an excluded term (`negative`), in the
    plans `ranked` when the search is `scoped` to some plans (else in all: a ranking holds only its own plan's
    documents). Found once (materialized) through the index, which intersects the two, and checked one by one only
    where the index cannot tell (a word of several characters): fewer than the matches of the word or of the
    excluded term alone. Checking every match of the word took 10 µs a document (their index terms are long, read
    from TOAST): 130 ms for 京津冀 at 1,001 plans. Across all plans a filter on them led PostgreSQL to check every
    document of them instead of using the index."""
    scope = "AND n.plan_id = ANY(%(ranked)s)" if scoped else ""
    return (
        f"WITH excluded AS MATERIALIZED (SELECT n.id FROM {SearchEntry._meta.db_table} n "
        f"WHERE n.vector @@ (%(query)s::tsquery && %(negative)s::tsquery) {scope})"
    )


def _impact_page(term, tsquery, ranked, rest, types, start, stop, *, negative=None, scoped=True, total=False):
    """The Hits at [start, stop) for a one-term query (`term` its ranking's key, `tsquery` what it matches): the
    first `stop` of the rankings of the term in the plans `ranked`, and every match (ranked) in the plans `rest`;
    none that match the tsquery `negative` (exclusions), which the rankings are then read past their first `stop` to
    leave out (`scoped`: the search names its plans). With `total`, each Hit's `total` says how many match in all
    (then the rankings are read whole)."""
    if not (rest or negative or total):
        # The rankings alone, the commonest search: the same statement as below without its other parts, in a
        # function that PostgreSQL plans once per connection (search/migrations/0005).
        return _hits(
            "SELECT * FROM search_ranked_page(%s, %s::text[], %s::bigint[], %s, %s)",
            (term, _kinds(types), list(ranked), start, stop - start),
        )
    impacts, entries, plan_table = SearchImpact._meta.db_table, SearchEntry._meta.db_table, "articles_plan"
    rest_filter = "AND e.type = ANY(%(types)s)" if types else ""
    weights = "{" + ",".join(str(w) for w in RANK_WEIGHTS) + "}"
    # Without exclusions a plan's first `stop` documents are all that can reach the page; with them, the ranking is
    # read past those to leave out the excluded, and for the total, whole.
    whole = total or negative
    ranking = "unnest(i.entries, i.scores)" if whole else "unnest(i.entries[1:%(stop)s], i.scores[1:%(stop)s])"
    exclusion = ""
    if negative:
        rest_filter += " AND NOT (e.vector @@ %(negative)s::tsquery)"
        exclusion = "AND NOT EXISTS (SELECT 1 FROM excluded x WHERE x.id = u.id)"
    rest_part = f"""
            UNION ALL
            SELECT e.id,
                   ts_rank_cd(%(weights)s::float4[], e.vector, %(query)s::tsquery)::float8 + %(tie)s / (1 + e.size),
                   p.slug, e.type, 0, e.number, e.slug
            FROM {entries} e JOIN {plan_table} p ON p.id = e.plan_id
            WHERE e.vector @@ %(query)s::tsquery AND e.plan_id = ANY(%(rest)s) {rest_filter}"""
    # Raw SQL: per-plan array slices merged with a ranked remainder, in one statement the ORM cannot say.
    sql = f"""
        {_excluded_sql(scoped) if negative else ""}
        SELECT {_page_columns("x")}, page.score, page.plan AS plan_slug{", page.total" if total else ""} FROM (
        SELECT id, score, plan, type, position, number, item{", count(*) OVER () AS total" if total else ""} FROM (
            -- Within a plan (and type) a ranking is already in search order (score, type, number, slug): its
            -- position breaks ties there. The plans of the two parts differ, so their keys never meet.
            SELECT u.id, u.score, p.slug AS plan, NULLIF(i.type, '') AS type, u.position, NULL::int AS number,
                   NULL AS item
            FROM {impacts} i JOIN {plan_table} p ON p.id = i.plan_id,
                 LATERAL {ranking} WITH ORDINALITY AS u(id, score, position)
            WHERE i.term = %(term)s AND i.type = ANY(%(kinds)s) AND i.plan_id = ANY(%(ranked)s) {exclusion}
            {rest_part if rest else ""}
        ) ranked
        ORDER BY score DESC, plan, type, position, number, item
        OFFSET %(start)s LIMIT %(limit)s
        ) page JOIN {entries} x ON x.id = page.id
        ORDER BY page.score DESC, page.plan, page.type, page.position, page.number, page.item
    """
    params = {
        "stop": stop,
        "term": term,
        "kinds": _kinds(types),
        "ranked": ranked,
        "rest": rest,
        "types": list(types or []),
        "weights": weights,
        "tie": TIE_BREAK,
        "query": tsquery,
        "negative": negative,
        "start": start,
        "limit": stop - start,
    }
    return _hits(sql, params)


@dataclass
class SearchResults:
    entries: Entries  # the matches, best first: Hits in a page, SearchEntry rows with `score` and `plan_slug` else
    query: Interpretation
    segmented: dict = field(default_factory=dict)  # entry id -> PassageHit, for entries found by their words
    plans: list | None = None
    types: list | None = None


def plan_ids(slugs):
    """The ids of the plans with these slugs (None for None: every plan)."""
    if not slugs:
        return None
    return list(Plan.objects.filter(slug__in=slugs).values_list("id", flat=True))


def _in_scope(row, plans, types):
    """SQL true of the rows (`row`: an entry's or a passage's) of these plans (ids, or None for every plan) and
    types. Ids, not slugs: the planner then knows how few rows one plan of many has, and reads them through the
    (plan, type) index."""
    conditions, params = [], []
    if plans is not None:
        conditions.append(f"{row}.plan_id = ANY(%s::bigint[])")
        params.append(list(plans))
    if types:
        conditions.append(f"{row}.type = ANY(%s::text[])")
        params.append(list(types))
    return _Sql(" AND ".join(conditions) or "TRUE", tuple(params))


def _rows(sql, params):
    """The rows of a read, from the request's database (plan_api.db_router), as every query of the search reads."""
    with connections[router.db_for_read(SearchEntry)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def held(tsqueries, plans, types, *, cursor=None):
    """The indexes of the tsqueries (words as typed, which never run across a sentence's end) that some sentence of
    these plans (ids, or None for every plan) and types matches; on `cursor` (the loader's, in its transaction),
    else on the request's database. Sentences, not whole documents: their index terms are small, so checking the
    candidates the index gives costs little even when none matches."""
    if plans is None:
        # Across every plan each test goes through the sentences' index and stops at the first match
        # (search_passages_hold, search/migrations/0004).
        sql = (
            "SELECT r.i - 1 FROM unnest(%s::tsquery[]) WITH ORDINALITY AS r(query, i) "
            "WHERE search_passages_hold(r.query, NULL, %s::text[])"
        )
        params = (list(tsqueries), list(types) if types else None)
    else:
        # In some plans each test is materialized, with the tsquery and the plans as values: PostgreSQL intersects
        # the index's matches with the plans' sentences (2 ms at 1,001 plans) instead of reading the matches of
        # every plan (the function: 10–30 ms) or checking each of the plans' sentences against each tsquery. (With a
        # LIMIT in the test's own plan it would expect a match early and read every sentence when there is none.)
        scope = _in_scope("s", plans, types)
        ctes = ", ".join(
            f"r{i} AS MATERIALIZED (SELECT 1 FROM {SearchPassage._meta.db_table} s "
            f"WHERE {scope.sql} AND s.vector @@ %s::tsquery)"
            for i in range(len(tsqueries))
        )
        tests = " UNION ALL ".join(f"SELECT {i} WHERE EXISTS (SELECT 1 FROM r{i})" for i in range(len(tsqueries)))
        sql = f"WITH {ctes} {tests}"
        params = tuple(p for tsquery in tsqueries for p in (*scope.params, tsquery))
    # Raw SQL: one existence test per tsquery, in one statement.
    if cursor is None:
        return {index for (index,) in _rows(sql, params)}
    cursor.execute(sql, params)
    return {index for (index,) in cursor.fetchall()}


def leave_out_absent_readings(terms, plans, types, *, cursor=None):
    """Set `absent` on each term of several readings: the readings no sentence of these plans and types holds (one
    statement for them all). Leaving them out of the tsquery changes neither what matches nor any document's rank
    (ts_rank_cd counts the covers of the readings a document holds; tests/search/test_ranking.py compares), and
    makes the tsquery smaller: a regional word (人工智慧) is then searched as the mainland's (人工智能), whose ranking
    the plans may have precomputed."""
    several = []  # (term, [(reading's text, its tsquery)]) for each term of several readings
    for term in terms:
        readings = [(r.text, chain(r.text)) for r in term.readings]
        if len({tsquery for _, tsquery in readings}) > 1:
            several.append((term, readings))
    tsqueries = list(dict.fromkeys(tsquery for _, readings in several for _, tsquery in readings if tsquery))
    if not tsqueries:
        return
    found = {tsqueries[index] for index in held(tsqueries, plans, types, cursor=cursor)}
    for term, readings in several:
        # A reading with nothing to search for (no word character) holds nothing either.
        term.absent = frozenset(text for text, tsquery in readings if tsquery not in found)


def _resolve_conversions(query):
    """A term whose segmentations come from conversions (regional, alias…) keeps only its typed ones when the plans
    write the term as typed (leave_out_absent_readings has looked): then that is what the reader means."""
    for group in query.groups:
        for term in group:
            if term.converted_segmentations and term.readings[0].text not in term.absent:
                term.keep_typed_segmentations()


def _match_words(query, plans, types):
    """What the sentences of these plans and types say of the query, before its entries are ranked: the readings
    they do not hold are left out, the conversions resolved, and the entries found through words apart returned
    ([{entry id: PassageHit}] per group, as _segmented_hits)."""
    leave_out_absent_readings([term for group in query.groups for term in group], plans, types)
    if not query.segmented:
        return [{} for _ in query.groups]
    _resolve_conversions(query)
    return _segmented_hits(query, plans, types)


def _segmented_hits(query, plans, types):
    """[{entry id: PassageHit}] per group: the entries where some term of the group has its words close together."""
    per_group = [{} for _ in query.groups]
    alternatives = [t.passage_tsquery for group in query.groups for t in group if t.passage_tsquery]
    if not alternatives:
        return per_group
    # A sentence that holds a reading as typed is counted by the typed match already (and is most of them: the
    # words of 人工智能 stand together wherever it is written): only the others can add a document or a score.
    # Whether it holds one is asked of its text (LIKE), not of its index terms: a phrase's tsquery read each
    # candidate's index terms again (from TOAST for a long sentence), twice, and took longer than the rest of the
    # statement (科技金融 at 1,001 plans: 44 ms, against 21 ms).
    typed = [_like_patterns(group) for group in query.groups]
    scope = _in_scope("s", plans, types)
    holds = [_Sql("s.text LIKE ANY(%s)", (patterns,)) if patterns else _Sql("FALSE") for patterns in typed]
    # A sentence that holds every group as typed adds nothing: left out here, not read and skipped (at 1,000 plans
    # that is thousands of sentences for a word whose other reading the plans write, 人工智慧 → 人工智能). With one
    # group, then, no sentence read holds it.
    useful = " AND NOT (" + " AND ".join(hold.sql for hold in holds) + ")" if all(typed) else ""
    columns = holds if len(holds) > 1 or not useful else [_Sql("FALSE")]
    sql = (
        "SELECT s.entry_id, s.paragraph, s.title, s.text, "
        + ", ".join(column.sql for column in columns)
        + f" FROM {SearchPassage._meta.db_table} s WHERE {scope.sql} AND s.vector @@ %s::tsquery{useful}"
        " ORDER BY s.entry_id, s.id"
    )
    params = (
        *(p for column in columns for p in column.params),
        *scope.params,
        " | ".join(dict.fromkeys(alternatives)),
        *((p for hold in holds for p in hold.params) if useful else ()),
    )
    checked = {}  # (group, sentence) -> close together: a sentence the plans repeat is checked once
    for entry_id, paragraph, title, text, *as_typed in _rows(sql, params):
        for index, group in enumerate(query.groups):
            if as_typed[index]:
                continue
            close = checked.get((index, text))
            if close is None:
                close = checked[index, text] = any(
                    close_together(text, s.words) for term in group for s in term.segmentations
                )
            if close:
                hit = per_group[index].setdefault(entry_id, PassageHit())
                hit.score += SEGMENTED_TITLE_SCORE if title else SEGMENTED_BODY_SCORE
                if hit.paragraph is None or (title and not hit.title):
                    hit.paragraph, hit.title = paragraph, title
    return per_group


def _like_patterns(group):
    """The LIKE patterns (search.text.like_pattern) of the readings searched of the group's terms."""
    patterns = (like_pattern(reading.text) for term in group for reading in term.searched)
    return list(dict.fromkeys(pattern for pattern in patterns if pattern))


@dataclass(frozen=True)
class _Sql:
    """A piece of SQL over the search entries and its parameters, in the order of its placeholders."""

    sql: str
    params: tuple = ()


def _score(query, segmented, entry, typed=None):
    """Each group's cover density as typed (ts_rank_cd, no length normalisation) plus what its words close together
    add (SEGMENTED_*_SCORE per passage), summed over the groups; `entry` is the SQL name of the entry's row.

    Summing per group means each term counts by its own frequency, so an article about the topic outranks one
    that names it once; titles are weighted A and bodies D, so a title hit counts as ten body hits. Equal ranks
    are broken by the shorter document (TIE_BREAK).

    An entry that a group matched only through its words is ranked 0 as typed for that group. `typed` may give, per
    group, SQL that is true of the entries matching the group as typed (Ranking.page's, from the index); else the
    entry's index terms are checked.
    """
    total, params = None, []
    for index, group in enumerate(query.groups):
        parts = []
        tsquery = query.group_tsquery(group)
        hits = segmented[index]
        if tsquery and hits:
            condition, condition_params = (typed or {}).get(index), []
            if condition is None:
                condition, condition_params = f"{entry}.vector @@ %s::tsquery", [tsquery]
            parts.append(f"CASE WHEN {condition} THEN ts_rank_cd(%s::float4[], {entry}.vector, %s::tsquery) ELSE 0 END")
            params += [*condition_params, RANK_WEIGHTS, tsquery]
        elif tsquery:
            parts.append(f"ts_rank_cd(%s::float4[], {entry}.vector, %s::tsquery)")
            params += [RANK_WEIGHTS, tsquery]
        if hits:
            # A score per entry handed over as a JSON object, {"id": score}, looked up by key (a binary search; a
            # search of an array would be linear, for each of as many rows: 100 ms at 3,000 entries), or 0.
            parts.append(f"COALESCE((%s::jsonb ->> {entry}.id::text)::float8, 0)")
            params.append(json.dumps({str(entry_id): hit.score for entry_id, hit in hits.items()}))
        for part in parts:
            total = part if total is None else f"({total} + {part})"
    return _Sql(f"({total or 0})::float8 + %s / (1 + {entry}.size)::float8", (*params, TIE_BREAK))


def _matching(query, segmented, entry, groups=None):
    """True of the entries that match every group (as typed, or through their words) and no exclusion; `entry` is
    the SQL name of the entry's row. `groups` may give, per group, SQL (_Sql) that says the same of it."""
    conditions, params = [], []
    for index, group in enumerate(query.groups):
        if groups and index in groups:
            conditions.append(groups[index].sql)
            params += groups[index].params
            continue
        either = []
        tsquery = query.group_tsquery(group)
        if tsquery:
            either.append(f"{entry}.vector @@ %s::tsquery")
            params.append(tsquery)
        if segmented[index]:
            either.append(f"{entry}.id = ANY(%s::bigint[])")
            params.append(list(segmented[index]))
        if either:
            conditions.append("(" + " OR ".join(either) + ")")
    negative = query.negative_tsquery
    if negative:
        conditions.append(f"NOT ({entry}.vector @@ %s::tsquery)")
        params.append(negative)
    return _Sql(" AND ".join(conditions) or "TRUE", tuple(params))


def search_entries(*, q, plans=None, types=None, ids=None):
    """Search every plan (or the plans with these slugs, whose ids are `ids` when the caller has them) for `q`, in
    web-search syntax; best first.

    `types` limits the results to these SearchEntry types. Raises a 400 ValidationError for a query that
    cannot be searched (empty, too long, NUL, or nothing to search for: see search.text.QUERY_PATTERN).
    """
    corpus = plan_corpus(plans)
    query = interpret_or_400(q, corpus.lexicon)
    if query.empty:
        return SearchResults(entries=SearchEntry.objects.none(), query=query, plans=plans, types=types)
    scope = ids if ids is not None else plan_ids(plans)
    segmented = _match_words(query, scope, types)
    ranking = Ranking(query, segmented, scope, types)
    hits = {}
    for group_hits in segmented:
        for entry_id, hit in group_hits.items():
            hits.setdefault(entry_id, hit)
    key = query.ranking_key(words_apart=bool(hits))
    if key is not None and key[0] in corpus.ranked:
        entries = RankedEntries(ranking, term=key[0], tsquery=key[1], plans=scope, types=types, corpus=corpus)
    else:
        entries = Entries(ranking)
    return SearchResults(entries=entries, query=query, segmented=hits, plans=plans, types=types)


@dataclass
class FilteredCollection:
    queryset: QuerySet  # the collection's objects that match, annotated with `search_rank`
    query: Interpretation
    plans: list | None

    def describe(self, count):
        """`interpretation` and `suggestions` for the page, as /search/ gives them."""
        nothing = count == 0 and not self.query.empty
        found = suggestions(self.query, plan_lexicon(self.plans), plans=self.plans) if nothing else []
        return {"interpretation": self.query.describe(), "suggestions": found}


def search_filter(queryset, *, q, type, key="number", plan=None):
    """Keep only the objects of a plan collection that match `q`, annotated with `search_rank`; a
    FilteredCollection. The collection's ordering filter puts the best first when no `ordering` is asked for.
    """
    plans = [plan] if plan else None
    query = interpret_or_400(q, plan_lexicon(plans))
    if query.empty:
        return FilteredCollection(queryset.none(), query, plans)
    # The plans' ids, where the sentences are read (the subquery below is correlated with the plan anyway).
    reads_sentences = query.segmented or any(len(t.readings) > 1 for group in query.groups for t in group)
    segmented = _match_words(query, plan_ids(plans) if reads_sentences else None, [type])
    # The score of the entry that stands for each object (its plan's entry of this type and key), else NULL: a
    # correlated subquery in SQL, as search_entries ranks, on the collection's own table.
    outer, model = connection.ops.quote_name(queryset.model._meta.db_table), queryset.model._meta
    column = model.get_field(key).column
    score, matching = _score(query, segmented, "s"), _matching(query, segmented, "s")
    rank = RawSQL(
        f"(SELECT {score.sql} FROM {SearchEntry._meta.db_table} s WHERE s.plan_id = {outer}.plan_id AND s.type = %s "
        f"AND s.{column} = {outer}.{column} AND {matching.sql} LIMIT 1)",
        (*score.params, type, *matching.params),
        output_field=FloatField(),
    )
    found = queryset.annotate(search_rank=rank).filter(search_rank__isnull=False)
    return FilteredCollection(found, query, plans)


# --- how a hit matched, suggestions ---------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _pattern(reading):
    """A regex for where the normalised reading occurs as search.text.chain matches it: its punctuation stands
    for any one character. Compiled once per reading in a process."""
    return re.compile("".join(re.escape(c) if c.isalnum() else "." for c in reading))


MATCH_ORDER = (TYPED, VARIANT, REGIONAL, NUMBER, ALIAS)


def match_of(entry, query, segmented):
    """Which interpretation found the entry: typed, variant, regional, number or alias (the first reading found in
    its text, in that order), else segmented."""
    text = entry.title_norm + "\n" + entry.body_norm
    found, found_rank = None, len(MATCH_ORDER) + 1
    for group in query.groups:
        for term in group:
            for reading in term.readings:
                how = reading.how.split("+")[0]
                rank = MATCH_ORDER.index(how) if how in MATCH_ORDER else len(MATCH_ORDER)
                # Only a reading that would come first is looked for; typed comes before everything.
                if rank < found_rank and _pattern(reading.text).search(text):
                    found, found_rank = how, rank
                    if rank == 0:
                        return found
    if found is None:
        return SEGMENTED if entry.pk in segmented else TYPED
    return found


def suggestions(query, lexicon, *, plans=None, limit=MAX_SUGGESTIONS):
    """Up to `limit` words the plans contain near what was typed, for a query that found nothing: the plans'
    dictionary words and alias targets sharing the most characters with a term, then the typed words that do
    occur on their own."""
    typed = [r.text for group in query.groups for t in group for r in t.readings[:1]]
    if not typed:
        return []
    candidates = set(lexicon.words) | {target for targets in lexicon.aliases.values() for target in targets}
    scored = []
    for word in candidates:
        shared = max(len(set(word) & set(text)) for text in typed)
        if shared:
            # Most shared characters; then words sharing a two-character piece; then the shorter word.
            pieces = max(sum(1 for i in range(len(t) - 1) if t[i : i + 2] in word) for t in typed)
            scored.append((-shared, -pieces, len(word), word))
    found = [word for *_, word in sorted(scored)]
    words = [w for group in query.groups for t in group for s in t.segmentations[:1] for w in s.words]
    existing = []
    if len(found) < limit and words:
        tsqueries = {word: chain(word) for word in dict.fromkeys(words) if len(word) > 1}
        looked_for = [(word, tsquery) for word, tsquery in tsqueries.items() if tsquery]
        if looked_for:
            present = held([tsquery for _, tsquery in looked_for], plan_ids(plans), None)
            existing = [word for index, (word, _) in enumerate(looked_for) if index in present]
    return list(dict.fromkeys(found + existing))[:limit]
