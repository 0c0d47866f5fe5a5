import json
import re

import pytest
import yaml
from openapi_schema_validator import OAS31Validator, oas31_format_checker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.text import PLAN

SPEC_URI = "urn:plan-api:openapi"


@pytest.fixture(scope="module")
def spec(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_schema_is_served_as_yaml_by_default_and_as_json_on_request(api, spec):
    default = api.get("/api/v1/schema/")
    assert default.status_code == 200
    assert default["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml.safe_load(default.content) == spec
    as_json = api.get("/api/v1/schema/?format=json")
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")


def test_schema_is_a_valid_openapi_document(spec):
    validate(spec)
    assert spec["openapi"] == "3.1.0"


# Real values for the path parameters of every documented path.
PATH_VALUES = {"plan": PLAN, "number": "6", "slug": "lu-ban-gong-fang", "term": "京津冀"}

# The foundation's paths; later features add more, and every documented path is checked.
FOUNDATION_PATHS = {
    "/api/v1/",
    "/api/v1/plans/",
    "/api/v1/plans/{plan}/",
    "/api/v1/plans/{plan}/source",
    *(f"/api/v1/plans/{{plan}}/{name}/" for name in ("chapters", "articles", "goals", "principles", "initiatives")),
    *(f"/api/v1/plans/{{plan}}/{name}/{{number}}/" for name in ("chapters", "articles", "goals", "principles")),
    "/api/v1/plans/{plan}/initiatives/{slug}/",
}


# Real values for required query parameters (the search's `q`).
REQUIRED_VALUES = {"q": "京津冀"}


def real_path(template):
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m[1]], template)


def required_query(operation):
    return {
        p["name"]: REQUIRED_VALUES[p["name"]]
        for p in operation.get("parameters", [])
        if p.get("required") and p["in"] == "query"
    }


def response_validator(spec, pointer):
    """A validator for the schema at `pointer` in the document, its $refs resolved by `referencing`."""
    registry = Registry().with_resource(SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012))
    return OAS31Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry, format_checker=oas31_format_checker)


def escape(token):
    return token.replace("~", "~0").replace("/", "~1")


def test_every_documented_path_answers_as_documented(api, spec):
    paths = [path for path, item in spec["paths"].items() if "get" in item]
    assert FOUNDATION_PATHS <= set(paths)
    for template in paths:
        response = api.get(real_path(template), required_query(spec["paths"][template]["get"]))
        assert response.status_code == 200, template
        content = spec["paths"][template]["get"]["responses"]["200"]["content"]
        media_type = response["Content-Type"].split(";")[0]
        assert media_type in content, (template, media_type)
        if media_type == "application/json":
            pointer = f"/paths/{escape(template)}/get/responses/200/content/{escape(media_type)}/schema"
            errors = list(response_validator(spec, pointer).iter_errors(response.json()))
            assert errors == [], (template, [e.message for e in errors[:3]])
        else:
            assert content[media_type]["schema"]["type"] == "string"


def error_request(template, status, operation):
    """A request that must give `status` on the path `template`, and the query for it."""
    if status == 400:
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        return real_path(template), {"page": "0"} if "page" in names else {"script": "fr"}
    if status == 404 and "{" in template:
        return re.sub(r"\{\w+\}", "no-such-thing", template), {}
    if status == 404:
        return template, {"page": "999"}
    if status == 414:
        return real_path(template), {f"p{i}": "x" * 150 for i in range(30)}  # 4,650 bytes
    return real_path(template), {}


# Answers that need a state of the server rather than a request: tested in test_http_caching.py (304),
# test_limits_and_errors.py (429) and test_database_outage.py (503).
STATEFUL = {"304", "429", "503"}


def test_every_documented_error_answers_as_documented(api, spec):
    checked = 0
    for template, item in spec["paths"].items():
        for status, documented in item["get"]["responses"].items():
            if status == "200" or status in STATEFUL:
                continue
            path, query = error_request(template, int(status), item["get"])
            headers = {"HTTP_ACCEPT": "application/x-nothing"} if status == "406" else {}
            response = api.get(path, {**required_query(item["get"]), **query}, **headers)
            assert response.status_code == int(status), (template, status)
            assert response["Content-Type"] in documented["content"], (template, status)
            pointer = f"/paths/{escape(template)}/get/responses/{status}/content/application~1problem+json/schema"
            errors = list(response_validator(spec, pointer).iter_errors(response.json()))
            assert errors == [], (template, status, [e.message for e in errors[:3]])
            checked += 1
    # At least: 406 on the 14 foundation paths, 404 on 13 (not the index), 400 on the 6 lists (not the source:
    # its only query parameter is format).
    assert checked >= 14 + 13 + 6


def test_the_validator_catches_a_body_that_breaks_the_schema(spec):
    pointer = "/components/schemas/Article"
    assert not response_validator(spec, pointer).is_valid({"number": "one"})


# Real values for free-text query parameters.
EXAMPLE_VALUES = {
    "initiative": ["lu-ban-gong-fang"],
    "plan": [PLAN],
    "q": ["京津冀", "新质生产力"],
    "type": ["article", "chapter,goal"],
}


def resolve(spec, schema):
    """The schema itself, or the component it refers to (named enums: Script, Format, ArticleOrdering…)."""
    if "$ref" in schema:
        return spec["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
    return schema


def example_values(spec, parameter):
    schema = resolve(spec, parameter["schema"])
    if schema.get("type") == "array" and "enum" in resolve(spec, schema["items"]):
        return resolve(spec, schema["items"])["enum"]
    if "enum" in schema:
        return schema["enum"]
    if schema.get("type") == "integer":
        return [schema.get("minimum", 1), schema.get("maximum", 1)]
    return EXAMPLE_VALUES.get(parameter["name"], ["x"])


def test_ordering_lists_the_fields_each_collection_accepts(spec):
    ordering = {
        path: resolve(spec, next(p for p in item["get"]["parameters"] if p["name"] == "ordering")["schema"]["items"])[
            "enum"
        ]
        for path, item in spec["paths"].items()
        if any(p["name"] == "ordering" for p in item["get"].get("parameters", []))
    }
    assert ordering["/api/v1/plans/{plan}/articles/"] == ["number", "chapter", "title", "-number", "-chapter", "-title"]
    assert ordering["/api/v1/plans/{plan}/initiatives/"][:4] == ["position", "slug", "name", "kind"]
    assert ordering["/api/v1/plans/"] == ["slug", "adopted_on", "title", "-slug", "-adopted_on", "-title"]


def test_every_documented_query_parameter_is_accepted_with_a_documented_value(api, spec):
    for template, item in spec["paths"].items():
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] != "query" or parameter["name"] == "format":
                continue
            for value in example_values(spec, parameter):
                query = (
                    {"page_size": 1, parameter["name"]: value}
                    if template.endswith("s/")
                    else {parameter["name"]: value}
                )
                response = api.get(real_path(template), {**required_query(item["get"]), **query})
                assert response.status_code == 200, (template, parameter["name"], value, response.content[:200])


def test_docs_serve_swagger_ui_from_the_sidecar_without_external_urls(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "SwaggerUIBundle" in html
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assets = re.findall(r"(?:src|href)=\"(/static/[^\"]+)\"", html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    assert all("drf_spectacular_sidecar" in a for a in assets)
    for asset in assets:
        served = api.get(asset)
        assert served.status_code == 200, asset
        assert b"".join(served.streaming_content)
        served.close()
    assert "/api/v1/schema/" in html
