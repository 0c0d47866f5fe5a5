"""An erratum's place in the source file: `line` and `column` both count from 1, as editors show them.

The expectations come from the seed README's errata table (tests/text.py): the column is where the span as
received starts in its line, counted in characters from 1, so that `line:column` is what an editor's
go-to-line shows and the span is `line[column - 1 : column - 1 + len(as_received)]`.
"""

import csv
import io
import json
import zipfile

from django.conf import settings

from articles.builder import GENERATED
from tests.text import PLAN, RAW_LINES, README_ERRATA


def readme_places():
    """(line, column, as_received) of each erratum of the seed README, the column counted from 1."""
    return [
        (line, RAW_LINES[line - 1].index(as_received) + 1, as_received) for line, _, as_received, _ in README_ERRATA
    ]


def test_the_readme_errata_start_where_their_columns_say_counting_from_one():
    for line, column, as_received in readme_places():
        assert RAW_LINES[line - 1][column - 1 : column - 1 + len(as_received)] == as_received
    assert readme_places()[0][:2] == (5, 18)  # 取得顯著成效?!… begins at the 18th character of line 5


def test_the_built_fixture_counts_columns_from_one():
    data = json.loads((settings.PLAN_FIXTURES_DIR / PLAN / GENERATED).read_bytes())
    errata = data["plan"]["source"]["errata"]
    assert [(e["line"], e["column"], e["as_received"]) for e in errata] == readme_places()


def test_the_api_counts_columns_from_one(api):
    errata = api.get(f"/api/v1/plans/{PLAN}/").json()["source"]["errata"]
    assert [(e["line"], e["column"], e["as_received"]) for e in errata] == readme_places()


def test_the_data_package_counts_columns_from_one_and_says_so(api):
    response = api.get(f"/api/v1/plans/{PLAN}/datapackage.zip")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        rows = list(csv.DictReader(io.StringIO(archive.read("errata.csv").decode("utf-8-sig"), newline="")))
    assert [(int(r["line"]), int(r["column"]), r["as_received"]) for r in rows] == readme_places()
    errata = next(resource for resource in descriptor["resources"] if resource["name"] == "errata")
    fields = {field["name"]: field["description"] for field in errata["schema"]["fields"]}
    assert "from 1" in fields["line"]
    assert "from 1" in fields["column"]


def test_the_openapi_document_says_line_and_column_count_from_one(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    properties = schema["components"]["schemas"]["Erratum"]["properties"]
    assert "from 1" in properties["line"]["description"]
    assert "from 1" in properties["column"]["description"]
