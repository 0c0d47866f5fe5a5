"""The bulk download: a Frictionless Data Package that validates and loads in pandas with its schema's types."""

import hashlib
import io
import json
import zipfile

import pytest
from django.conf import settings

from tests.conftest import PLAN

RESOURCES = [
    "chapters",
    "articles",
    "paragraphs",
    "goals",
    "targets",
    "principles",
    "initiatives",
    "mentions",
    "errata",
]


@pytest.fixture(scope="module")
def package(django_db_setup, django_db_blocker, tmp_path_factory):
    """The zip as downloaded once, unpacked into a folder."""
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get(f"/api/v1/plans/{PLAN}/datapackage.zip")
    folder = tmp_path_factory.mktemp("datapackage")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        archive.extractall(folder)
    return {"response": response, "folder": folder, "names": names}


def test_the_data_package_is_a_zip_with_a_descriptor_and_one_csv_per_resource(package):
    response = package["response"]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{PLAN}-datapackage.zip"'
    assert package["names"] == ["datapackage.json"] + [f"{name}.csv" for name in RESOURCES]


def test_the_descriptor_names_title_licence_sources_version_and_the_source_sha256(package, api):
    descriptor = json.loads((package["folder"] / "datapackage.json").read_text(encoding="utf-8"))
    source_file = settings.PLAN_FIXTURES_DIR / PLAN / f"{PLAN}.txt"
    plan = api.get("/api/v1/plans/").json()["results"][0]
    assert descriptor["name"] == PLAN
    assert descriptor["title"] == "中共天津市委關于制定天津市國民經濟和社會發展第十五個五年規劃的建議"
    assert descriptor["licenses"] == [
        {"name": "CC0-1.0", "path": "https://spdx.org/licenses/CC0-1.0.html", "title": "CC0-1.0"}
    ]
    assert descriptor["sources"] == [{"title": f"{PLAN}.txt", "path": f"http://testserver/api/v1/plans/{PLAN}/source"}]
    assert descriptor["source"]["sha256"] == hashlib.sha256(source_file.read_bytes()).hexdigest()
    assert descriptor["version"] == plan["version"]
    assert [resource["name"] for resource in descriptor["resources"]] == RESOURCES


def test_the_data_package_passes_frictionless_validation(package):
    from frictionless import validate  # heavy: imported only by the tests that use it

    report = validate(str(package["folder"] / "datapackage.json"))
    assert report.valid, report.flatten(["title", "message"])
    assert [task.name for task in report.tasks] == RESOURCES
    assert {task.stats["rows"] for task in report.tasks if task.name == "articles"} == {52}


def test_every_table_loads_in_pandas_with_the_types_its_schema_says(package):
    import pandas as pd  # heavy: imported only by the tests that use it

    descriptor = json.loads((package["folder"] / "datapackage.json").read_text(encoding="utf-8"))
    rows = {}
    for resource in descriptor["resources"]:
        fields = resource["schema"]["fields"]
        dtypes = {f["name"]: ("Int64" if f["type"] == "integer" else "string") for f in fields}
        frame = pd.read_csv(package["folder"] / resource["path"], dtype=dtypes, keep_default_na=False, na_values=[""])
        assert list(frame.columns) == [f["name"] for f in fields]
        for f in fields:
            if f.get("constraints", {}).get("required"):
                assert frame[f["name"]].notna().all(), (resource["name"], f["name"])
        # A plain read_csv, no dtypes given, also yields integers for the required integer columns.
        plain = pd.read_csv(package["folder"] / resource["path"])
        for f in fields:
            if f["type"] == "integer" and f.get("constraints", {}).get("required"):
                assert pd.api.types.is_integer_dtype(plain[f["name"]]), (resource["name"], f["name"])
        rows[resource["name"]] = frame
    assert len(rows["articles"]) == 52
    assert len(rows["chapters"]) == 12
    assert rows["articles"].loc[12, "title"] == "大力發展先進制造業"
    # Paragraph rows join back to their articles.
    assert rows["paragraphs"].groupby("article").size().to_dict() == dict(
        zip(rows["articles"]["number"], rows["articles"]["paragraph_count"], strict=True)
    )
    assert rows["mentions"]["count"].sum() == rows["initiatives"]["mention_count"].sum()


def test_the_data_package_is_served_to_a_client_that_accepts_only_zip(api):
    response = api.get(f"/api/v1/plans/{PLAN}/datapackage.zip", HTTP_ACCEPT="application/zip")
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_the_data_package_of_an_unknown_plan_is_a_404_and_a_bad_script_a_400(api):
    response = api.get("/api/v1/plans/nope/datapackage.zip", HTTP_ACCEPT="application/zip")
    assert response["Content-Type"] == "application/problem+json"
    assert response.status_code == 404
    assert response.json()["detail"] == "No plan with slug 'nope'."
    response = api.get(f"/api/v1/plans/{PLAN}/datapackage.zip", {"script": "fr"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "script": ["unknown script 'fr'; use one of zh-Hant, zh-Hans, zh-Hant-TW, zh-Hant-HK"]
    }
