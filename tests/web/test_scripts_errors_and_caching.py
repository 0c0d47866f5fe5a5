"""Every page in four scripts, its errors for people and for programs, and the API's HTTP caching."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.html import escape

from tests.conftest import PLAN

ARTICLE = f"/plans/{PLAN}/articles/13/"


@pytest.mark.parametrize(
    ("script", "title"),
    [
        (None, "大力發展先進制造業"),
        ("zh-Hant", "大力發展先進制造業"),
        ("zh-Hans", "大力发展先进制造业"),
        ("zh-Hant-TW", "大力發展先進製造業"),
        ("zh-Hant-HK", "大力發展先進製造業"),
    ],
)
def test_a_page_is_written_in_the_script_its_url_names_with_lang_and_content_language(browser_client, script, title):
    response = browser_client.get(ARTICLE, {"script": script} if script else {})
    html = response.content.decode()
    assert f'<html lang="{script or "zh-Hant"}">' in html
    assert response["Content-Language"] == (script or "zh-Hant")
    assert f"</span>{title}</h1>" in html


def test_the_script_switch_keeps_the_page_and_its_query(browser_client):
    html = browser_client.get("/search/", {"q": "养老", "type": "goal", "script": "zh-Hans"}).content.decode()
    assert (
        '<a href="/search/?q=%E5%85%BB%E8%80%81&amp;type=goal" lang="zh-Hant" hreflang="zh-Hant">繁體（原文）</a>'
        in html
    )
    assert (
        '<a href="/search/?q=%E5%85%BB%E8%80%81&amp;type=goal&amp;script=zh-Hans" lang="zh-Hans" hreflang="zh-Hans" '
        'aria-current="true">简体</a>'
    ) in html
    assert 'href="/search/?q=%E5%85%BB%E8%80%81&amp;type=goal&amp;script=zh-Hant-TW"' in html


def test_links_between_pages_keep_the_script(browser_client):
    html = browser_client.get(ARTICLE, {"script": "zh-Hant-HK"}).content.decode()
    assert f'<a rel="next" href="/plans/{PLAN}/articles/14/?script=zh-Hant-HK">' in html
    assert f'<a href="/api/v1/plans/{PLAN}/articles/13/?script=zh-Hant-HK">' in html  # the same data in the API
    assert '<input type="hidden" name="script" value="zh-Hant-HK">' in html  # the search box keeps it too


def test_an_unknown_script_is_a_400_page_naming_the_scripts(browser_client):
    response = browser_client.get(ARTICLE, {"script": "klingon"})
    assert response.status_code == 400
    assert (
        "unknown script &#x27;klingon&#x27;; use one of zh-Hant, zh-Hans, zh-Hant-TW, zh-Hant-HK"
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/plans/no-such-plan/", "No plan with slug 'no-such-plan'."),
        (f"/plans/{PLAN}/articles/99/", f"No article 99 in plan '{PLAN}'."),
        ("/plans/no-such-plan/articles/1/", "No plan with slug 'no-such-plan'."),
        (f"/plans/{PLAN}/initiatives/no-such-thing/", f"No initiative 'no-such-thing' in plan '{PLAN}'."),
        (f"/plans/{PLAN}/chapters/13/", f"No chapter 13 in plan '{PLAN}'."),
        (f"/plans/{PLAN}/terms/量子/", f"No word '量子' in plan '{PLAN}'."),
        ("/no/such/page", "Nothing is published at '/no/such/page'. See /api/v1/ for what is."),
        (f"/plans/{PLAN}/articles/99999999999999999999/", f"No article 99999999999999999999 in plan '{PLAN}'."),
        (f"/plans/{PLAN}/chapters/0/", f"No chapter 0 in plan '{PLAN}'."),
    ],
)
def test_an_unknown_page_is_a_404_page_for_browsers_and_problem_details_for_programs(
    browser_client, client, path, detail
):
    page = browser_client.get(path)
    assert page.status_code == 404
    assert page["Content-Type"] == "text/html; charset=utf-8"
    html = page.content.decode()
    assert '<h1>找不到這個頁面 <span class="status">404</span></h1>' in html
    assert f'<p lang="en" class="detail">{escape(detail)}</p>' in html
    assert "Accept" in page["Vary"]
    for accept in ("application/json", "*/*", "application/problem+json"):
        problem = client.get(path, HTTP_ACCEPT=accept)
        assert problem.status_code == 404
        assert problem["Content-Type"] == "application/problem+json"
        assert problem.json() == {"type": "about:blank", "title": "Not Found", "status": 404, "detail": detail}


def test_the_api_answers_problem_details_even_to_a_browser(browser_client):
    response = browser_client.get(f"/api/v1/plans/{PLAN}/articles/99/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_page_carries_an_etag_and_a_repeat_is_answered_from_the_cache_or_with_304(
    browser_client, django_assert_num_queries
):
    first = browser_client.get(ARTICLE)
    assert first["X-Cache"] == "MISS"
    assert first["Cache-Control"] == "public, max-age=300"
    assert first["ETag"].startswith('"') and first["Last-Modified"].endswith(" GMT")
    with django_assert_num_queries(0):
        again = browser_client.get(ARTICLE)
        not_modified = browser_client.get(ARTICLE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again["X-Cache"] == "HIT" and again.content == first.content
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_pages_in_different_scripts_are_cached_apart(browser_client):
    assert browser_client.get(ARTICLE)["ETag"] != browser_client.get(ARTICLE, {"script": "zh-Hans"})["ETag"]


def test_health_checks_stay_outside_the_response_cache(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert "ETag" not in response and "X-Cache" not in response


@override_settings(ROOT_URLCONF="tests.web.urls_database_gone")
def test_a_page_whose_database_is_away_is_a_503_page_for_browsers_and_problem_details_for_programs(
    browser_client, client
):
    page = browser_client.get("/plans/test-database-gone/")
    assert page.status_code == 503
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert page["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)
    assert page["Cache-Control"] == "no-store"
    assert "暫時無法提供服務" in page.content.decode()
    problem = client.get("/plans/test-database-gone/")
    assert problem.status_code == 503
    assert problem["Content-Type"] == "application/problem+json"
