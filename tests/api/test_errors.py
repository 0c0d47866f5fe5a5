"""Bad requests get a 4xx in the problem-details shape with a message saying what is wrong, never a 500."""

import pytest

from tests.text import PLAN

P = f"/api/v1/plans/{PLAN}"
LISTS = [f"{P}/chapters/", f"{P}/articles/", f"{P}/goals/", f"{P}/principles/", f"{P}/initiatives/", "/api/v1/plans/"]
DETAILS = [
    f"{P}/",
    f"{P}/chapters/1/",
    f"{P}/articles/1/",
    f"{P}/goals/1/",
    f"{P}/principles/1/",
    f"{P}/initiatives/shi-xiang-xing-dong/",
]
OTHERS = ["/api/v1/", f"{P}/source", "/api/v1/schema/", "/api/v1/docs/"]
HUGE = "99999999999999999999"


def assert_problem(response, status, *, mentions=None):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    if mentions:
        assert mentions in str(body), body
    return body


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/plans/no-such-plan/",
        f"{P}/chapters/13/",
        f"{P}/chapters/0/",
        f"{P}/articles/53/",
        f"{P}/articles/abc/",
        f"{P}/articles/{HUGE}/",
        f"{P}/articles/-1/",
        f"{P}/goals/9/",
        f"{P}/principles/7/",
        f"{P}/initiatives/no-such-initiative/",
        "/api/v1/plans/no-such-plan/source",
        "/api/v1/no-such-collection/",
        "/api/v2/plans/",
        f"{P}/articles/1/paragraphs/",
    ],
)
def test_unknown_things_are_404(api, path):
    assert_problem(api.get(path), 404)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("chapter=abc", "chapter"),
        ("chapter=1.5", "chapter"),
        (f"chapter={HUGE}", "chapter"),
        ("chapter=-1", "chapter"),
        ("number_min=-1", "number_min"),
        ("number_max=abc", "number_max"),
        (f"number_min={HUGE}", "number_min"),
        ("initiative=" + "x" * 101, "initiative"),
        ("ordering=foo", "ordering"),
        ("ordering=-", "ordering"),
        ("ordering=number,foo", "ordering"),
        ("ordering=paragraphs", "ordering"),
        ("ordering=title,title", "ordering"),
        ("ordering=", "ordering"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=-1", "page"),
        ("page=1.0", "page"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=abc", "page_size"),
        (f"page_size={HUGE}", "page_size"),
    ],
)
def test_malformed_article_parameters_are_400_naming_the_parameter(api, query, parameter):
    body = assert_problem(api.get(f"{P}/articles/?{query}"), 400)
    assert list(body["errors"]) == [parameter]
    assert body["detail"].startswith(f"Invalid {parameter}: ")


@pytest.mark.parametrize(
    "url",
    [
        f"{P}/initiatives/?kind=nope",
        f"{P}/initiatives/?kind=brand&kind=nope",
        f"{P}/initiatives/?article=abc",
        f"{P}/initiatives/?chapter={HUGE}",
        f"{P}/initiatives/?ordering=mentions",
        f"{P}/goals/?horizon=abc",
        f"{P}/goals/?horizon={HUGE}",
        f"{P}/principles/?ordering=title",
        f"{P}/chapters/?page_size=101",
        "/api/v1/plans/?page=abc",
        "/api/v1/plans/?ordering=version",
    ],
)
def test_malformed_parameters_of_other_collections_are_400(api, url):
    assert_problem(api.get(url), 400)


@pytest.mark.parametrize("url", [*LISTS])
def test_a_page_beyond_the_last_is_404(api, url):
    assert_problem(api.get(f"{url}?page=999"), 404)
    assert_problem(api.get(f"{url}?page={HUGE}"), 404)


@pytest.mark.parametrize("url", LISTS + DETAILS + OTHERS)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(api, url, method):
    response = getattr(api, method)(url, {"title": "x"}, format="json")
    body = assert_problem(response, 405)
    assert method.upper() in body["detail"]
    assert method.upper() not in response["Allow"]


@pytest.mark.parametrize(
    "url",
    [
        f"{P}/articles/?chapter=1%00",
        f"{P}/articles/?initiative=%00",
        f"{P}/articles/?ordering=number%00",
        f"{P}/articles/?%00=1",
        f"{P}/initiatives/?kind=brand%00",
        f"{P}/articles/1%00/",
        f"/api/v1/plans/{PLAN}%00/",
        f"/api/v1/plans/{PLAN}%00/source",
        f"{P}/initiatives/lu-ban%00/",
    ],
)
def test_nul_bytes_in_the_path_or_parameters_are_400(api, url):
    assert_problem(api.get(url), 400, mentions="NUL")


def test_errors_stay_problem_json_whatever_the_client_accepts(api):
    assert_problem(api.get(f"{P}/articles/99/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8"), 404)
    assert_problem(api.get("/api/v1/plans/no-such-plan/source", HTTP_ACCEPT="text/plain"), 404)
    # The schema view renders YAML and the docs view HTML, but their errors are JSON too.
    assert_problem(api.post("/api/v1/schema/?format=yaml"), 405)
    assert_problem(api.delete("/api/v1/docs/", HTTP_ACCEPT="text/html"), 405)


@pytest.mark.parametrize("accept", ["application/xml", "text/html", "text/plain"])
def test_an_unsupported_media_type_is_refused_not_crashed(api, accept):
    assert_problem(api.get(f"{P}/articles/", HTTP_ACCEPT=accept), 406)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/",
        f"/api/v1/plans/{PLAN}/source",
        f"/api/v1/plans/{PLAN}/terms/",
        f"/api/v1/plans/{PLAN}/terms/京津冀/",
        f"/api/v1/plans/{PLAN}/datapackage.zip",
    ],
)
def test_head_is_answered_wherever_get_is(api, path):
    get, head = api.get(path), api.head(path)
    assert (get.status_code, head.status_code) == (200, 200)
    assert head.content == b""
    assert head["Content-Type"] == get["Content-Type"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/schema/"])
def test_options_on_the_docs_and_schema_is_answered_in_json_not_a_500(api, path):
    # Answered as on every endpoint (tests/test_options.py), in JSON whatever the page's own renderer.
    response = api.options(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_errors_made_before_any_view_look_like_every_other_error(api):
    nul = api.get(f"/api/v1/plans/{PLAN}/articles/", {"chapter": "\x00"})
    routing = api.get("/api/v1/nothing-here/")
    view = api.get(f"/api/v1/plans/{PLAN}/articles/99/")
    for response in (nul, routing, view):
        assert response["Content-Type"] == "application/problem+json"
        assert response["Content-Language"] == "zh-Hant"
        assert b'", "' not in response.content  # compact JSON, as DRF writes it
