"""The search page: results with highlighted snippets that lead to the paragraph, filters, paging, messages."""

import re

from tests.conftest import PLAN


def results(html):
    """(link, title) of each result, in order."""
    return re.findall(r'<h3><a href="([^"]+)">([^<]+)</a></h3>', html)


def test_a_search_in_simplified_shows_highlighted_results_that_link_to_the_paragraph(
    browser_client, django_assert_num_queries
):
    # The search keeps, once read, the plans' lexicon and which plans have a ranking of a word (养老 has one).
    browser_client.get("/search/", {"q": "养老"})
    # the plans (for the filter); the page of results with their count; the paragraphs of the articles stating the
    # goals among them (an article's hit names its own paragraph)
    with django_assert_num_queries(3):
        response = browser_client.get("/search/", {"q": "养老", "script": "zh-Hans"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert '<span class="count">7</span>' in html
    found = results(html)
    assert found[0] == (f"/plans/{PLAN}/initiatives/jin-pai-yang-lao/?script=zh-Hans", "津牌养老")
    assert (f"/plans/{PLAN}/articles/40/?script=zh-Hans#p1", "健全人口高质量发展支持和服务体系") in found
    # A goal's hit leads to the paragraph of its article that holds the word.
    assert (f"/plans/{PLAN}/articles/6/?script=zh-Hans#p6", "人民生活品质不断提高") in found
    assert "…健全<mark>养老</mark>事业和产业协同发展政策机制" in html
    assert '<span class="type">举措</span>' in html  # the interface is in the page's script too
    # How the query was read: the words it looked for.
    assert "查询解读（简繁通用）：</p>\n    <ul><li><mark>养老</mark></li>" in html


def test_traditional_and_simplified_queries_find_the_same_results(browser_client):
    simplified = results(browser_client.get("/search/", {"q": "养老"}).content.decode())
    traditional = results(browser_client.get("/search/", {"q": "養老"}).content.decode())
    assert simplified == traditional and len(simplified) == 7


def test_results_can_be_filtered_by_kind_and_by_chapter(browser_client):
    only_goals = results(browser_client.get("/search/", {"q": "养老", "type": "goal"}).content.decode())
    assert [title for _, title in only_goals] == ["人民生活品質不斷提高"]
    in_chapter_9 = browser_client.get("/search/", {"q": "养老", "plan": PLAN, "chapter": "9"}).content.decode()
    assert [title for _, title in results(in_chapter_9)] == [
        "津牌養老",
        "健全人口高質量發展支持和服務體系",
        "構建更加完善的社會保障體系",
    ]
    assert '<option value="9" selected>' in in_chapter_9


def test_a_common_word_can_be_searched_within_a_chapter(browser_client):
    # 发展 is in most documents: its ranking is precomputed, which a chapter's filter must not bypass
    response = browser_client.get("/search/", {"q": "发展", "plan": PLAN, "chapter": "3"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="count">7</span>' in html
    links = [link for link, _ in results(html)]
    # the chapter itself first (its title names the topic), then its initiatives and articles
    assert links[0] == f"/plans/{PLAN}/chapters/3/#p1"
    assert links[-3:] == [f"/plans/{PLAN}/articles/{n}/#p1" for n in (7, 8, 9)]


def test_results_come_twenty_to_a_page_with_links_to_the_others(browser_client):
    first = browser_client.get("/search/", {"q": "发展"}).content.decode()
    assert len(results(first)) == 20
    assert 'rel="next" href="?q=%E5%8F%91%E5%B1%95&amp;page=2"' in first
    second = browser_client.get("/search/", {"q": "发展", "page": "2"}).content.decode()
    assert '<ol class="results" start="21">' in second
    assert results(second)[0] not in results(first)


def test_a_query_that_cannot_be_searched_gives_the_search_page_with_a_message(browser_client):
    response = browser_client.get("/search/", {"q": "-交通"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert '<div class="message" id="search-message" role="alert">' in html
    assert "the query has nothing to search for" in html
    assert 'value="-交通"' in html  # the query is kept, to correct it


def test_bad_filters_and_pages_give_the_search_page_with_a_message_not_an_error(browser_client):
    for query, message in [
        ({"q": "养老", "type": "poem"}, "unknown type &#x27;poem&#x27;"),
        ({"q": "养老", "plan": "no-such-plan"}, "no plan with slug &#x27;no-such-plan&#x27;"),
        ({"q": "养老", "chapter": "3"}, "choose a plan before a chapter"),
        ({"q": "养老", "plan": PLAN, "chapter": "99"}, "no chapter &#x27;99&#x27; in this plan"),
        ({"q": "养老", "page": "x"}, "page must be a whole number from 1"),
    ]:
        response = browser_client.get("/search/", query)
        assert response.status_code == 400, query
        assert message in response.content.decode(), query
    assert browser_client.get("/search/", {"q": "养老", "page": "9"}).status_code == 404


def test_an_overlong_query_gives_a_page_for_people_too(browser_client):
    response = browser_client.get("/search/", {"q": "养" * 201})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "at most 200 are allowed" in response.content.decode()


def test_a_search_with_no_results_says_so_and_suggests_what_to_try(browser_client):
    html = browser_client.get("/search/", {"q": "量子计算机"}).content.decode()
    assert '<span class="count">0</span>' in html
    assert "<h3>沒有找到結果</h3>" in html
    assert f'<a href="/plans/{PLAN}/terms/">瀏覽常用詞' in html


def test_the_empty_search_page_shows_the_form_and_no_results(browser_client):
    response = browser_client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<input id="q" name="q" type="search"' in html
    assert "results-title" not in html and 'role="alert"' not in html


def test_the_page_says_how_a_query_typed_in_other_words_was_read_and_which_reading_found_each_result(browser_client):
    html = browser_client.get("/search/", {"q": "托育服务", "script": "zh-Hans"}).content.decode()
    # Written apart in the plan (普惠托育和托幼一体化服务): found by its words in one clause.
    assert "不连写时，同一句中 托育 + 服务" in html
    assert '<span class="match">经分词相近</span>' in html
    regional = browser_client.get("/search/", {"q": "軟體", "script": "zh-Hans"}).content.decode()
    assert "也搜索 软件（地区用语）" in regional


def test_a_query_that_finds_nothing_offers_words_the_plan_does_contain(browser_client):
    html = browser_client.get("/search/", {"q": "托育园", "script": "zh-Hans"}).content.decode()
    assert '<span class="count">0</span>' in html
    assert "您是否要找" in html
