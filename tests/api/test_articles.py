import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.text import ARTICLES, CHAPTERS, LINES, PLAN, RAW_LINES, lead_sentence

BASE = f"http://testserver/api/v1/plans/{PLAN}"
ARTICLES_URL = f"/api/v1/plans/{PLAN}/articles/"


def all_articles(api, query=""):
    """Every article, following `next` links through pages of 5."""
    url, results = f"{ARTICLES_URL}?page_size=5{query}", []
    while url:
        body = api.get(url).json()
        results.extend(body["results"])
        url = body["next"]
    return results


def test_there_are_fifty_two_articles_numbered_as_in_the_text(api):
    body = api.get(f"{ARTICLES_URL}?page_size=100").json()
    numbered_lines = [int(m[1]) for line in RAW_LINES if (m := re.match(r"^(\d+)\.", line))]
    assert body["count"] == 52 == len(numbered_lines)
    assert [a["number"] for a in body["results"]] == numbered_lines == list(range(1, 53))


def test_each_article_has_its_chapter_title_and_paragraphs_from_the_text(api):
    results = api.get(f"{ARTICLES_URL}?page_size=100").json()["results"]
    chapters = {c["number"]: c for c in CHAPTERS}
    for article, expected in zip(results, ARTICLES, strict=True):
        assert article["url"] == f"{BASE}/articles/{expected['number']}/"
        assert article["plan"] == PLAN
        assert article["chapter"] == {
            "url": f"{BASE}/chapters/{expected['chapter']}/",
            "number": expected["chapter"],
            "numeral": chapters[expected["chapter"]]["numeral"],
            "title": chapters[expected["chapter"]]["title"],
        }
        # The title is the lead sentence without its number and final 。; the first paragraph starts with it.
        assert article["title"] == lead_sentence(expected["paragraphs"][0])
        assert article["paragraphs"][0].startswith(article["title"] + "。")
        assert not re.match(r"^\d+\.", article["paragraphs"][0])
        assert article["paragraphs"] == expected["paragraphs"]
        start = LINES.index(f"{expected['number']}.{expected['paragraphs'][0]}") + 1
        assert article["lines"] == {"start": start, "end": start + len(expected["paragraphs"]) - 1}


def test_article_one_is_titled_with_its_corrected_lead_sentence(api):
    article = api.get(f"{ARTICLES_URL}1/").json()
    assert article["title"] == "“十四五”時期我市經濟社會發展取得顯著成效"
    assert article["paragraphs"][0].startswith("“十四五”時期我市經濟社會發展取得顯著成效。“十四五”時期是我市發展進程中")


def test_articles_three_five_six_and_forty_nine_run_over_several_paragraphs(api):
    results = api.get(f"{ARTICLES_URL}?page_size=100").json()["results"]
    several = {a["number"]: len(a["paragraphs"]) for a in results if len(a["paragraphs"]) > 1}
    assert several == {3: 2, 5: 7, 6: 9, 49: 2}
    article3 = results[2]
    assert article3["paragraphs"][1].startswith("我們要深刻領悟")
    assert article3["paragraphs"][1] == RAW_LINES[7]


def test_the_closing_line_belongs_to_the_plan_not_to_article_fifty_two(api):
    article52 = api.get(f"{ARTICLES_URL}52/").json()
    assert article52["paragraphs"] == [RAW_LINES[92][len("52.") :]]
    assert all("奮斗成就事業" not in p for p in article52["paragraphs"])
    assert api.get(f"/api/v1/plans/{PLAN}/").json()["closing"] == [RAW_LINES[93]]
    assert RAW_LINES[93].startswith("奮斗成就事業,實干開創未來。")


def test_article_five_links_its_principles_and_article_six_its_goals(api):
    article5 = api.get(f"{ARTICLES_URL}5/").json()
    article6 = api.get(f"{ARTICLES_URL}6/").json()
    assert [p["number"] for p in article5["principles"]] == [1, 2, 3, 4, 5, 6]
    assert article5["goals"] == []
    assert [(g["number"], g["horizon"]) for g in article6["goals"]] == [(n, 2030) for n in range(1, 8)] + [(8, 2035)]
    assert article6["goals"][7]["url"] == f"{BASE}/goals/8/"


def test_article_lists_the_initiatives_it_names_with_counts(api):
    article = api.get(f"{ARTICLES_URL}12/").json()
    names = {i["name"]: i["count"] for i in article["initiatives"]}
    paragraphs = "".join(article["paragraphs"])
    assert names["天開高教科創園"] == paragraphs.count("天開高教科創園") >= 1
    assert all(paragraphs.count(name) == count for name, count in names.items())


def test_articles_filtered_by_chapter_lists_only_that_chapter(api):
    body = api.get(f"{ARTICLES_URL}?chapter=4").json()
    assert [a["number"] for a in body["results"]] == [a["number"] for a in ARTICLES if a["chapter"] == 4]
    assert {a["chapter"]["number"] for a in body["results"]} == {4}
    assert api.get(f"{ARTICLES_URL}?chapter=13").json()["count"] == 0


def test_articles_filtered_by_number_range(api):
    body = api.get(f"{ARTICLES_URL}?number_min=10&number_max=14").json()
    assert [a["number"] for a in body["results"]] == [10, 11, 12, 13, 14]
    assert api.get(f"{ARTICLES_URL}?number_min=50").json()["count"] == 3
    assert api.get(f"{ARTICLES_URL}?number_max=3").json()["count"] == 3
    assert api.get(f"{ARTICLES_URL}?number_min=20&number_max=10").json()["count"] == 0


def test_articles_filtered_by_initiative_are_those_that_name_it(api):
    body = api.get(f"{ARTICLES_URL}?initiative=hai-he-shi-yan-shi").json()
    expected = [a["number"] for a in ARTICLES if any("海河實驗室" in p for p in a["paragraphs"])]
    assert expected and [a["number"] for a in body["results"]] == expected
    assert api.get(f"{ARTICLES_URL}?initiative=no-such-initiative").json()["count"] == 0


def test_article_filters_combine(api):
    body = api.get(f"{ARTICLES_URL}?chapter=4&number_min=12&initiative=tian-kai-gao-jiao-ke-chuang-yuan").json()
    expected = [
        a["number"]
        for a in ARTICLES
        if a["chapter"] == 4 and a["number"] >= 12 and any("天開高教科創園" in p for p in a["paragraphs"])
    ]
    assert [a["number"] for a in body["results"]] == expected


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("number", lambda a: a["number"]),
        ("-number", lambda a: -a["number"]),
        ("chapter", lambda a: (a["chapter"], a["number"])),
        ("-chapter", lambda a: (-a["chapter"], a["number"])),
    ],
)
def test_articles_ordered_across_pages_list_each_article_once(api, ordering, key):
    results = all_articles(api, f"&ordering={ordering}")
    assert [a["number"] for a in results] == [a["number"] for a in sorted(ARTICLES, key=key)]


def test_articles_ordered_by_title_reverse_with_minus_title(api):
    # How Chinese titles compare depends on the database's collation, so only the relation is checked.
    by_title = [a["title"] for a in all_articles(api, "&ordering=title")]
    assert sorted(by_title) == sorted(lead_sentence(a["paragraphs"][0]) for a in ARTICLES)
    assert [a["title"] for a in all_articles(api, "&ordering=-title")] == by_title[::-1]
    assert by_title != [lead_sentence(a["paragraphs"][0]) for a in ARTICLES]


def test_article_pages_link_to_each_other(api):
    first = api.get(f"{ARTICLES_URL}?page_size=20").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (52, 20, None)
    assert first["next"] == f"{BASE}/articles/?page=2&page_size=20"
    second = api.get(first["next"]).json()
    assert second["previous"] == f"{BASE}/articles/?page_size=20"
    last = api.get(second["next"]).json()
    assert ([a["number"] for a in last["results"]], last["next"]) == (list(range(41, 53)), None)
    assert api.get(f"{ARTICLES_URL}").json()["next"] == f"{BASE}/articles/?page=2"  # 20 a page by default
    assert len(api.get(f"{ARTICLES_URL}?page_size=100").json()["results"]) == 52


def test_every_article_url_answers_with_that_article(api):
    for article in api.get(f"{ARTICLES_URL}?page_size=100").json()["results"]:
        response = api.get(article["url"])
        assert response.status_code == 200
        assert response.json() == article


def test_article_list_takes_six_queries_whatever_the_page_size(api, computed_by_views, django_assert_num_queries):
    # 1. the plan by slug, 2. COUNT of its articles, 3. the page of articles JOIN plan, chapter, chapter's plan,
    # 4. their principles JOIN plan, 5. their goals JOIN plan, 6. their mentions JOIN initiative, its plan
    for size in (5, 50):
        with django_assert_num_queries(6):
            assert api.get(f"{ARTICLES_URL}?page_size={size}").status_code == 200


def test_article_list_filtered_by_initiative_costs_no_more_queries(api, computed_by_views, django_assert_num_queries):
    with django_assert_num_queries(6):
        assert api.get(f"{ARTICLES_URL}?initiative=shi-xiang-xing-dong&page_size=50").status_code == 200


def test_article_detail_takes_five_queries(api, computed_by_views, django_assert_num_queries):
    # 1. the plan by slug, 2. the article JOIN plan, chapter, chapter's plan, 3. principles, 4. goals, 5. mentions
    with django_assert_num_queries(5):
        assert api.get(f"{ARTICLES_URL}6/").status_code == 200


def test_article_pages_of_five_and_fifty_cost_the_same_queries(api):
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            api.get(f"{ARTICLES_URL}?page_size={size}")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_page_links_keep_a_query_sent_as_raw_utf8(api):
    # curl '…?q=发展' sends the characters unescaped; the links must search for the same words.
    response = api.generic(
        "GET",
        "/api/v1/plans/tianjin-15th-fyp-proposals/articles/",
        QUERY_STRING="q=发展&page_size=5".encode().decode("latin-1"),
    )
    assert response.status_code == 200
    following = api.get(response.json()["next"])
    assert following.status_code == 200
    assert following.json()["count"] == response.json()["count"]
    assert "q=%E5%8F%91%E5%B1%95" in response.json()["next"]
