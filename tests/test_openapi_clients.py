"""The OpenAPI document is good enough for client generators: a Python client generated from what the server
serves (openapi-python-client) installs, and reads articles, a search and the data package from a real server.

Also what makes it so, checked on the document: a valid version, typed lists of texts, one named component per
shared enum, enum members a generator can name, the zip described, and `ordering` as an array.
"""

import importlib
import io
import json
import os
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests import live
from tests.conftest import PLAN

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def spec(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/schema/?format=json").json()


def component(spec, schema):
    assert set(schema) == {"$ref"}, schema
    return spec["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]


def test_the_document_version_is_a_valid_package_version(spec):
    assert spec["info"]["version"] == "1.0.0"


def test_lists_of_paragraphs_are_typed_as_lists_of_texts(spec):
    schemas = spec["components"]["schemas"]
    texts = {"type": "array", "items": {"type": "string"}}
    for name, field in [("Article", "paragraphs"), ("Chapter", "intro"), ("Plan", "preamble"), ("Plan", "closing")]:
        assert {key: schemas[name]["properties"][field][key] for key in texts} == texts, (name, field)


def test_script_and_format_are_each_one_component_that_every_operation_refers_to(spec):
    text = json.dumps(spec)
    assert text.count('"zh-Hant-HK"') == 1
    assert text.count('"ndjson"') == 1
    assert spec["components"]["schemas"]["Script"] == {
        "type": "string",
        "enum": ["zh-Hant", "zh-Hans", "zh-Hant-TW", "zh-Hant-HK"],
    }
    assert spec["components"]["schemas"]["Format"] == {"type": "string", "enum": ["csv", "json", "ndjson", "xlsx"]}
    operations = [item["get"] for item in spec["paths"].values()]
    scripts = [p["schema"] for o in operations for p in o["parameters"] if p["name"] == "script"]
    assert len(scripts) == len(operations) - 1  # all but the source text, which is always as received
    assert all(schema == {"$ref": "#/components/schemas/Script"} for schema in scripts)


def test_search_type_and_initiative_kind_are_the_enums_of_the_results(spec):
    search = {p["name"]: p for p in spec["paths"]["/api/v1/search/"]["get"]["parameters"]}
    assert search["type"]["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/SearchType"}}
    assert spec["components"]["schemas"]["SearchResult"]["properties"]["type"]["allOf"] == [
        {"$ref": "#/components/schemas/SearchType"}
    ]
    assert component(spec, search["type"]["schema"]["items"])["enum"] == [
        "article",
        "chapter",
        "goal",
        "principle",
        "initiative",
    ]
    initiatives = {p["name"]: p for p in spec["paths"]["/api/v1/plans/{plan}/initiatives/"]["get"]["parameters"]}
    assert initiatives["kind"]["schema"]["items"] == {"$ref": "#/components/schemas/InitiativeKind"}


def test_ordering_is_an_exploded_array_of_a_named_enum_with_names_for_descending(spec):
    ordering = next(
        p for p in spec["paths"]["/api/v1/plans/{plan}/articles/"]["get"]["parameters"] if p["name"] == "ordering"
    )
    assert (ordering["style"], ordering["explode"], ordering["schema"]["type"]) == ("form", True, "array")
    assert component(spec, ordering["schema"]["items"]) == {
        "type": "string",
        "enum": ["number", "chapter", "title", "-number", "-chapter", "-title"],
        "x-enum-varnames": ["NUMBER", "CHAPTER", "TITLE", "NUMBER_DESC", "CHAPTER_DESC", "TITLE_DESC"],
    }


def test_the_data_package_is_described_as_a_zip_download(spec):
    ok = spec["paths"]["/api/v1/plans/{plan}/datapackage.zip"]["get"]["responses"]["200"]
    assert ok["content"] == {
        "application/zip": {"schema": {"type": "string", "format": "binary", "contentMediaType": "application/zip"}}
    }
    assert "datapackage.json" in ok["description"] and "articles.csv" in ok["description"]
    assert "attachment" in ok["headers"]["Content-Disposition"]["description"]


def numbers(response):
    return [article["number"] for article in response.json()["results"]]


def test_a_repeated_ordering_orders_as_the_same_fields_separated_by_commas(api):
    articles = f"/api/v1/plans/{PLAN}/articles/"
    repeated = api.get(f"{articles}?ordering=-chapter&ordering=title&page_size=5")
    assert repeated.status_code == 200
    assert numbers(repeated) == numbers(api.get(f"{articles}?ordering=-chapter,title&page_size=5"))
    assert numbers(repeated) != numbers(api.get(f"{articles}?ordering=title&page_size=5"))  # not the last one only


def test_a_value_given_in_two_ordering_parameters_is_a_400_as_in_one(api):
    for query in ("ordering=-number&ordering=-number", "ordering=-number,-number"):
        response = api.get(f"/api/v1/plans/{PLAN}/articles/?{query}")
        assert response.status_code == 400
        assert response.json()["errors"] == {"ordering": ["'-number' is given more than once"]}
    response = api.get(f"/api/v1/plans/{PLAN}/articles/?ordering=-number&ordering=nonsense")
    assert response.json()["errors"]["ordering"][0].startswith("unknown ordering '-number,nonsense'")


# The generated client, against a real server.


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), live.development_server() as base:
        yield base


@pytest.fixture(scope="module")
def plan_api_client(server, tmp_path_factory):
    """The package openapi-python-client generates from the document the server serves, installed with pip."""
    work = tmp_path_factory.mktemp("client")
    with urllib.request.urlopen(f"{server}/api/v1/schema/?format=json", timeout=30) as response:
        (work / "openapi.json").write_bytes(response.read())
    generated = subprocess.run(
        [BIN / "openapi-python-client", "generate", "--path", "openapi.json"]
        + ["--config", live.BASE_DIR / "openapi-python-client.yaml"],
        cwd=work,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"},  # it formats its output with ruff
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout  # nothing of the document was left out
    # Installed as `pip install ./plan-api-client` would, without fetching its build backend and dependencies
    # (poetry-core, httpx, attrs: requirements-test.txt has them).
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--target", work / "site", work / "plan-api-client"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    sys.path.insert(0, str(work / "site"))
    try:
        yield importlib.import_module("plan_api_client")
    finally:
        sys.path.remove(str(work / "site"))
        for name in [name for name in sys.modules if name.split(".")[0] == "plan_api_client"]:
            del sys.modules[name]


def test_a_generated_client_lists_articles_filtered_and_ordered_descending(plan_api_client, server, api):
    from plan_api_client.api.plans import plans_articles_list
    from plan_api_client.models import ArticleOrdering

    client = plan_api_client.Client(base_url=server)
    page = plans_articles_list.sync(PLAN, client=client, chapter=3, ordering=[ArticleOrdering.NUMBER_DESC])
    assert (page.count, [article.number for article in page.results]) == (3, [9, 8, 7])
    assert page.results[0].title == "深化拓展重點領域合作"

    # Two fields: the client repeats the parameter, and the server orders by both.
    ordering = [ArticleOrdering.CHAPTER_DESC, ArticleOrdering.TITLE]
    page = plans_articles_list.sync(PLAN, client=client, ordering=ordering, page_size=5)
    expected = api.get(f"/api/v1/plans/{PLAN}/articles/?ordering=-chapter,title&page_size=5").json()
    assert [article.number for article in page.results] == [article["number"] for article in expected["results"]]


def test_a_generated_client_gets_an_article_with_its_paragraphs(plan_api_client, server):
    from plan_api_client.api.plans import plans_articles_retrieve

    article = plans_articles_retrieve.sync(PLAN, 12, client=plan_api_client.Client(base_url=server))
    assert (article.number, article.title, article.chapter.number) == (12, "加強科創園區建設", 4)
    assert article.paragraphs[0].startswith("加強科創園區建設。以天開高教科創園為重點")
    assert [initiative.slug for initiative in article.initiatives] == ["tian-kai-gao-jiao-ke-chuang-yuan"]


def test_a_generated_client_searches_in_simplified_characters(plan_api_client, server):
    from plan_api_client.api.search import search_list
    from plan_api_client.models import Script, SearchType

    client = plan_api_client.Client(base_url=server)
    found = search_list.sync(client=client, q="新质生产力", type_=[SearchType.ARTICLE], script=Script.ZH_HANS)
    assert found.count == 5
    assert {result.type_ for result in found.results} == {SearchType.ARTICLE}
    assert {result.number for result in found.results} == {1, 4, 5, 6, 30}
    assert all("<mark>新质生产力</mark>" in result.snippet for result in found.results)


def test_a_generated_client_fetches_the_data_package(plan_api_client, server):
    from plan_api_client.api.plans import plans_datapackage_retrieve
    from plan_api_client.models import Script

    client = plan_api_client.Client(base_url=server)
    response = plans_datapackage_retrieve.sync_detailed(PLAN, client=client, script=Script.ZH_HANS)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (f'attachment; filename="{PLAN}-zh-Hans-datapackage.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.parsed.payload.read()))
    tables = ["chapters", "articles", "paragraphs", "goals", "targets", "principles", "initiatives", "mentions"]
    assert set(archive.namelist()) == {"datapackage.json", *(f"{table}.csv" for table in [*tables, "errata"])}
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["title"].startswith("中共天津市委关于制定天津市国民经济和社会发展第十五个五年规划的建议")
    assert archive.read("articles.csv").decode("utf-8-sig").count("\n") >= 53  # a header and 52 articles
