"""OPTIONS is answered the same way everywhere: 200 with `Allow` listing OPTIONS where a resource answers it, or a
405 problem whose `Allow` does not list it."""

import re

from tests.conftest import PLAN

PATH_VALUES = {"plan": PLAN, "number": "6", "slug": "lu-ban-gong-fang", "term": "京津冀"}


def documented_paths(api):
    spec = api.get("/api/v1/schema/?format=json").json()
    return [re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m[1]], template) for template in spec["paths"]]


def allowed(response):
    return {method.strip() for method in response["Allow"].split(",")}


def test_every_endpoint_of_the_api_answers_options_with_200_and_allow(api):
    paths = [*documented_paths(api), "/api/v1/schema/", "/api/v1/docs/"]
    assert len(paths) >= 20
    for path in paths:
        response = api.options(path, HTTP_ORIGIN="https://example.org")
        assert response.status_code == 200, path
        assert allowed(response) == {"GET", "HEAD", "OPTIONS"}, path
        assert response["Content-Type"] == "application/json", path
        assert response.json()["name"], path
        assert response["Access-Control-Allow-Origin"] == "*", path


def test_the_schema_and_docs_describe_themselves_on_options(api):
    assert api.options("/api/v1/schema/").json()["description"] == (
        "The OpenAPI 3.1 document of this API: YAML, or JSON with `?format=json`."
    )
    assert api.options("/api/v1/docs/").json()["renders"] == ["text/html"]


def test_where_options_is_not_answered_allow_does_not_list_it(api):
    for path in ("/healthz", "/readyz", "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css"):
        response = api.options(path)
        assert response.status_code == 405, path
        assert response["Content-Type"] == "application/problem+json", path
        assert allowed(response) == {"GET", "HEAD"}, path


def test_a_write_to_the_schema_or_docs_is_405_and_allow_lists_what_is_answered(api):
    for path in ("/api/v1/schema/", "/api/v1/docs/"):
        response = api.post(path)
        assert response.status_code == 405
        assert response["Content-Type"] == "application/problem+json"
        assert allowed(response) == {"GET", "HEAD", "OPTIONS"}
        assert api.options(path).status_code == 200


def test_options_is_described_in_json_whatever_accept_or_format_ask_for(api):
    for path, query, accept in [
        (f"/api/v1/plans/{PLAN}/articles/", "", "text/html"),
        (f"/api/v1/plans/{PLAN}/articles/", "?format=csv", "*/*"),
        ("/api/v1/docs/", "", "application/json"),
        ("/api/v1/schema/", "?format=json", "application/vnd.oai.openapi+json"),
    ]:
        response = api.options(path + query, HTTP_ACCEPT=accept)
        assert (response.status_code, response["Content-Type"]) == (200, "application/json"), (path, query, accept)
        assert allowed(response) == {"GET", "HEAD", "OPTIONS"}
