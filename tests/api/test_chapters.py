from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.text import ARTICLES, CHAPTERS, NUMERALS, PLAN

BASE = f"http://testserver/api/v1/plans/{PLAN}"


def expected_chapter(chapter):
    return {
        "url": f"{BASE}/chapters/{chapter['number']}/",
        "plan": PLAN,
        "number": chapter["number"],
        "numeral": chapter["numeral"],
        "title": chapter["title"],
        "intro": chapter["intro"],
        "article_numbers": [a["number"] for a in ARTICLES if a["chapter"] == chapter["number"]],
    }


def test_chapters_are_the_twelve_headings_of_the_text_in_order(api):
    response = api.get(f"/api/v1/plans/{PLAN}/chapters/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 12,
        "next": None,
        "previous": None,
        "results": [expected_chapter(chapter) for chapter in CHAPTERS],
    }
    assert [c["numeral"] for c in response.json()["results"]] == NUMERALS


def test_chapters_three_to_twelve_have_one_intro_paragraph_and_one_and_two_none(api):
    chapters = api.get(f"/api/v1/plans/{PLAN}/chapters/").json()["results"]
    assert [len(c["intro"]) for c in chapters] == [0, 0] + [1] * 10


def test_chapter_detail_lists_its_articles(api):
    response = api.get(f"/api/v1/plans/{PLAN}/chapters/3/")
    assert response.status_code == 200
    chapter = next(c for c in CHAPTERS if c["number"] == 3)
    assert response.json() == {
        **expected_chapter(chapter),
        "articles": [
            {"url": f"{BASE}/articles/{n}/", "number": n, "title": title}
            for n, title in [
                (7, "深度融入以首都為核心的世界級城市群建設"),
                (8, "全面加強協同創新和產業協作"),
                (9, "深化拓展重點領域合作"),
            ]
        ],
    }


def test_every_chapter_url_answers_with_that_chapter(api):
    for chapter in api.get(f"/api/v1/plans/{PLAN}/chapters/").json()["results"]:
        response = api.get(chapter["url"])
        assert response.status_code == 200
        assert response.json()["url"] == chapter["url"]
        assert [a["number"] for a in response.json()["articles"]] == chapter["article_numbers"]


def test_unknown_chapter_number_is_a_404(api):
    for number in ("13", "0", "abc", "1.5"):
        response = api.get(f"/api/v1/plans/{PLAN}/chapters/{number}/")
        assert response.status_code == 404
        assert response.json()["detail"].startswith(f"No chapter '{number}' in plan '{PLAN}'")


def test_chapter_list_takes_four_queries_whatever_the_page_size(api, computed_by_views, django_assert_num_queries):
    # 1. the plan by slug, 2. COUNT of its chapters, 3. the page of chapters JOIN plan,
    # 4. their articles JOIN plan (prefetch)
    for size in (5, 50):
        with django_assert_num_queries(4):
            assert api.get(f"/api/v1/plans/{PLAN}/chapters/?page_size={size}").status_code == 200


def test_chapter_detail_takes_three_queries(api, computed_by_views, django_assert_num_queries):
    # 1. the plan by slug, 2. the chapter JOIN plan, 3. its articles JOIN plan (prefetch)
    with django_assert_num_queries(3):
        assert api.get(f"/api/v1/plans/{PLAN}/chapters/12/").status_code == 200


def test_chapter_pages_of_five_and_fifty_cost_the_same_queries(api):
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            api.get(f"/api/v1/plans/{PLAN}/chapters/?page_size={size}")
        counts.append(len(queries))
    assert counts[0] == counts[1]
