"""Responses prepared when a plan is loaded (ingest/prepare.py, plan_api/prepared.py): the views' own bytes and
headers, for the request's own origin, for one primary-key read."""

import contextlib

import pytest
from django.db import connections

from ingest.build import build_plan_folder
from ingest.pipeline import load_plan_folder
from plan_api.models import PreparedResponse
from plan_api.prepared import PLACEHOLDER_HOST
from tests import smallplan
from tests.conftest import PLAN

ARTICLE = f"/api/v1/plans/{PLAN}/articles/7/"


@pytest.fixture(autouse=True)
def _cache_off(settings):
    settings.RESPONSE_CACHE_ENABLED = False  # every request below is answered by a view or a prepared response


def _get(api, row, **headers):
    if row.accept_language:
        headers["HTTP_ACCEPT_LANGUAGE"] = row.accept_language
    response = api.get(f"{row.path}?{row.query}" if row.query else row.path, **headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    # A function view's Allow lists its methods from a set: their order differs between processes.
    allow = sorted(response.get("Allow", "").split(", "))
    return response.status_code, allow, sorted((k, v) for k, v in response.items() if k != "Allow"), body


@contextlib.contextmanager
def _counting_queries():
    """The SQL statements run meanwhile, on any database."""
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with contextlib.ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(count))
        yield statements


def _rows_to_compare():
    """Every prepared request in the default script, and every form of asking for a detail, a page, a facet and
    an export in every script."""
    rows = PreparedResponse.objects.filter(plan=PLAN).order_by("path", "query", "accept_language")
    default = [row for row in rows if "script=" not in row.query and not row.accept_language]
    every_form = [
        row
        for row in rows
        if (row.path, row.query.split("script=")[0].rstrip("&"))
        in {
            (ARTICLE, ""),
            (f"/api/v1/plans/{PLAN}/initiatives/", "page=2"),
            (f"/api/v1/plans/{PLAN}/articles/", "chapter=3"),
            (f"/api/v1/plans/{PLAN}/articles/", "format=csv"),
            (f"/api/v1/plans/{PLAN}/", ""),
        }
    ]
    return default + [row for row in every_form if row not in default]


def test_the_loaded_plan_has_its_responses_prepared_in_every_script_and_both_forms_of_asking():
    rows = PreparedResponse.objects.filter(plan=PLAN)
    details = rows.filter(path=ARTICLE)
    assert sorted((row.query, row.accept_language) for row in details) == [
        ("", ""),
        ("", "zh-CN"),
        ("", "zh-HK"),
        ("", "zh-TW"),
        ("script=zh-Hans", ""),
        ("script=zh-Hant", ""),
        ("script=zh-Hant-HK", ""),
        ("script=zh-Hant-TW", ""),
    ]
    # 52 articles, 12 chapters, 6 principles, 8 goals and 119 initiatives, each with its detail.
    assert rows.filter(query="", accept_language="").count() >= 1 + 52 + 12 + 6 + 8 + 119


def test_every_prepared_response_is_the_one_its_view_makes(api, settings):
    rows = _rows_to_compare()
    assert len(rows) > 250
    for row in rows:
        settings.PREPARED_RESPONSES = True
        with _counting_queries() as prepared_queries:
            prepared = _get(api, row)
        settings.PREPARED_RESPONSES = False
        computed = _get(api, row)
        assert prepared == computed, f"{row.path}?{row.query} ({row.accept_language})"
        assert computed[0] == 200
        # One read of the prepared response (and, every DATASET_VERSION_CHECK_SECONDS, one of the plans' versions).
        lookups = [sql for sql in prepared_queries if "plan_api_preparedresponse" in sql]
        assert len(lookups) == 1 and len(prepared_queries) <= 2, f"{row.path}?{row.query}: {prepared_queries}"


def test_a_prepared_detail_is_one_query(api):
    api.get(ARTICLE)  # the plans' versions, read once and kept
    with _counting_queries() as queries:
        response = api.get(f"/api/v1/plans/{PLAN}/articles/8/")
    assert response.status_code == 200
    assert response.json()["number"] == 8
    assert len(queries) == 1


def test_a_prepared_response_carries_the_origin_it_was_asked_at(api, settings):
    settings.ALLOWED_HOSTS = ["data.example.org", "testserver"]
    response = api.get(ARTICLE, HTTP_HOST="data.example.org", secure=True)
    body = response.content.decode()
    assert response.json()["url"] == f"https://data.example.org{ARTICLE}"
    assert PLACEHOLDER_HOST not in body
    assert int(response["Content-Length"]) == len(response.content)

    plain = api.get(ARTICLE)
    assert plain.json()["url"] == f"http://testserver{ARTICLE}"
    assert plain["ETag"] != response["ETag"]  # other bytes, another validator, as from the view


def test_a_prepared_export_streams_as_the_view_does(api):
    response = api.get(f"/api/v1/plans/{PLAN}/articles/?format=csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.count(f"http://testserver/api/v1/plans/{PLAN}/articles/") == 52


def test_a_prepared_export_is_kept_by_the_response_cache_and_still_streamed(api, settings):
    settings.RESPONSE_CACHE_ENABLED = True
    url = f"/api/v1/plans/{PLAN}/articles/?format=csv"
    first, second = api.get(url), api.get(url)
    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT")
    assert first.streaming and second.streaming
    assert first["ETag"] == second["ETag"]
    assert b"".join(first.streaming_content) == b"".join(second.streaming_content)
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_a_request_no_response_was_prepared_for_is_answered_by_its_view(api):
    with _counting_queries() as queries:
        response = api.get(f"/api/v1/plans/{PLAN}/articles/?chapter=3&number_min=20")
    assert response.status_code == 200
    assert all(article["chapter"]["number"] == 3 and article["number"] >= 20 for article in response.json()["results"])
    assert len(queries) > 2  # the lookup that found nothing, then the view's


def test_loading_a_plan_prepares_its_responses_and_loading_it_again_replaces_them(tmp_path, api, settings):
    settings.PREPARE_ON_LOAD = True
    folder = smallplan.write_plan(tmp_path)
    build_plan_folder(folder)
    load_plan_folder(folder)
    first = set(PreparedResponse.objects.filter(plan=smallplan.SLUG).values_list("key", flat=True))
    url = f"/api/v1/plans/{smallplan.SLUG}/articles/4/"
    assert api.get(url).json()["title"] == "建設海河實驗室"

    lines = [line.replace("建設海河實驗室。建設", "建設海河大學。建設") for line in smallplan.SOURCE_LINES]
    smallplan.write_plan(tmp_path, lines=lines)
    build_plan_folder(folder)
    load_plan_folder(folder)
    second = set(PreparedResponse.objects.filter(plan=smallplan.SLUG).values_list("key", flat=True))

    assert len(second) == len(first) > 8 * (1 + 4)
    assert not first & second  # the new version's keys; the old rows are gone
    assert api.get(url).json()["title"] == "建設海河大學"


def test_a_throttled_client_gets_its_429_from_the_view(api, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"}}
    statuses = [api.get(f"/api/v1/plans/{PLAN}/articles/{n}/").status_code for n in (1, 2, 3)]
    assert statuses == [200, 200, 429]
