"""CSV, NDJSON and Excel on every collection: what Excel, pandas and Python's csv module see."""

import csv
import io
import json

import pytest

from tests.conftest import PLAN

ARTICLES = f"/api/v1/plans/{PLAN}/articles/"


def streamed(response):
    return b"".join(response.streaming_content)


def test_articles_csv_opens_in_pandas_and_the_csv_module_with_all_52_articles(api):
    import pandas as pd  # heavy: imported only by the tests that use it

    response = api.get(ARTICLES, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{PLAN}-articles.csv"'
    body = streamed(response)
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8

    frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert len(frame) == 52
    assert list(frame["number"]) == list(range(1, 53))
    assert frame.loc[12, "title"] == "大力發展先進制造業"
    assert frame.loc[0, "chapter.title"].startswith("“十五五”時期是基本建成社會主義現代化大都市")
    assert frame["number"].dtype == "int64"

    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert len(rows) == 52
    assert list(rows[0]) == [
        "url",
        "plan",
        "number",
        "title",
        "chapter.number",
        "chapter.numeral",
        "chapter.title",
        "paragraphs",
        "lines.start",
        "lines.end",
        "principles",
        "goals",
        "initiatives",
    ]
    assert rows[0]["url"] == f"http://testserver{ARTICLES}1/"
    assert rows[0]["paragraphs"].startswith("“十四五”時期我市經濟社會發展取得顯著成效。")
    # The principles article holds principles 1–6, as their numbers.
    assert [row["principles"] for row in rows if row["principles"]] == ["1;2;3;4;5;6"]
    # Initiatives an article names: slug:count, joined by ";".
    assert rows[0]["initiatives"].split(";")[0] == "shang-hai-he-zuo-zu-zhi-feng-hui:1"


def test_csv_rows_are_rfc_4180_with_crlf_and_newlines_inside_quoted_cells(api):
    body = streamed(api.get(f"/api/v1/plans/{PLAN}/goals/", {"format": "csv"})).decode("utf-8-sig")
    header, first = body.split("\r\n", 2)[:2]
    assert header == "url,plan,number,horizon,title,text,targets,article.number,article.title"
    # Targets are joined by newlines inside one quoted cell.
    assert '"京津冀協同發展戰略牽引作用更加凸顯\n經濟結構更加優化\n' in body
    assert first.startswith(f"http://testserver/api/v1/plans/{PLAN}/goals/1/,{PLAN},1,2030,高質量發展取得明顯成效,")


def test_initiative_mentions_flatten_to_article_colon_count(api):
    response = api.get(f"/api/v1/plans/{PLAN}/initiatives/", {"format": "csv", "kind": "event"})
    rows = list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8-sig"), newline="")))
    summit = next(row for row in rows if row["slug"] == "shang-hai-he-zuo-zu-zhi-feng-hui")
    assert summit["mentions"] == "1:1;2:1"
    assert summit["mention_count"] == "2"
    assert {row["kind"] for row in rows} == {"event"}


def test_csv_export_keeps_the_filters_and_ordering_and_is_not_paginated(api):
    response = api.get(ARTICLES, {"format": "csv", "chapter": 4, "ordering": "-number", "page_size": 1})
    rows = list(csv.DictReader(io.StringIO(streamed(response).decode("utf-8-sig"), newline="")))
    json_numbers = [a["number"] for a in api.get(ARTICLES, {"chapter": 4, "ordering": "-number"}).json()["results"]]
    assert [int(row["number"]) for row in rows] == json_numbers
    assert len(rows) > 1 and {row["chapter.number"] for row in rows} == {"4"}


def test_ndjson_streams_one_json_object_per_article(api):
    response = api.get(ARTICLES, {"format": "ndjson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    lines = streamed(response).decode("utf-8").splitlines()
    assert len(lines) == 52
    first = json.loads(lines[0])
    assert first == api.get(f"{ARTICLES}1/").json()


def test_accept_header_chooses_the_format(api):
    response = api.get(f"/api/v1/plans/{PLAN}/chapters/", HTTP_ACCEPT="text/csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"), newline="")))) == 13
    assert "Accept" in response["Vary"]


def test_an_empty_csv_export_still_has_its_header(api):
    response = api.get(ARTICLES, {"format": "csv", "number_min": 60})
    assert streamed(response).decode("utf-8-sig").startswith("url,plan,number,title,chapter.number,")


def test_plans_and_a_single_article_are_also_served_as_csv(api):
    plans = list(
        csv.DictReader(io.StringIO(streamed(api.get("/api/v1/plans/", {"format": "csv"})).decode("utf-8-sig")))
    )
    assert [row["slug"] for row in plans] == [PLAN]
    assert plans[0]["period.start"] == "2026"

    response = api.get(f"{ARTICLES}13/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert [row["title"] for row in rows] == ["大力發展先進制造業"]


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ({"format": "xls"}, "format", "unknown format 'xls'; use one of json, csv, ndjson, xlsx"),
        ({"format": ""}, "format", "unknown format ''; use one of json, csv, ndjson, xlsx"),
        ({"script": "fr"}, "script", "unknown script 'fr'; use one of zh-Hant, zh-Hans, zh-Hant-TW, zh-Hant-HK"),
    ],
)
def test_an_unknown_format_or_script_is_a_400_naming_the_allowed_values(api, query, parameter, message):
    response = api.get(ARTICLES, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {parameter: [message]}
    assert response.json()["detail"] == f"Invalid {parameter}: {message}"


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ({"format": "csv", "page": "0.2"}, "page", "must be a whole number, not '0.2'"),
        ({"format": "ndjson", "page_size": "500"}, "page_size", "must be a whole number from 1 to 100, not '500'"),
    ],
)
def test_an_export_ignores_pages_but_refuses_a_malformed_one(api, query, parameter, message):
    response = api.get(ARTICLES, query)
    assert response.status_code == 400
    assert response.json()["errors"] == {parameter: [message]}
    whole = api.get(ARTICLES, {"format": "csv", "page": "2", "page_size": "5"})
    assert whole.status_code == 200
    assert (
        len(list(csv.DictReader(io.StringIO(b"".join(whole.streaming_content).decode("utf-8-sig"), newline="")))) == 52
    )


def test_an_error_asked_for_as_csv_is_still_problem_json(api):
    response = api.get("/api/v1/plans/no-such-plan/articles/", {"format": "csv"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No plan with slug 'no-such-plan'."


def test_search_results_export_whole_with_clean_urls_even_when_empty(api):
    everything = api.get("/api/v1/search/", {"q": "港", "page_size": 100}).json()
    export = api.get("/api/v1/search/", {"q": "港", "format": "ndjson", "page_size": 1})
    assert export["Content-Type"] == "application/x-ndjson; charset=utf-8"
    rows = [json.loads(line) for line in b"".join(export.streaming_content).decode("utf-8").splitlines()]
    assert [(row["type"], row["number"], row["slug"]) for row in rows] == [
        (row["type"], row["number"], row["slug"]) for row in everything["results"]
    ]
    assert all("format=" not in row["url"] for row in rows)

    nothing = api.get("/api/v1/search/", {"q": "量子计算机", "format": "ndjson"})
    assert nothing.status_code == 200
    assert nothing["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert b"".join(nothing.streaming_content) == b""


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def sheet_rows(body):
    """The rows of an Excel workbook's only sheet, as openpyxl (what pandas uses for .xlsx) reads them."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(body), read_only=True)
    assert workbook.sheetnames == ["data"]
    return [list(row) for row in workbook["data"].iter_rows(values_only=True)]


def csv_rows(response):
    return list(csv.reader(io.StringIO(streamed(response).decode("utf-8-sig"), newline="")))


def test_articles_as_excel_have_the_csv_columns_and_one_row_per_article(api):
    response = api.get(ARTICLES, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="{PLAN}-articles.xlsx"'
    rows = sheet_rows(streamed(response))
    as_csv = csv_rows(api.get(ARTICLES, {"format": "csv"}))
    assert rows[0] == as_csv[0]
    assert len(rows) == 53
    # Cell for cell the CSV's text, except that numbers are numbers (and an empty cell is empty).
    assert [["" if value is None else str(value) for value in row] for row in rows[1:]] == as_csv[1:]
    assert rows[13][2:4] == [13, "大力發展先進制造業"]


def test_excel_follows_the_script_filters_and_ordering_of_the_request(api):
    response = api.get(ARTICLES, {"format": "xlsx", "script": "zh-Hans", "chapter": 4, "ordering": "-number"})
    assert response["Content-Disposition"] == f'attachment; filename="{PLAN}-articles-zh-Hans.xlsx"'
    rows = sheet_rows(streamed(response))
    assert [row[2] for row in rows[1:]] == [16, 15, 14, 13, 12, 11, 10]
    assert rows[4][3] == "大力发展先进制造业"


def test_every_collection_and_a_single_object_are_served_as_excel(api):
    for path, count in [
        ("/api/v1/plans/", 1),
        (f"/api/v1/plans/{PLAN}/chapters/", 12),
        (f"/api/v1/plans/{PLAN}/goals/", 8),
        (f"/api/v1/plans/{PLAN}/principles/", 6),
        (f"/api/v1/plans/{PLAN}/initiatives/", 119),
        (f"/api/v1/plans/{PLAN}/terms/", 50),
        (f"{ARTICLES}12/", 1),
    ]:
        response = api.get(path, {"format": "xlsx"})
        assert response.status_code == 200, path
        body = streamed(response) if response.streaming else response.content
        assert len(sheet_rows(body)) == count + 1, path


def test_an_error_asked_for_as_excel_is_still_problem_json(api):
    response = api.get("/api/v1/plans/no-such-plan/articles/", {"format": "xlsx"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No plan with slug 'no-such-plan'."


def test_search_results_as_excel_have_the_csv_columns_with_plain_text_snippets(api):
    query = {"q": "养老", "type": "article"}
    rows = sheet_rows(streamed(api.get("/api/v1/search/", {**query, "format": "xlsx"})))
    as_csv = csv_rows(api.get("/api/v1/search/", {**query, "format": "csv"}))
    assert rows[0] == as_csv[0]
    assert [["" if value is None else str(value) for value in row] for row in rows[1:]] == as_csv[1:]
    assert not any("<mark>" in str(value) for row in rows for value in row)


def test_the_terms_list_as_excel_is_a_workbook_even_when_empty(api):
    response = api.get(f"/api/v1/plans/{PLAN}/terms/", {"format": "xlsx", "min_length": 100})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert sheet_rows(response.content) == [["term", "url", "length", "count", "chapters", "articles"]]


def test_an_excel_cell_that_begins_with_an_equals_sign_is_text_not_a_formula():
    from openpyxl import load_workbook

    from plan_api.renderers import XLSXRenderer

    body = b"".join(XLSXRenderer().lines([{"title": "=HYPERLINK(1)", "number": 3}]))
    sheet = load_workbook(io.BytesIO(body))["data"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=HYPERLINK(1)", "s")
    assert (sheet["B2"].value, sheet["B2"].data_type) == (3, "n")
