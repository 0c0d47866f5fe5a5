"""HTTP caching: validators, 304s, the response cache (local memory and Redis) and its invalidation on load."""

import copy
import json
import socket
import uuid

import pytest
from django.conf import settings
from django.test import override_settings

from articles.builder import GENERATED
from articles.models import Plan
from ingest.pipeline import ingest_plan
from tests.conftest import PLAN

ARTICLE = f"/api/v1/plans/{PLAN}/articles/7/"


def test_a_get_carries_a_strong_etag_last_modified_and_public_cache_control(api):
    response = api.get(ARTICLE)
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and not response["ETag"].startswith("W/")
    assert response["Cache-Control"] == f"public, max-age={settings.HTTP_CACHE_MAX_AGE}"
    assert response["Last-Modified"].endswith(" GMT")
    assert "Accept" in response["Vary"]
    assert response.json()["number"] == 7


def test_last_modified_is_when_the_plan_was_loaded(api):
    from django.utils.http import http_date

    plan = Plan.objects.get(slug=PLAN)
    assert api.get(ARTICLE)["Last-Modified"] == http_date(int(plan.updated_at.timestamp()))


def test_if_none_match_with_the_current_etag_gives_304_without_a_body(api):
    etag = api.get(ARTICLE)["ETag"]
    response = api.get(ARTICLE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_none_match_with_another_etag_gives_the_full_response(api):
    response = api.get(ARTICLE, HTTP_IF_NONE_MATCH='"something-else"')
    assert response.status_code == 200
    assert response.json()["number"] == 7


def test_if_modified_since_the_load_gives_304(api):
    last_modified = api.get(ARTICLE)["Last-Modified"]
    response = api.get(ARTICLE, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304
    assert response.content == b""
    assert api.get(ARTICLE, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200


def test_different_resources_have_different_etags(api):
    assert api.get(ARTICLE)["ETag"] != api.get(f"/api/v1/plans/{PLAN}/articles/8/")["ETag"]
    assert api.get(ARTICLE)["ETag"] != api.get(ARTICLE + "?format=csv")["ETag"]
    # The same representation asked for in two ways is the same bytes, so it has the same strong ETag.
    assert api.get(ARTICLE)["ETag"] == api.get(ARTICLE + "?format=json")["ETag"]


def test_a_repeated_request_is_answered_from_the_cache_without_a_query(api, django_assert_num_queries):
    first = api.get(ARTICLE)
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = api.get(ARTICLE)
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Type"] == first["Content-Type"]


def test_a_conditional_request_for_a_cached_response_gives_304_without_a_query(api, django_assert_num_queries):
    etag = api.get(ARTICLE)["ETag"]
    with django_assert_num_queries(0):
        response = api.get(ARTICLE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304


def test_the_cache_keys_on_the_query_string_and_the_accept_headers(api, django_assert_num_queries):
    api.get(f"/api/v1/plans/{PLAN}/articles/?page_size=5")
    response = api.get(f"/api/v1/plans/{PLAN}/articles/?page_size=6")
    assert response["X-Cache"] == "MISS"
    assert len(response.json()["results"]) == 6
    assert api.get(ARTICLE, HTTP_ACCEPT_LANGUAGE="zh-Hans")["X-Cache"] == "MISS"
    assert api.get(ARTICLE, HTTP_ACCEPT_LANGUAGE="zh-Hans")["X-Cache"] == "HIT"
    assert api.get(ARTICLE, HTTP_ACCEPT="application/json")["X-Cache"] == "MISS"


def test_responses_hold_the_host_they_were_asked_on(api):
    first = api.get(ARTICLE).json()
    other = api.get(ARTICLE, HTTP_HOST="localhost").json()
    assert first["url"].startswith("http://testserver/")
    assert other["url"].startswith("http://localhost/")


def test_errors_are_not_cached(api):
    api.get(f"/api/v1/plans/{PLAN}/articles/999/")
    response = api.get(f"/api/v1/plans/{PLAN}/articles/999/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "ETag" not in response
    assert "X-Cache" not in response


def test_head_gives_the_headers_of_get_without_a_body(api):
    get = api.get(ARTICLE)
    head = api.head(ARTICLE)
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == get["ETag"]
    assert head["Content-Length"] == str(len(get.content))


def _second_plan(slug, title):
    """Load a copy of the fixture under another slug: a second plan of the same shape."""
    folder = settings.PLAN_FIXTURES_DIR / PLAN
    data = json.loads((folder / GENERATED).read_bytes())
    data = copy.deepcopy(data)
    data["plan"]["slug"] = slug
    data["plan"]["title"] = title
    source_text = (folder / data["plan"]["source"]["filename"]).read_text()
    return ingest_plan(data, version=uuid.uuid4().hex, source_text=source_text, license="")


def test_loading_a_new_version_of_a_plan_invalidates_exactly_its_responses(
    api, django_assert_num_queries, django_capture_on_commit_callbacks
):
    _second_plan("second-plan", "第一版")
    ours, theirs = f"/api/v1/plans/{PLAN}/", "/api/v1/plans/second-plan/"
    our_page, their_page = f"/plans/{PLAN}/articles/1/", "/plans/second-plan/articles/1/"  # the reading site's
    for url in (ours, theirs, "/api/v1/plans/", our_page, their_page):
        api.get(url)
    old_etag = api.get(theirs)["ETag"]

    with django_capture_on_commit_callbacks(execute=True):
        _second_plan("second-plan", "第二版")

    # The untouched plan is still answered from the cache (after one query to re-read the versions) …
    with django_assert_num_queries(1):
        assert api.get(ours)["X-Cache"] == "HIT"
    # … while the reloaded plan and the list of every plan are computed afresh.
    reloaded = api.get(theirs)
    assert reloaded["X-Cache"] == "MISS"
    assert reloaded.json()["title"] == "第二版"
    assert reloaded["ETag"] != old_etag
    assert api.get("/api/v1/plans/")["X-Cache"] == "MISS"
    assert api.get(theirs, HTTP_IF_NONE_MATCH=old_etag).status_code == 200
    # The reading site's pages of a plan likewise depend on that plan alone.
    assert (api.get(our_page)["X-Cache"], api.get(their_page)["X-Cache"]) == ("HIT", "MISS")


def _redis_running():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_cache():
    if not _redis_running():
        pytest.skip("no Redis at 127.0.0.1:6379")
    prefix = f"plan-api-test-{uuid.uuid4().hex}"
    redis = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
        "KEY_PREFIX": prefix,
    }
    with override_settings(CACHES={"default": redis}):
        from django.core.cache import cache

        yield cache
        cache.clear()


def test_with_redis_a_repeated_request_is_answered_without_a_query(api, redis_cache, django_assert_num_queries):
    first = api.get(ARTICLE)
    assert first["X-Cache"] == "MISS"
    with django_assert_num_queries(0):
        second = api.get(ARTICLE)
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert api.get(ARTICLE, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_with_redis_loading_a_plan_invalidates_its_responses(
    api, redis_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    _second_plan("second-plan", "第一版")
    api.get(f"/api/v1/plans/{PLAN}/")
    api.get("/api/v1/plans/second-plan/")
    with django_capture_on_commit_callbacks(execute=True):
        _second_plan("second-plan", "第二版")
    with django_assert_num_queries(1):  # re-reading the plans' versions
        assert api.get(f"/api/v1/plans/{PLAN}/")["X-Cache"] == "HIT"
    assert api.get("/api/v1/plans/second-plan/").json()["title"] == "第二版"


def test_with_redis_shared_with_the_release_before_neither_reads_what_the_other_wrote(api, redis_cache):
    # During a deploy over several servers, processes of the release before share the Redis. It kept the plans'
    # versions themselves (a mapping) under "dataset-versions:<database>"; this release keeps a token elsewhere.
    from plan_api.response_cache import forget_everything

    key = "dataset-versions:default"
    before = {PLAN: ("an-older-version:0", 0)}  # what a process of the release before left there
    redis_cache.set(key, before)
    forget_everything()
    first = api.get(ARTICLE)
    assert first.status_code == 200 and first.json()["number"] == 7
    assert redis_cache.get(key) == before  # left as that release reads it: a mapping, never a token
    assert isinstance(redis_cache.get("dataset-versions-token:default"), str)  # this release's own key


@override_settings(ROOT_URLCONF="tests.urls_streaming")
def test_a_streaming_response_gets_validators_and_304_but_is_not_stored(api):
    first = api.get("/api/v1/test-export/")
    assert first.status_code == 200
    assert b"".join(first.streaming_content) == b"line 0\nline 1\nline 2\n"
    assert first["ETag"].startswith('"')
    assert first["Cache-Control"] == f"public, max-age={settings.HTTP_CACHE_MAX_AGE}"
    again = api.get("/api/v1/test-export/")
    assert again["X-Cache"] == "MISS"  # streamed afresh each time
    assert again["ETag"] == first["ETag"]
    b"".join(again.streaming_content)
    not_modified = api.get("/api/v1/test-export/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304


def test_with_the_shared_cache_away_the_api_still_answers_from_the_database(api):
    away = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    with override_settings(CACHES={"default": away}):
        first = api.get(ARTICLE)
        second = api.get(ARTICLE, HTTP_IF_NONE_MATCH=first["ETag"])
    assert first.status_code == 200
    assert first.json()["number"] == 7
    assert second.status_code == 304


def test_the_docs_page_is_the_same_for_everyone_and_revalidates(api):
    first = api.get("/api/v1/docs/")
    assert first.status_code == 200
    assert not first.cookies  # no CSRF cookie: the API takes no writes
    assert "Cookie" not in first["Vary"]
    assert first["Cache-Control"] == "public, max-age=300"
    assert api.get("/api/v1/docs/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_after_a_304_to_an_export_the_next_request_is_answered_as_usual(api):
    export = f"/api/v1/plans/{PLAN}/articles/?format=csv"
    etag = api.get(export)["ETag"]
    assert api.get(export, HTTP_IF_NONE_MATCH=etag).status_code == 304
    response = api.get(f"/api/v1/plans/{PLAN}/initiatives/", {"format": "ndjson"})
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == 119
