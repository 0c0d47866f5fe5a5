"""The OpenAPI document describes the formats, the script, the terms and the data package."""

import pytest
from django.core.management import call_command

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def parameters(operation):
    return {(p["name"], p["in"]): p for p in operation["parameters"]}


def enum(schema, document):
    """The values of an enum, written in place or as the component the schema refers to."""
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].removeprefix("#/components/schemas/")]
    return schema["enum"]


def test_every_collection_documents_format_and_script_and_its_csv_ndjson_and_excel_bodies(schema):
    articles = schema["paths"]["/api/v1/plans/{plan}/articles/"]["get"]
    params = parameters(articles)
    assert sorted(enum(params[("format", "query")]["schema"], schema)) == ["csv", "json", "ndjson", "xlsx"]
    assert sorted(enum(params[("script", "query")]["schema"], schema)) == [
        "zh-Hans",
        "zh-Hant",
        "zh-Hant-HK",
        "zh-Hant-TW",
    ]
    assert ("Accept-Language", "header") in params
    ok = articles["responses"]["200"]
    assert set(ok["content"]) == {"application/json", "text/csv", "application/x-ndjson", XLSX}
    assert ok["content"]["text/csv"]["schema"]["type"] == "string"
    assert ok["content"][XLSX]["schema"]["contentMediaType"] == XLSX
    assert "Excel" in ok["content"][XLSX]["schema"]["description"]
    assert sorted(enum(ok["headers"]["Content-Language"]["schema"], schema)) == [
        "zh-Hans",
        "zh-Hant",
        "zh-Hant-HK",
        "zh-Hant-TW",
    ]


def test_the_terms_and_the_data_package_are_documented(schema):
    terms = schema["paths"]["/api/v1/plans/{plan}/terms/"]["get"]
    assert {"top", "chapter", "article", "min_length", "script", "format"} <= {name for name, _ in parameters(terms)}
    term = schema["paths"]["/api/v1/plans/{plan}/terms/{term}/"]["get"]
    assert ("term", "path") in parameters(term)
    package = schema["paths"]["/api/v1/plans/{plan}/datapackage.zip"]["get"]
    assert list(package["responses"]["200"]["content"]) == ["application/zip"]
    assert ("script", "query") in parameters(package)


def test_the_openapi_document_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
