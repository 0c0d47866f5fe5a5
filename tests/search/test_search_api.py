"""The search endpoint and `q` on collections: shape, scripts, syntax, ranking, snippets and errors."""

import re

import pytest
from rest_framework.request import Request
from rest_framework.serializers import Serializer
from rest_framework.versioning import URLPathVersioning

from search.api.serializers import SearchResultSerializer, SearchResultTableSerializer
from search.models import SearchEntry
from search.selectors import plan_corpus, search_entries
from tests.conftest import PLAN

SEARCH = "/api/v1/search/"


def search(api, **params):
    response = api.get(SEARCH, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_search_result_carries_type_plan_identifier_title_url_score_and_snippet(api):
    body = search(api, q="海河实验室")
    assert body["count"] == 2
    initiative, article = body["results"]
    assert initiative == {
        "type": "initiative",
        "plan": PLAN,
        "number": None,
        "slug": "hai-he-shi-yan-shi",
        "title": "海河實驗室",
        "url": f"http://testserver/api/v1/plans/{PLAN}/initiatives/hai-he-shi-yan-shi/",
        "score": initiative["score"],
        "snippet": "<mark>海河實驗室</mark>",
        "paragraph": None,
        "paragraph_url": None,
        "match": "typed",
    }
    assert article["type"] == "article" and article["slug"] is None
    assert article["url"] == f"http://testserver/api/v1/plans/{PLAN}/articles/{article['number']}/"
    assert initiative["score"] > article["score"] > 0
    assert api.get(article["url"]).status_code == 200


def test_result_urls_follow_each_requests_origin(api, settings):
    # A result URL is reversed once per type and plan in a process, then reused: never across hosts or schemes.
    # Each request searches for another word, so that the response cache cannot answer it.
    settings.ALLOWED_HOSTS = ["data.example.org", "testserver"]
    articles = f"/api/v1/plans/{PLAN}/articles/"
    asked = [
        ("海河实验室", {}, f"http://testserver{articles}"),
        ("新质生产力", {"HTTP_HOST": "data.example.org"}, f"http://data.example.org{articles}"),
        ("碳达峰", {"HTTP_HOST": "data.example.org", "secure": True}, f"https://data.example.org{articles}"),
        ("京津冀", {}, f"http://testserver{articles}"),
    ]
    for q, headers, origin in asked:
        response = api.get("/api/v1/search/", {"q": q, "type": "article"}, **headers)
        assert response["X-Cache"] != "HIT"
        urls = [r["url"] for r in response.json()["results"]]
        assert urls and all(url.startswith(origin) for url in urls), (q, headers, urls[0])


@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("新质生产力", "新質生產力"),
        ("碳达峰", "碳達峯"),
        ("先进制造业", "先進製造業"),
        ("天开高教科创园", "天開高教科創園"),
    ],
)
def test_simplified_and_traditional_queries_give_identical_responses(api, simplified, traditional):
    hans = search(api, q=simplified, page_size=100)
    hant = search(api, q=traditional, page_size=100)
    assert hans["count"] > 0
    # Only the interpretation echoes what was typed; it reads both the same.
    assert [t["typed"] for t in hant["interpretation"]["terms"]] == [traditional]
    assert hans["interpretation"]["terms"][0]["readings"][0] == hant["interpretation"]["terms"][0]["readings"][0]
    del hans["interpretation"], hant["interpretation"]
    assert hans == hant


def test_snippet_marks_the_text_as_written_in_traditional_characters(api):
    result = search(api, q="新质生产力", type="article")["results"][0]
    assert "<mark>新質生產力</mark>" in result["snippet"]


def test_sub_word_finds_the_named_park_and_marks_only_the_sub_word(api):
    body = search(api, q="科创", type="initiative")
    assert [r["slug"] for r in body["results"]] == ["tian-kai-gao-jiao-ke-chuang-yuan"]
    assert body["results"][0]["snippet"] == "天開高教<mark>科創</mark>園"


def test_snippets_are_whole_clauses_with_balanced_marks(api):
    for result in search(api, q="发展 京津冀", page_size=100)["results"]:
        text = result["snippet"]
        assert text.count("<mark>") == text.count("</mark>") >= 1
        assert re.fullmatch(r"(?:[^<]|<mark>[^<]+</mark>)+", text), text
        inner = text.removeprefix("…").removesuffix("…")
        # A passage starts at a clause and ends after punctuation (or at the end of the text).
        if text.startswith("…"):
            assert not inner.startswith(("<mark>發展", "展"))
        if text.endswith("…"):
            assert inner[-1] in "。;；,，、:：!?！？", text


def test_title_hit_outranks_body_hits(api):
    # 海 is in article 26's title (建设海洋强市); the other articles name it in their bodies.
    results = search(api, q="海", type="article")["results"]
    assert results[0]["number"] == 26


def test_types_and_plans_filter_results_and_accept_several_values(api):
    everything = search(api, q="就业", page_size=100)
    types = {r["type"] for r in everything["results"]}
    assert {"article", "goal"} <= types
    goals = search(api, q="就业", type="goal")
    assert {r["type"] for r in goals["results"]} == {"goal"}
    both = search(api, q="就业", type=["goal", "article"], plan=PLAN, page_size=100)
    commas = search(api, q="就业", type="goal,article", page_size=100)
    assert both == commas
    assert both["count"] == sum(1 for r in everything["results"] if r["type"] in ("goal", "article"))


def test_results_are_paginated_best_first(api):
    first = search(api, q="发展", page_size=10)
    second = api.get(first["next"]).json()
    scores = [r["score"] for r in first["results"] + second["results"]]
    assert first["count"] > 20
    assert scores == sorted(scores, reverse=True)
    assert not {r["url"] for r in first["results"]} & {r["url"] for r in second["results"]}


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "the query is empty"),
        ("   ", "the query is empty"),
        ("发" * 201, "is 201 characters long; at most 200 are allowed"),
        ("，。!?&|", "the query has nothing to search for"),
        ("-京津冀", "the query has nothing to search for"),
    ],
)
def test_bad_queries_are_400_problems_naming_q(api, q, message):
    response = api.get(SEARCH, {"q": q})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert message in response.json()["errors"]["q"][0]


def test_missing_q_and_nul_byte_are_400(api):
    assert api.get(SEARCH).status_code == 400
    response = api.get(SEARCH + "?q=%E5%8F%91%00")
    assert response.status_code == 400
    assert "q" in response.json()["errors"]


def test_an_unknown_type_is_a_400_and_an_unknown_plan_a_404(api):
    unknown_type = api.get(SEARCH, {"q": "发展", "type": "chapterz"})
    assert unknown_type.status_code == 400
    assert unknown_type.json()["errors"]["type"][0].startswith("unknown type")
    unknown_plan = api.get(SEARCH, {"q": "发展", "plan": "nope"})
    assert unknown_plan.status_code == 404
    assert unknown_plan["Content-Type"] == "application/problem+json"
    assert unknown_plan.json()["detail"] == "No plan with slug 'nope'."


@pytest.mark.parametrize(
    "q", ["京津冀 & 交通", "京津冀|交通", "!京津冀 交通", "京津冀:* 交通", "京津冀 <-> 交通", "京津冀'\\ 交通"]
)
def test_tsquery_operators_typed_by_a_user_are_plain_separators(api, q):
    assert search(api, q=q, type="article")["count"] == search(api, q="京津冀 交通", type="article")["count"] == 2


def test_or_with_nothing_to_join_is_searched_as_a_word(api):
    assert search(api, q="OR")["count"] == 0
    assert (
        search(api, q="港 OR", type="article")
        == search(api, q="港 or", type="article")
        == search(api, q="港", type="article")
    )


def test_unbalanced_quote_is_a_phrase_to_the_end(api):
    assert search(api, q='"绿色金融', type="article") == search(api, q='"绿色金融"', type="article")


def test_collections_accept_q_best_first_and_keep_their_shape(api, plan_url):
    articles = api.get(plan_url + "articles/", {"q": "港"}).json()
    assert articles["results"][0]["number"] == 25
    assert "paragraphs" in articles["results"][0]
    ordered = api.get(plan_url + "articles/", {"q": "港", "ordering": "number"}).json()
    assert [a["number"] for a in ordered["results"]] == sorted(a["number"] for a in articles["results"])
    goals = api.get(plan_url + "goals/", {"q": "就業"}).json()
    assert [g["number"] for g in goals["results"]] == [5]
    initiatives = api.get(plan_url + "initiatives/", {"q": "科創"}).json()
    assert [i["slug"] for i in initiatives["results"]] == ["tian-kai-gao-jiao-ke-chuang-yuan"]
    assert api.get(plan_url + "articles/", {"q": "。。"}).status_code == 400
    empty = api.get(plan_url + "goals/", {"q": ""})
    assert empty.status_code == 400
    assert empty.json()["errors"] == {"q": ["the query is empty; type one or more words to search for"]}
    assert api.get(plan_url + "initiatives/", {"q": "x" * 201}).status_code == 400


def test_search_index_is_maintained_by_the_loader(api):
    from articles.models import Plan

    plan = Plan.objects.get(slug=PLAN)
    assert plan.search_entries.filter(type="article").count() == plan.articles.count()
    assert plan.search_entries.count() == (
        plan.articles.count()
        + plan.chapters.count()
        + plan.goals.count()
        + plan.principles.count()
        + plan.initiatives.count()
    )


def test_reindex_command_rebuilds_the_entries_and_search_still_finds_them(api):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("reindex_search", PLAN, stdout=out)
    assert out.getvalue().startswith(f"{PLAN}: refreshed (version ")
    assert SearchEntry.objects.filter(plan__slug=PLAN).count() == 197
    assert search(api, q="科创", type="article")["count"] == 5
    with pytest.raises(CommandError, match="no plan folder for nope"):
        call_command("reindex_search", "nope")


def test_snippet_stays_within_one_paragraph(api):
    for result in search(api, q="碳达峰", page_size=100)["results"]:
        assert "\n" not in result["snippet"]


def test_search_takes_three_queries_whatever_the_page_size(api, django_assert_num_queries):
    search(api, q="港", plan=PLAN)  # the plan's lexicon is read once per dataset version
    plan_corpus([PLAN]).coverage.clear()  # as is how many match a common word: read here, whatever ran before
    # 1. the plan slugs asked for exist; 2. count of matches; 3. the page, ranked, with its plan slugs
    with django_assert_num_queries(3):
        body = search(api, q="发展", plan=PLAN, page_size=100)
    assert len(body["results"]) == body["count"] == 74


@pytest.mark.parametrize(
    ("q", "status"),
    [
        ('"', 400),
        ('""', 400),
        ('-"', 400),
        ("OR OR", 200),
        ("- -", 400),
        ('"-交通"', 200),
        ('京津冀 -"', 200),
        ("((港))", 200),
        ("港:*", 200),
        ("'港'", 200),
        ("港\\", 200),
        ("港 OR -交通", 200),
        ("\t港\n", 200),
    ],
)
def test_odd_queries_are_answered_never_a_500(api, q, status):
    response = api.get(SEARCH, {"q": q})
    assert response.status_code == status, response.content


def test_words_typed_with_a_space_inside_quotes_must_stand_side_by_side(api):
    def numbers(q):
        return [r["number"] for r in api.get(SEARCH, {"q": q, "type": "article", "page_size": 100}).json()["results"]]

    assert numbers('"京津冀 协同"') == numbers('"京津冀协同"') == numbers("京津冀协同")
    assert numbers('"京津冀 协同"') != []
    assert numbers('"京津冀 交通"') == []  # both words occur, never side by side


def test_a_page_and_its_count_come_in_one_query(api, django_assert_num_queries):
    search(api, q="港", plan=PLAN)
    # 1. the plan exists; 2. the page, ranked, with the count of all matches beside it (two words either of which
    # may match: no plan has a ranking of that precomputed)
    with django_assert_num_queries(2):
        body = search(api, q="养老 OR 托育", plan=PLAN, page_size=2)
    assert body["count"] == 7 and len(body["results"]) == 2
    assert body["next"].endswith(
        "page=2&page_size=2&plan=tianjin-15th-fyp-proposals&q=%E5%85%BB%E8%80%81+OR+%E6%89%98%E8%82%B2"
    )


@pytest.mark.parametrize("page", ["5", "3000000000", "9223372036854775808", "1" + "0" * 40])
def test_a_page_past_the_last_is_counted_to_say_so(api, page):
    assert search(api, q="养老", plan=PLAN, page=4, page_size=2)["count"] == 7  # the last page: one result
    response = api.get("/api/v1/search/", {"q": "养老", "plan": PLAN, "page": page, "page_size": 2})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_words_typed_together_need_one_more_query_for_their_sentences(api, django_assert_num_queries):
    search(api, q="港", plan=PLAN)
    # 1. the plan exists; 2. the sentences holding every word; 3. the page and the count
    with django_assert_num_queries(3):
        body = search(api, q="托育服务", plan=PLAN)
    assert [r["number"] for r in body["results"]] == [40]


def article_paragraphs(api, number):
    return api.get(f"/api/v1/plans/{PLAN}/articles/{number}/").json()["paragraphs"]


def test_a_hit_found_through_its_words_names_its_paragraph_and_marks_every_word(api):
    (result,) = search(api, q="托育服务", type="article")["results"]
    paragraphs = article_paragraphs(api, 40)
    n = next(i for i, text in enumerate(paragraphs, start=1) if "托育和托幼一體化服務" in text)
    assert result["number"] == 40
    assert result["match"] == "segmented"
    assert result["paragraph"] == n
    assert result["paragraph_url"] == f"http://testserver/api/v1/plans/{PLAN}/articles/40/#p{n}"
    assert "<mark>托育</mark>和托幼一體化<mark>服務</mark>" in result["snippet"]


def test_a_hit_in_a_later_paragraph_names_that_paragraph(api):
    (result,) = search(api, q="2035年", type="article")["results"]
    paragraphs = article_paragraphs(api, 6)
    n = next(i for i, text in enumerate(paragraphs, start=1) if "二〇三五年" in text)
    assert n > 1
    assert (result["number"], result["paragraph"], result["match"]) == (6, n, "number")
    assert result["paragraph_url"].endswith(f"/articles/6/#p{n}")
    assert "<mark>二〇三五年</mark>" in result["snippet"]


@pytest.mark.parametrize(
    ("q", "match"),
    [("新质生产力", "typed"), ("民企", "alias"), ("軟體", "regional"), ("着力解决", "variant"), ("延长30年", "number")],
)
def test_each_result_says_which_reading_found_it(api, q, match):
    results = search(api, q=q, type="article")["results"]
    assert results
    assert {r["match"] for r in results} == {match}


def test_the_response_says_how_the_query_was_read(api):
    body = search(api, q="民企 -交通")
    assert body["interpretation"] == {
        "terms": [
            {
                "typed": "民企",
                "phrase": False,
                "alternatives": False,
                "readings": [{"text": "民企", "how": "typed"}, {"text": "民营企业", "how": "alias", "alias": "民企"}],
                "segmented": [],
            }
        ],
        "excluded": ["交通"],
    }
    assert body["suggestions"] == []


@pytest.mark.parametrize("q", ["海关", "金融危机", "异地就医", "足球"])
def test_a_topic_the_plan_does_not_mention_finds_nothing_and_suggests_words_it_does_contain(api, q):
    body = search(api, q=q)
    assert body["count"] == 0 and body["results"] == []
    assert 1 <= len(body["suggestions"]) <= 5
    for word in body["suggestions"]:
        assert search(api, q=f'"{word}"')["count"] > 0, word


def test_snippet_escapes_the_text_around_its_marks(api):
    # 12345熱線 sits in text with ASCII punctuation; every mark is balanced and the rest plain text.
    for result in search(api, q="托育服务 OR 充电桩建设 OR 数据交易", page_size=100)["results"]:
        assert re.fullmatch(r"(?:[^<>&]|&(?:amp|lt|gt);|<mark>[^<]+</mark>)+", result["snippet"]), result["snippet"]


def test_collections_read_q_the_same_way(api, plan_url):
    articles = api.get(plan_url + "articles/", {"q": "托育服务"}).json()
    assert [a["number"] for a in articles["results"]] == [40]
    assert [a["number"] for a in api.get(plan_url + "articles/", {"q": "民企"}).json()["results"]] == [20]
    assert api.get(plan_url + "articles/", {"q": "海关"}).json()["count"] == 0


def test_the_openapi_document_describes_paragraph_interpretation_and_suggestions(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    response = schema["paths"]["/api/v1/search/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert response == {"$ref": "#/components/schemas/SearchResponse"}
    assert {"count", "next", "previous", "results", "interpretation", "suggestions"} <= set(
        components["SearchResponse"]["properties"]
    )
    result = components["SearchResult"]["properties"]
    assert {"paragraph", "paragraph_url", "match"} <= set(result)
    assert components["MatchEnum"]["enum"] == ["typed", "variant", "regional", "number", "alias", "segmented"]


def test_a_collection_searched_with_q_says_how_it_was_read(api, plan_url):
    found = api.get(plan_url + "articles/", {"q": "民企"}).json()
    assert [r["how"] for r in found["interpretation"]["terms"][0]["readings"]] == ["typed", "alias"]
    assert found["suggestions"] == []
    nothing = api.get(plan_url + "articles/", {"q": "海关"}).json()
    assert nothing["count"] == 0 and nothing["suggestions"]
    assert "interpretation" not in api.get(plan_url + "articles/").json()


@pytest.mark.parametrize(
    "q", ["发展", "托育服务", "科技金融", "人工智慧", "民企", "京津冀 -交通", "鲁班工坊 OR 枫桥经验"]
)
@pytest.mark.parametrize("serializer_class", [SearchResultSerializer, SearchResultTableSerializer])
def test_a_result_is_what_drf_makes_of_its_declared_fields(rf, q, serializer_class):
    # The serializers write a result in one pass; DRF's own to_representation reads the fields declared for the
    # schema one by one, through their get_<field>() methods. Both say the same.
    results = search_entries(q=q)
    rows, _ = results.entries.slice_and_count(0, 40)
    request = Request(rf.get("/api/v1/search/", {"q": q}))
    request.version, request.versioning_scheme = "v1", URLPathVersioning()
    context = {"request": request, "query": results.query, "segmented": results.segmented}
    serializer = serializer_class(context=context)
    assert rows
    for row in rows:
        fast = serializer.to_representation(row)
        assert fast == Serializer.to_representation(serializer, row)
        assert list(fast) == serializer_class.Meta.fields
