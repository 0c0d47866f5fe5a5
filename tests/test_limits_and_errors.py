"""Limits and the one error shape: throttling, query caps, routing errors, health checks, headers."""

from django.conf import settings
from django.test import override_settings

from tests.conftest import PLAN

PROBLEM = "application/problem+json"


def _rate(rate):
    from django.conf import settings

    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": rate}})


def _assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


def test_a_client_over_its_rate_gets_429_with_retry_after(api):
    with _rate("3/minute"):
        # Different pages, so that none is answered from the response cache (cache hits are not counted).
        statuses = [api.get(f"/api/v1/plans/{PLAN}/articles/{n}/").status_code for n in (1, 2, 3, 4)]
        response = api.get(f"/api/v1/plans/{PLAN}/articles/5/")
    assert statuses == [200, 200, 200, 429]
    body = _assert_problem(response, 429)
    assert "throttled" in body["detail"]
    assert 0 < int(response["Retry-After"]) <= 60


def test_the_rate_is_counted_per_client(api):
    with _rate("2/minute"):
        for n in (1, 2):
            api.get(f"/api/v1/plans/{PLAN}/articles/{n}/", REMOTE_ADDR="10.0.0.1")
        assert api.get(f"/api/v1/plans/{PLAN}/articles/3/", REMOTE_ADDR="10.0.0.1").status_code == 429
        assert api.get(f"/api/v1/plans/{PLAN}/articles/3/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_health_checks_are_not_throttled(api):
    with _rate("1/minute"):
        api.get(f"/api/v1/plans/{PLAN}/articles/1/")
        assert api.get(f"/api/v1/plans/{PLAN}/articles/2/").status_code == 429
        assert [api.get("/readyz").status_code for _ in range(3)] == [200, 200, 200]
        assert [api.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]


def test_healthz_says_the_process_is_alive(api, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_says_the_database_answers_and_a_plan_is_loaded(api):
    response = api.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "plans": 1}


def test_readyz_is_503_while_no_plan_is_loaded(api):
    from articles.models import Plan

    Plan.objects.all().delete()  # rolled back after the test
    response = api.get("/readyz")
    _assert_problem(response, 503)
    assert response["Retry-After"]


def test_a_write_is_405_in_the_problem_shape(api):
    for method in (api.post, api.put, api.delete, api.patch):
        response = method(f"/api/v1/plans/{PLAN}/articles/1/")
        _assert_problem(response, 405)
    assert _assert_problem(api.post("/healthz"), 405)


def test_an_unknown_path_is_404_in_the_problem_shape(api):
    body = _assert_problem(api.get("/api/v1/nothing-here/"), 404)
    assert "/api/v1/nothing-here/" in body["detail"]
    _assert_problem(api.get("/admin/"), 404)  # the admin is off unless ADMIN_PATH is set


def test_an_unservable_accept_is_406_in_the_problem_shape(api):
    _assert_problem(api.get(f"/api/v1/plans/{PLAN}/", HTTP_ACCEPT="image/png"), 406)


def test_page_size_above_the_cap_is_400_with_a_field_error(api):
    body = _assert_problem(api.get(f"/api/v1/plans/{PLAN}/articles/?page_size=101"), 400)
    assert body["errors"] == {"page_size": ["must be a whole number from 1 to 100, not '101'"]}


def test_an_overlong_query_value_is_400_with_a_field_error(api):
    body = _assert_problem(api.get(f"/api/v1/plans/{PLAN}/articles/?q={'天' * 201}"), 400)
    assert body["errors"] == {"q": ["is 201 characters long; at most 200 are allowed"]}


def test_an_overlong_query_string_is_414(api):
    query = "&".join(f"p{n}=x" for n in range(1000))  # 6,889 bytes
    _assert_problem(api.get(f"/api/v1/plans/{PLAN}/articles/?{query}"), 414)


def test_any_origin_may_read_without_credentials(api):
    response = api.get(f"/api/v1/plans/{PLAN}/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    # The cached copy gets the CORS headers of the request that reads it, not of the one that filled it.
    assert "Access-Control-Allow-Origin" not in api.get(f"/api/v1/plans/{PLAN}/")
    cached = api.get(f"/api/v1/plans/{PLAN}/", HTTP_ORIGIN="https://example.com")
    assert cached["X-Cache"] == "HIT"
    assert cached["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_allows_only_reads(api):
    response = api.options(
        f"/api/v1/plans/{PLAN}/", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert response.status_code == 200
    assert set(response["Access-Control-Allow-Methods"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_security_headers_are_sent(api):
    response = api.get(f"/api/v1/plans/{PLAN}/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # plain HTTP: HSTS only behind TLS


def test_hsts_is_sent_behind_tls(api):
    with override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        response = api.get(f"/api/v1/plans/{PLAN}/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_a_plan_says_its_version_and_when_it_was_loaded(api):
    body = api.get(f"/api/v1/plans/{PLAN}/").json()
    assert len(body["version"]) == 64
    assert body["updated_at"]


@override_settings(ROOT_URLCONF="tests.urls_streaming")
def test_a_view_outside_drf_that_loses_the_database_answers_503(api):
    response = api.get("/api/v1/test-database-gone/")
    body = _assert_problem(response, 503)
    assert "database" in body["detail"]
    assert response["Retry-After"] == str(settings.DATABASE_RETRY_AFTER)
    assert response["Cache-Control"] == "no-store"


def test_a_throttled_answer_may_not_be_cached(api):
    with _rate("1/minute"):
        api.get(f"/api/v1/plans/{PLAN}/articles/1/")
        response = api.get(f"/api/v1/plans/{PLAN}/articles/2/")
    assert response.status_code == 429
    assert response["Cache-Control"] == "no-store"
