"""Ranking: the title or lead that names the topic first; a common word ranked through the plans' precomputed
rankings gives the very pages that ranking every match gives."""

import pytest
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from ingest.build import build_plan_folder
from ingest.pipeline import load_plan_folder
from search.interpret import interpret
from search.models import SearchEntry, SearchImpact, SearchLexicon, SearchPassage
from search.selectors import (
    HIT_COLUMNS,
    RankedEntries,
    Ranking,
    _like_patterns,
    _resolve_conversions,
    _segmented_hits,
    leave_out_absent_readings,
    plan_corpus,
    plan_ids,
    search_entries,
)
from tests import smallplan
from tests.conftest import PLAN


def page(entries, start, stop):
    return [(e.plan_slug, e.type, e.number, e.slug, round(e.score, 6)) for e in entries[start:stop]]


@pytest.fixture
def two_plans(tmp_path):
    """The plan and a small one, in which the common words are rare (so no ranking is precomputed for them)."""
    folder = smallplan.write_plan(tmp_path)
    build_plan_folder(folder)
    load_plan_folder(folder)


@pytest.mark.parametrize("q", ["发展", "建设", "港", "服务", "创新", "产业"])
@pytest.mark.parametrize("types", [None, ["article"], ["goal", "article"]])
def test_a_common_word_pages_as_ranking_every_match_does(two_plans, q, types):
    results = search_entries(q=q, types=types)
    assert isinstance(results.entries, RankedEntries)  # ranked in the first plan, rare in the small one
    full = results.entries.queryset
    assert results.entries.count() == full.count() > 0
    for start, stop in [(0, 20), (20, 40), (5, 12), (0, 100)]:
        assert page(results.entries, start, stop) == page(full, start, stop)


@pytest.mark.parametrize(
    "q",
    [
        "发展 -京津冀",
        "建设 -交通 -生态",
        "服务 -养老",
        "创新 -科技创新",
        "港 -天津",  # leaves out nearly everything
        '产业 -"新质生产力"',
        "发展 -量子计算机",  # an exclusion the plans never write: nothing left out
    ],
)
@pytest.mark.parametrize("types", [None, ["article"], ["goal", "article"]])
@pytest.mark.parametrize("plans", [None, [PLAN]])
def test_a_common_word_with_exclusions_pages_as_ranking_every_match_does(two_plans, q, types, plans):
    results = search_entries(q=q, types=types, plans=plans)
    assert isinstance(results.entries, RankedEntries)  # the word's rankings, less the excluded documents
    full = results.entries.queryset
    count = full.count()
    assert results.entries.count() == count
    for start, stop in [(0, 20), (20, 40), (5, 12), (0, 100), (count, count + 20)]:
        assert page(results.entries, start, stop) == page(full, start, stop)
        # What the API's paginator asks for: the page and how many match in all (past the end too).
        rows, total = search_entries(q=q, types=types, plans=plans).entries.slice_and_count(start, stop)
        assert (page(rows, 0, len(rows)), total) == (page(full, start, stop), count)


@pytest.mark.parametrize("q", ["自贸区", "民企", "AI", "双碳", "自贸区 -天津", "双碳 -碳中和"])
@pytest.mark.parametrize("types", [None, ["article"]])
@pytest.mark.parametrize("plans", [None, [PLAN]])
def test_an_alias_pages_through_its_precomputed_rankings_as_ranking_every_match_does(two_plans, q, types, plans):
    results = search_entries(q=q, types=types, plans=plans)
    assert results.query.groups[0][0].readings[1].how == "alias"
    assert isinstance(results.entries, RankedEntries)  # the plan ranked what the alias's readings match when loaded
    full = results.entries.queryset
    count = full.count()
    assert results.entries.count() == count
    for start, stop in [(0, 20), (2, 5), (0, 100), (count, count + 20)]:
        assert page(results.entries, start, stop) == page(full, start, stop)
        rows, total = search_entries(q=q, types=types, plans=plans).entries.slice_and_count(start, stop)
        assert (page(rows, 0, len(rows)), total) == (page(full, start, stop), count)


def ranking_every_reading(q, plans, types):
    """The matches of q, best first, as a search ranked them before it left out the readings the plans do not hold:
    every reading in the tsquery (the typed one's absence still decides which segmentations are kept)."""
    query, scope = interpret(q, plan_corpus(plans).lexicon), plan_ids(plans)
    terms = [term for group in query.groups for term in group]
    leave_out_absent_readings(terms, scope, types)
    _resolve_conversions(query)
    left_out = {term.typed: term.absent for term in terms if term.absent}
    for term in terms:
        term.absent = frozenset()
    segmented = _segmented_hits(query, scope, types) if query.segmented else [{} for _ in query.groups]
    return Ranking(query, segmented, scope, types).queryset(), left_out


def exact_page(entries, start, stop):
    return [(e.plan_slug, e.type, e.number, e.slug, e.score) for e in entries[start:stop]]


@pytest.mark.parametrize(
    "q",
    [
        "人工智慧",  # regional: the plans write 人工智能
        "網際網路",
        "數位經濟",
        "網路安全",
        "軟體",
        "着力",  # typed: the converted text writes 著力
        "着力解决",
        "民企",  # alias: the plans write 民营企业
        "自贸区",
        "天开园",
        "2035年",  # number: the plans write 二〇三五年
        "人工智慧 數位經濟",
        "網際網路 OR 人工智慧",
        "着力 -人工智慧",
    ],
)
def test_leaving_out_the_readings_no_document_holds_changes_no_page_count_or_score(two_plans, q):
    for types in (None, ["article"]):
        for plans in (None, [PLAN]):
            full, left_out = ranking_every_reading(q, plans, types)
            assert left_out  # something was left out: the comparison says something
            results = search_entries(q=q, types=types, plans=plans)
            count = full.count()
            assert results.entries.count() == count
            for start, stop in [(0, 20), (3, 9), (0, 100), (count, count + 20)]:
                # What the API's paginator asks for: the page, and how many match in all (None past the end).
                rows, total = search_entries(q=q, types=types, plans=plans).entries.slice_and_count(start, stop)
                assert exact_page(rows, 0, len(rows)) == exact_page(full, start, stop), (types, plans, start)
                assert total == count or (total is None and start >= count > 0)


def test_a_regional_word_pages_through_the_rankings_of_the_word_the_plans_write(two_plans):
    results = search_entries(q="人工智慧")
    (term,) = results.query.groups[0]
    assert term.absent == {"人工智慧"} and [r.text for r in term.searched] == ["人工智能"]
    assert isinstance(results.entries, RankedEntries)  # 人工智能's rankings: the words apart found nothing
    assert [r["text"] for r in results.query.describe()["terms"][0]["readings"]] == ["人工智慧", "人工智能"]


def test_a_search_with_exclusions_in_one_plan_is_three_queries(api, django_assert_num_queries):
    api.get("/api/v1/search/", {"q": "发展 -京津冀", "plan": PLAN})  # the plans' lexicon and versions, kept
    plan_corpus([PLAN]).coverage.clear()  # as is which plans rank a word: read here, whatever ran before
    with django_assert_num_queries(3):  # the plan, the word's rankings in it, and the page with its count
        response = api.get("/api/v1/search/", {"q": "建设 -交通", "plan": PLAN, "page_size": 5})
    body = response.json()
    assert response.status_code == 200 and len(body["results"]) == 5 and body["count"] > 5


def test_a_hit_holds_every_column_of_a_search_entry_but_its_index_terms():
    columns = {f.column for f in SearchEntry._meta.concrete_fields}
    assert sorted(HIT_COLUMNS) == sorted(columns - {"vector"})


def test_common_words_have_precomputed_rankings_and_rare_ones_none():
    terms = set(SearchImpact.objects.filter(plan__slug=PLAN, type="").values_list("term", flat=True))
    assert {"发展", "建设", "港", "养老", "科创"} <= terms  # 养老 and 科创: held by 7 documents each
    assert "鲁班工坊" not in terms
    assert not isinstance(search_entries(q="鲁班工坊").entries, RankedEntries)


@pytest.mark.parametrize(
    ("q", "first"),
    [("碳达峰", 42), ("风险化解", 45), ("文旅融合", 35), ("法治建设", 49), ("着力", 45)],
)
def test_the_article_whose_title_names_the_topic_comes_first(api, q, first):
    body = api.get("/api/v1/search/", {"q": q, "type": "article", "plan": PLAN}).json()
    assert body["results"][0]["number"] == first


def test_equal_ranks_put_the_shorter_document_first_not_the_lower_number(api):
    # 新质生产力 is named once in the body of each of 1, 4, 5, 6 and 30: the same rank.
    results = api.get("/api/v1/search/", {"q": "新质生产力", "type": "article", "plan": PLAN}).json()["results"]
    assert len({round(r["score"], 4) for r in results}) == 1

    def size(number):
        article = api.get(f"/api/v1/plans/{PLAN}/articles/{number}/").json()
        return len(article["title"]) + len("\n".join(article["paragraphs"]))

    sizes = [size(r["number"]) for r in results]
    assert sizes == sorted(sizes)
    assert [r["number"] for r in results] != sorted(r["number"] for r in results)


def test_a_sentence_holds_a_reading_by_its_text_exactly_where_its_index_terms_say():
    """The words apart skip the sentences that hold a reading as typed, asking their text (LIKE) rather than their
    index terms (search.text.like_pattern): the two must agree on every sentence. Readings cut from the
    plan's own sentences, with punctuation inside and at either end, plus a few typed ones."""
    passages = SearchPassage.objects.filter(plan__slug=PLAN)
    sentences = list(passages.values_list("text", flat=True))
    cuts = {
        text[start : start + length]
        for text in sentences[::7]
        for start in range(0, len(text), 23)
        for length in (2, 5, 9)
    }
    queries = sorted({cut for cut in cuts if cut.strip() and not cut.startswith("-")})
    queries += ['"R&D投入"', "京津冀,", "“高质量发展”", "2035年", "着力", "碳達峯", "港", "量子计算机"]
    lexicon = plan_corpus([PLAN]).lexicon
    checked = 0
    for q in queries:
        try:
            query = interpret(q, lexicon)
        except ValueError:
            continue  # nothing to search for
        for group in query.groups:
            tsquery, patterns = query.group_tsquery(group), _like_patterns(group)
            by_index = set(
                passages.filter(
                    RawSQL("search_searchpassage.vector @@ %s::tsquery", [tsquery], BooleanField())
                ).values_list("id", flat=True)
            )
            by_text = set(
                passages.filter(
                    RawSQL("search_searchpassage.text LIKE ANY(%s)", [patterns], BooleanField())
                ).values_list("id", flat=True)
            )
            assert by_text == by_index, (q, patterns, tsquery)
            checked += bool(by_index)
    assert checked > 300  # most readings are found somewhere: the comparison says something


def ranked_terms():
    """Every 64th term the plan ranked when it was loaded (30 of about 1,900): words, aliases and their readings."""
    (ranked,) = SearchLexicon.objects.filter(plan__slug=PLAN).values_list("ranked", flat=True)
    return sorted(ranked)[::64]


@pytest.mark.parametrize("types", [None, ["article"], ["goal", "article"], ["initiative"]])
def test_a_ranked_term_pages_through_the_ranked_page_function_as_ranking_every_match_does(types):
    # One plan, which ranked the term: the page is one call of search_ranked_page (search/migrations/0005), whose
    # statement PostgreSQL plans once per connection.
    checked = 0
    for term in ranked_terms():
        results = search_entries(q=f'"{term}"', types=types)
        if not isinstance(results.entries, RankedEntries):
            continue  # a phrase the rankings hold under another term's key (an alias's reading)
        full = results.entries.queryset
        count = results.entries.count()  # read once, from the rankings' lengths
        assert count == full.count()
        for start, stop in [(0, 20), (20, 40), (5, 12), (0, 100), (count, count + 20)]:
            with CaptureQueriesContext(connection) as queries:
                paged = page(results.entries, start, stop)
            assert [q["sql"].split("(")[0] for q in queries.captured_queries] == ["SELECT * FROM search_ranked_page"]
            assert paged == page(full, start, stop), (term, start, stop)
        checked += 1
    assert checked >= 20
