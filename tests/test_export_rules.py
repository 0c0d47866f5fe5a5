"""Exports as a data journalist meets them: every format labelled even when empty, a CSV header even without
rows, search results as plain text, an index whose every link answers, and one rule for what a CSV cell holds.
"""

import csv
import io
import json
import zipfile

import pytest
import uritemplate

from ingest.build import build_plan_folder
from ingest.pipeline import load_plan_folder
from tests import smallplan
from tests.conftest import PLAN

TERMS = f"/api/v1/plans/{PLAN}/terms/"
BOM = "\ufeff"


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"), newline="")))


# --- empty exports --------------------------------------------------------------------------------------------


def test_an_empty_ndjson_terms_export_says_it_is_ndjson_before_and_after_it_is_cached(api):
    for x_cache in ("MISS", "HIT"):
        response = api.get(TERMS, {"format": "ndjson", "min_length": 100})
        assert response.status_code == 200
        assert response["X-Cache"] == x_cache
        assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
        assert body(response) == b""


def test_an_empty_terms_csv_still_has_its_header_row(api):
    for x_cache in ("MISS", "HIT"):
        response = api.get(TERMS, {"format": "csv", "min_length": 100})
        assert response["X-Cache"] == x_cache
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == f'attachment; filename="{PLAN}-terms.csv"'
        assert body(response).decode("utf-8") == BOM + "term,url,length,count,chapters,articles\r\n"


def test_a_terms_export_holds_the_same_words_as_the_json(api):
    words = [t["term"] for t in api.get(TERMS, {"top": 7, "chapter": 3}).json()["results"]]
    assert [row["term"] for row in csv_rows(api.get(TERMS, {"top": 7, "chapter": 3, "format": "csv"}))] == words
    lines = body(api.get(TERMS, {"top": 7, "chapter": 3, "format": "ndjson"})).decode().splitlines()
    assert [json.loads(line)["term"] for line in lines] == words


# --- search as CSV -------------------------------------------------------------------------------------------


def test_search_csv_gives_the_snippet_as_plain_text_and_the_highlights_in_a_column_of_their_own(api):
    found = api.get("/api/v1/search/", {"q": "新质生产力", "page_size": 100}).json()["results"]
    rows = csv_rows(api.get("/api/v1/search/", {"q": "新质生产力", "format": "csv"}))
    assert list(rows[0]) == [
        "type",
        "plan",
        "number",
        "slug",
        "title",
        "url",
        "score",
        "snippet",
        "paragraph",
        "paragraph_url",
        "match",
        "highlights",
    ]
    assert len(rows) == len(found) > 0
    for row, result in zip(rows, found, strict=True):
        assert "<" not in row["snippet"] and "&" not in row["snippet"]
        assert row["snippet"] == result["snippet"].replace("<mark>", "").replace("</mark>", "")
        assert row["highlights"].split("\n") == list(dict.fromkeys(_marked(result["snippet"])))
    assert rows[0]["highlights"] == "新質生產力"


# 高质量发展 and 科技创新: the plan writes them as typed and also with their words apart (a page finds the entries
# matching as typed through the index, an export checks each entry).
@pytest.mark.parametrize(
    "q", ["托育服务 OR 养老", "数据交易 -京津冀", "民企 发展", "軟體", "高质量发展", "科技创新 发展"]
)
def test_search_csv_lists_the_results_in_the_order_and_with_the_scores_of_the_pages(api, q):
    # The pages come from one ranked statement, an export from a queryset: both from the same pieces of SQL.
    found = api.get("/api/v1/search/", {"q": q, "page_size": 100}).json()
    rows = csv_rows(api.get("/api/v1/search/", {"q": q, "format": "csv"}))
    assert 0 < len(rows) == found["count"]
    assert [(row["type"], row["number"] or row["slug"], float(row["score"])) for row in rows] == [
        (result["type"], str(result["number"] or result["slug"]), result["score"]) for result in found["results"]
    ]


def _marked(snippet):
    return [part.split("</mark>")[0] for part in snippet.split("<mark>")[1:]]


def test_search_csv_unescapes_what_the_html_snippet_escapes(api):
    # A title with no match in its body falls back to the escaped title; the CSV has the text itself.
    rows = csv_rows(api.get("/api/v1/search/", {"q": "魯班工坊", "format": "csv", "type": "initiative"}))
    assert [(row["title"], row["snippet"], row["highlights"]) for row in rows] == [("魯班工坊", "魯班工坊", "魯班工坊")]


def test_search_ndjson_and_json_keep_the_html_snippet(api):
    rows = body(api.get("/api/v1/search/", {"q": "京津冀", "format": "ndjson"})).decode().splitlines()
    assert "<mark>京津冀</mark>" in json.loads(rows[0])["snippet"]
    assert "highlights" not in json.loads(rows[0])


# --- the index's links ---------------------------------------------------------------------------------------


def links_in(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from links_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from links_in(item)
    elif isinstance(value, str) and value.startswith("http"):
        yield value


def answers(api, url):
    assert url.startswith("http://testserver/")
    response = api.get(url.removeprefix("http://testserver"))
    body(response)
    return response.status_code


def test_every_link_of_the_index_answers_and_search_is_a_uri_template(api):
    index = api.get("/api/v1/").json()
    assert index["search"] == "http://testserver/api/v1/search/{?q,type,plan}"
    links = [link for link in links_in(index) if link != index["search"]]
    assert len(links) == 3 + 9  # plans, schema, docs, and the plan with its eight collections and files
    assert {link: answers(api, link) for link in links} == dict.fromkeys(links, 200)
    assert answers(api, uritemplate.expand(index["search"], q="京津冀")) == 200
    assert answers(api, uritemplate.expand(index["search"], q="港口", type="article", plan=PLAN)) == 200


@pytest.mark.parametrize("format", ["csv", "ndjson"])
def test_the_index_as_csv_or_ndjson_gives_the_same_links_and_they_answer(api, format):
    json_index = api.get("/api/v1/").json()
    response = api.get("/api/v1/", {"format": format})
    exported = csv_rows(response)[0] if format == "csv" else json.loads(body(response))
    assert {key: exported[key] for key in ("plans", "schema", "docs", "search")} == {
        key: json_index[key] for key in ("plans", "schema", "docs", "search")
    }
    for link in links_in({key: exported[key] for key in ("plans", "schema", "docs")}):
        assert "format=" not in link
        assert answers(api, link) == 200


def test_the_openapi_document_says_the_index_search_link_is_a_uri_template(api):
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    search = schema["components"]["schemas"]["ApiIndex"]["properties"]["search"]
    assert search["format"] == "uri-template"
    assert "RFC 6570" in search["description"]


# --- what a CSV cell holds -----------------------------------------------------------------------------------

# Texts that a spreadsheet would take for a formula if they began a cell (= + - @, a tab).
FORMULA_LIKE = ["=1+1是公式的樣子", "+5%是增長的樣子", "-3%是下降的樣子", "@海河是提及的樣子", "\t縮進是表格的樣子"]


@pytest.fixture
def formula_plan(tmp_path):
    """The small plan with articles whose lead sentences begin like spreadsheet formulas."""
    closing = smallplan.SOURCE_LINES[-1]
    lines = [
        *smallplan.SOURCE_LINES[:-1],
        *(f"{number}.{text}。這一條用來檢驗導出。" for number, text in enumerate(FORMULA_LIKE, start=5)),
        closing,
    ]
    folder = smallplan.write_plan(tmp_path, lines=lines)
    build_plan_folder(folder)
    load_plan_folder(folder)
    return smallplan.SLUG


def test_every_csv_writes_a_formula_like_cell_exactly_as_the_text_says(api, formula_plan):
    base = f"/api/v1/plans/{formula_plan}"
    articles = csv_rows(api.get(f"{base}/articles/", {"format": "csv", "number_min": 5}))
    assert [row["title"] for row in articles] == FORMULA_LIKE
    assert [row["paragraphs"] for row in articles] == [f"{text}。這一條用來檢驗導出。" for text in FORMULA_LIKE]
    one = csv_rows(api.get(f"{base}/articles/5/", {"format": "csv"}))
    assert one[0]["title"] == FORMULA_LIKE[0]

    found = csv_rows(api.get("/api/v1/search/", {"q": "樣子", "plan": formula_plan, "format": "csv"}))
    assert sorted(row["title"] for row in found) == sorted(FORMULA_LIKE)
    assert sorted(row["snippet"] for row in found) == sorted(f"{text}。這一條用來檢驗導出。" for text in FORMULA_LIKE)

    terms = csv_rows(api.get(f"{base}/terms/", {"format": "csv", "article": 5, "top": 100}))
    assert "公式" in {row["term"] for row in terms}

    package = api.get(f"{base}/datapackage.zip")
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        table = archive.read("articles.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(table, newline="")))
    assert [row["title"] for row in rows if int(row["number"]) >= 5] == FORMULA_LIKE
    assert "\r\n=1+1是公式的樣子," not in table  # a cell is quoted only where RFC 4180 needs it …
    assert "\r\n5,2,=1+1是公式的樣子," in table  # … and never prefixed


def test_every_csv_is_written_by_one_writer(api, formula_plan):
    """The same cell comes out byte for byte the same in a collection, a search result and the data package."""
    base = f"/api/v1/plans/{formula_plan}"
    collection = body(api.get(f"{base}/articles/", {"format": "csv", "number_min": 9}))
    found = body(api.get("/api/v1/search/", {"q": "縮進", "plan": formula_plan, "format": "csv"}))
    package = api.get(f"{base}/datapackage.zip")
    with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
        table = archive.read("articles.csv")
    cell = ",\t縮進是表格的樣子,".encode()
    assert cell in collection
    assert cell in found
    assert cell in table
