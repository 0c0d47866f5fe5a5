"""The reading site's pages as a browser receives them: status, language, text, links and query counts."""

import re

import pytest

from plan_api import response_cache
from tests.conftest import PLAN

PLAN_PAGE = f"/plans/{PLAN}/"
ARTICLE = f"/plans/{PLAN}/articles/40/"


def text_of(response):
    return response.content.decode()


def test_the_index_lists_every_plan_with_its_issuer_adoption_period_and_counts(
    browser_client, django_assert_num_queries
):
    with django_assert_num_queries(1):  # the plans
        response = browser_client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = text_of(response)
    assert '<html lang="zh-Hant">' in html
    assert f'<a href="{PLAN_PAGE}">中共天津市委關于制定天津市國民經濟和社會發展第十五個五年規劃的建議</a>' in html
    assert "中共天津市委" in html and "2025-11-18" in html and "2026–2030" in html
    assert "12 章 · 52 條 · 6 項原則 · 8 項目標 · 119 項舉措" in html
    assert '<form class="big-search" role="search"' in html


def test_the_plan_page_has_contents_principles_goals_initiatives_errata_and_downloads(browser_client):
    html = text_of(browser_client.get(PLAN_PAGE))
    assert "<h1>中共天津市委關于制定天津市國民經濟和社會發展第十五個五年規劃的建議</h1>" in html
    assert "中國共產黨天津市第十二屆委員會第七次全體會議，<time" in html
    # Contents: every chapter, and every article under its chapter.
    assert len(re.findall(rf'href="/plans/{PLAN}/chapters/\d+/"', html)) == 12
    assert f'<a href="/plans/{PLAN}/articles/12/">（12）加強科創園區建設</a>' in html
    assert '<li id="principle-1"><strong>堅持黨的全面領導</strong>' in html
    assert "<li>碳達峰目標如期實現</li>" in html  # a goal's target
    assert '<h3 id="kind-fund">基金 <span class="count">2</span></h3>' in html
    assert f'<a href="/plans/{PLAN}/initiatives/lu-ban-gong-fang/">魯班工坊</a>' in html
    # Errata: what was received (never converted) and what is served.
    assert (
        '<td lang="zh-Hant"><code>取得顯著成效?!笆奈濉睍r期是</code></td><td>取得顯著成效。“十四五”時期是</td>' in html
    )
    assert 'href="https://spdx.org/licenses/CC0-1.0.html">CC0-1.0</a>' in html


def test_every_download_on_the_plan_page_is_as_large_as_what_its_link_returns(browser_client, client):
    html = text_of(browser_client.get(PLAN_PAGE))
    links = re.findall(r'<a href="(/api/v1/plans/[^"]+)"[^>]*>[^<]+</a> <span class="size">([^<]+)</span>', html)
    formats = sorted({url.split("format=")[-1] if "format=" in url else url.rsplit("/", 1)[-1] for url, _ in links})
    assert formats == ["csv", "datapackage.zip", "ndjson", "source", "xlsx"]
    assert len(links) == 1 + 6 * 3 + 1  # the source, six collections in three formats, the data package
    from django.template.defaultfilters import filesizeformat

    for url, shown in links:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert shown == filesizeformat(len(body)), url


def test_the_plan_page_measures_its_downloads_once_and_then_reads_their_sizes(
    browser_client, django_assert_num_queries
):
    browser_client.get(PLAN_PAGE, {"script": "zh-Hant-HK"})  # measured here, or by an earlier test of this process
    response_cache.dataset_versions()  # measuring takes longer than the versions are kept: read them again now
    # Another browser's Accept header is another entry of the response cache: the page is made again, but the
    # downloads' sizes are not measured again.
    with django_assert_num_queries(8):
        # the plan with its publication; its errata; chapters; their articles; principles; goals;
        # initiatives; their mentions
        response = browser_client.get(PLAN_PAGE, {"script": "zh-Hant-HK"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["X-Cache"] == "MISS"


def test_measuring_the_downloads_runs_each_export_once(browser_client, django_assert_num_queries):
    from web import downloads

    downloads._measured.clear()
    with django_assert_num_queries(77):
        # the plan page's 8 (above); the source (1); chapters (3), articles (5), principles (2), goals (2),
        # initiatives (4) and terms (3), each as CSV, Excel and NDJSON: the API's own export queries (57);
        # the data package (11)
        browser_client.get(PLAN_PAGE, {"script": "zh-Hant-TW"})


def test_an_article_page_shows_its_text_by_paragraph_with_anchors_neighbours_and_a_citation(
    browser_client, django_assert_num_queries
):
    with django_assert_num_queries(5):  # the article; its principles; goals; mentions; the plan's article titles
        response = browser_client.get(f"/plans/{PLAN}/articles/6/")
    html = text_of(response)
    assert '<h1><span class="num">（6）</span>主要目標</h1>' in html
    assert [int(n) for n in re.findall(r'<p class="para" id="p(\d+)">', html)] == list(range(1, 10))
    assert f'<a class="pnum" href="/plans/{PLAN}/articles/6/#p2" aria-label="第2段的連結">¶2</a>' in html
    assert f'data-copy="http://testserver/plans/{PLAN}/articles/6/#p2"' in html
    assert f'<a rel="prev" href="/plans/{PLAN}/articles/5/">← （5）必須遵循的原則</a>' in html
    assert f'<a rel="next" href="/plans/{PLAN}/articles/7/">（7）深度融入以首都為核心的世界級城市群建設 →</a>' in html
    # The goals it states, linked.
    assert f'<a href="/plans/{PLAN}/#goal-1">高質量發展取得明顯成效</a>' in html
    # Cite this: the URL and a GB/T 7714 reference (issuer, title, article, date, date accessed, URL).
    assert re.search(
        r"中共天津市委\. 中共天津市委關于制定天津市國民經濟和社會發展第十五個五年規劃的建議：第6條\[EB/OL\]\. "
        rf"\(2025-11-18\)\[<time data-accessed datetime=\"\d{{4}}-\d\d-\d\d\">\d{{4}}-\d\d-\d\d</time>\]\. "
        rf"http://testserver/plans/{PLAN}/articles/6/\.",
        html,
    )
    # The same data in the API.
    assert f'<a href="/api/v1/plans/{PLAN}/articles/6/">' in html


def test_a_chapter_page_shows_its_intro_and_the_text_of_its_articles(browser_client, django_assert_num_queries):
    # the chapter and its plan; its articles; their principles; goals; mentions; the intro's mentions;
    # the plan's chapter titles
    with django_assert_num_queries(7):
        response = browser_client.get(f"/plans/{PLAN}/chapters/3/")
    html = text_of(response)
    assert "以推進京津冀協同發展為戰略牽引" in html
    assert '<p class="para" id="p1">' in html  # the intro
    assert '<p class="para" id="a7-p1">' in html  # article 7's first paragraph, linking to its own page
    assert f'href="/plans/{PLAN}/articles/7/#p1"' in html
    assert f'<a href="/plans/{PLAN}/initiatives/jing-jin-ji-xie-tong-fa-zhan/">京津冀協同發展</a>' in html
    assert f'<a rel="prev" href="/plans/{PLAN}/chapters/2/">' in html
    assert "：第三章[EB/OL]" in html


def test_an_initiative_page_shows_every_mention_in_context_and_a_chart_per_chapter(
    browser_client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the initiative and its plan; its mentions with their text; chapter titles
        response = browser_client.get(f"/plans/{PLAN}/initiatives/jing-jin-ji-xie-tong-fa-zhan/")
    html = text_of(response)
    assert "<h1>京津冀協同發展</h1>" in html
    assert "全文提及 8 次" in html
    marks = re.findall(r"<mark>京津冀協同發展</mark>", html)
    assert len(marks) >= 8
    assert f'href="/plans/{PLAN}/articles/1/#p1"><mark>京津冀協同發展</mark>走深走實' in html
    # The chart (SVG, hidden from screen readers) and its table (for them), one row per chapter.
    assert '<svg viewBox="0 0 504 336"' in html and 'aria-hidden="true"' in html
    assert len(re.findall(r'<rect x="64" y="\d+" width="\d+"', html)) == 12
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th><td>(\d+)</td></tr>', html)
    assert [count for _, count in rows] == ["2", "2", "4"] + ["0"] * 9


def test_the_terms_page_lists_the_most_frequent_words_of_two_characters_or_more(
    browser_client, django_assert_num_queries
):
    with django_assert_num_queries(3):  # the plan; the top words; where they occur
        response = browser_client.get(f"/plans/{PLAN}/terms/")
    html = text_of(response)
    words = re.findall(rf'<td><a href="/plans/{PLAN}/terms/[^"]+/">([^<]+)</a></td>', html)
    assert len(words) == 100
    assert all(len(word) >= 2 for word in words)
    assert words[0] == "發展"
    assert f'href="/search/?q=%E7%99%BC%E5%B1%95&amp;plan={PLAN}"' in html  # a word links to a search for it
    simplified = text_of(browser_client.get(f"/plans/{PLAN}/terms/", {"script": "zh-Hans"}))
    assert f'<a href="/api/v1/plans/{PLAN}/terms/?top=100&amp;min_length=2&amp;script=zh-Hans">' in simplified
    three = re.findall(r'/terms/[^"]+/">([^<]+)</a>', text_of(browser_client.get(f"/plans/{PLAN}/terms/?min_length=3")))
    assert all(len(word) >= 3 for word in three)


def test_a_word_page_shows_its_count_per_chapter_as_a_chart_and_a_table(browser_client, django_assert_num_queries):
    with django_assert_num_queries(4):  # the plan; the word; its occurrences; the chapter titles
        response = browser_client.get(f"/plans/{PLAN}/terms/京津冀/")
    html = text_of(response)
    assert "<h1>京津冀</h1>" in html
    rows = re.findall(r'<tr><th scope="row"><a href="[^"]+">([^<]+)</a></th><td>(\d+)</td></tr>', html)
    assert len(rows) == 12 and rows[2][0].startswith("三、以推進京津冀協同發展")
    assert sum(int(count) for _, count in rows) <= int(re.search(r"全文出現 (\d+) 次", html).group(1))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        PLAN_PAGE,
        f"/plans/{PLAN}/chapters/9/",
        ARTICLE,
        f"/plans/{PLAN}/initiatives/jin-pai-yang-lao/",
        f"/plans/{PLAN}/terms/",
    ],
)
def test_every_page_type_weighs_under_100_kb_besides_the_plan_text_it_shows(browser_client, path):
    html = text_of(browser_client.get(path))
    text = "".join(re.findall(r'<p class="para"[^>]*>.*?</p>', html, flags=re.S))
    markup = len(html.encode()) - len(text.encode())
    assert markup < 100_000, markup


def test_a_page_is_405_to_anything_but_get_and_head(browser_client):
    response = browser_client.post(ARTICLE)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert browser_client.head(ARTICLE).status_code == 200


def test_the_collections_of_a_plan_lead_to_their_part_of_the_plan_page(browser_client):
    response = browser_client.get(f"/plans/{PLAN}/initiatives/?script=zh-Hans")
    assert response.status_code == 302
    assert response["Location"] == f"/plans/{PLAN}/?script=zh-Hans#initiatives"


def test_the_plan_page_links_the_official_publication_when_the_metadata_names_one(browser_client, tmp_path):
    from ingest.build import build_plan_folder
    from ingest.pipeline import load_plan_folder
    from tests import smallplan

    official = {"title": "測試市人民政府網", "url": "https://www.example.gov.cn/plan.html"}
    folder = smallplan.write_plan(tmp_path, metadata={**smallplan.METADATA, "official_publication": official})
    build_plan_folder(folder)
    load_plan_folder(folder)
    html = text_of(browser_client.get(f"/plans/{smallplan.SLUG}/"))
    assert '官方發布：<a href="https://www.example.gov.cn/plan.html">測試市人民政府網</a>' in html
    assert "官方發布" not in text_of(browser_client.get(PLAN_PAGE))  # the Tianjin metadata names none
