"""A reader in a real browser: searching, following a result to its paragraph, switching scripts, reading an
initiative, copying a link, downloading a CSV, meeting a 404; accessibility (axe-core) on every page type."""

import csv
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PLAN

HIGHLIGHT = "rgb(255, 244, 194)"  # --target in site.css: the paragraph a link points at


def test_reader_searches_in_simplified_and_lands_on_the_highlighted_paragraph(page, screenshot):
    page.goto("/")
    page.get_by_role("link", name="简体").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.get_by_role("searchbox", name="搜索规划全文").fill("养老")
    page.get_by_role("button", name="搜索", exact=True).last.click()

    expect(page.get_by_role("heading", name=re.compile("结果"))).to_be_visible()
    results = page.locator("ol.results > li")
    expect(results).to_have_count(7)
    expect(results.first.locator("mark").first).to_have_text("养老")
    screenshot("search")

    page.get_by_role("link", name="健全人口高质量发展支持和服务体系").click()
    expect(page).to_have_url(re.compile(rf"/plans/{PLAN}/articles/40/\?script=zh-Hans#p1$"))
    paragraph = page.locator("#p1")
    expect(paragraph).to_contain_text("健全养老事业和产业协同发展政策机制")
    assert paragraph.evaluate("element => element.matches(':target')")
    expect(paragraph).to_have_css("background-color", HIGHLIGHT)


def test_reader_switches_an_article_to_simplified_and_back(page, screenshot):
    page.goto(f"/plans/{PLAN}/articles/13/")
    expect(page.get_by_role("heading", level=1)).to_have_text("（13）大力發展先進制造業")
    screenshot("article")

    page.get_by_role("link", name="简体").click()
    expect(page).to_have_url(re.compile(rf"/plans/{PLAN}/articles/13/\?script=zh-Hans$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1)).to_have_text("（13）大力发展先进制造业")

    page.get_by_role("link", name="繁體（原文）").click()
    expect(page).to_have_url(re.compile(rf"/plans/{PLAN}/articles/13/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", level=1)).to_have_text("（13）大力發展先進制造業")


def test_reader_opens_an_initiative_and_sees_its_mentions_and_chart(page, screenshot):
    page.goto(f"/plans/{PLAN}/chapters/3/")
    page.get_by_role("complementary").get_by_role("link", name="京津冀協同發展", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("京津冀協同發展")
    expect(page.get_by_text("全文提及 8 次")).to_be_visible()
    expect(page.locator("figure.chart svg rect")).to_have_count(12)
    expect(page.locator("figure.chart svg")).to_be_visible()
    # The chart's numbers, for screen readers, as a table.
    table = page.get_by_role("table", name="各章提及次數")
    expect(table.get_by_role("row")).to_have_count(13)
    expect(page.locator("ul.contexts mark").first).to_have_text("京津冀協同發展")
    screenshot("initiative")


def test_reader_copies_a_paragraph_link(page, context, site_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(f"/plans/{PLAN}/articles/6/")
    paragraph = page.locator("#p2")
    paragraph.get_by_role("button", name="複製段落連結").click()
    expect(paragraph.get_by_role("button")).to_have_text("已複製")  # for two seconds, then its label again
    assert page.evaluate("navigator.clipboard.readText()") == f"{site_url}/plans/{PLAN}/articles/6/#p2"


def test_reader_copies_the_citation_with_todays_date(page, context, site_url):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page.goto(f"/plans/{PLAN}/articles/6/")
    page.get_by_role("button", name="複製引文").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    today = page.evaluate("new Date().toLocaleDateString('sv')")  # YYYY-MM-DD, the reader's day
    assert copied == (
        "中共天津市委. 中共天津市委關于制定天津市國民經濟和社會發展第十五個五年規劃的建議：第6條[EB/OL]. "
        f"(2025-11-18)[{today}]. {site_url}/plans/{PLAN}/articles/6/."
    )


def test_reader_downloads_the_articles_csv_from_the_plan_page(page, screenshot):
    page.goto(f"/plans/{PLAN}/")
    screenshot("plan")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="articles.csv").click()
    download = download_info.value
    assert download.suggested_filename == f"{PLAN}-articles.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 52 and rows[12]["title"] == "大力發展先進制造業"


def test_reader_who_follows_a_dead_link_sees_the_404_page(page, screenshot):
    response = page.goto(f"/plans/{PLAN}/articles/99/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("找不到這個頁面")
    expect(page.get_by_text(f"No article 99 in plan '{PLAN}'.")).to_be_visible()
    expect(page.get_by_role("searchbox", name="搜索規劃全文")).to_be_visible()
    screenshot("not-found")


def test_reader_without_javascript_can_search_and_read_and_sees_no_copy_buttons(browser, site_url):
    context = browser.new_context(base_url=site_url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("searchbox", name="搜索規劃全文").fill("魯班工坊")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="魯班工坊").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("魯班工坊")
    page.goto(f"/plans/{PLAN}/articles/37/")
    expect(page.get_by_role("button", name="複製段落連結")).to_have_count(0)
    expect(page.get_by_role("link", name="第1段的連結")).to_be_visible()
    context.close()


def test_keyboard_reader_can_skip_to_the_text(page):
    page.goto(f"/plans/{PLAN}/articles/12/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))


PAGE_TYPES = {
    "index": "/",
    "plan": f"/plans/{PLAN}/",
    "chapter": f"/plans/{PLAN}/chapters/9/",
    "article": f"/plans/{PLAN}/articles/40/",
    "initiative": f"/plans/{PLAN}/initiatives/lu-ban-gong-fang/",
    "search": "/search/?q=养老&script=zh-Hans",
    "search-nothing": "/search/?q=量子计算机",
    "search-bad-query": "/search/?q=-交通",
    "terms": f"/plans/{PLAN}/terms/",
    "term": f"/plans/{PLAN}/terms/京津冀/",
    "error": "/plans/no-such-plan/",
}


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_no_page_type_has_serious_or_critical_accessibility_violations_and_nothing_loads_from_elsewhere(
    page, site_url, screenshot, name
):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(PAGE_TYPES[name])
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()
    assert [url for url in requested if not url.startswith((site_url, "data:"))] == []
    screenshot(f"page-{name}")
