"""`?script=` and Accept-Language: the same plan in the received, simplified, Taiwan and Hong Kong scripts."""

import csv
import io
import json
import zipfile

import pytest

from tests.conftest import PLAN

ARTICLE_1 = f"/api/v1/plans/{PLAN}/articles/1/"

# Article 1 says "the Party members, cadres and masses of the whole city" (全市廣大黨員干部群眾). The received copy
# has 干部 (a mechanical-conversion artefact); the regional conversions from the simplified text give 幹部,
# and Hong Kong writes 羣 where Taiwan writes 群.
PHRASES = {
    "zh-Hant": "帶領全市廣大黨員干部群眾牢記殷殷囑托",
    "zh-Hans": "带领全市广大党员干部群众牢记殷殷嘱托",
    "zh-Hant-TW": "帶領全市廣大黨員幹部群眾牢記殷殷囑託",
    "zh-Hant-HK": "帶領全市廣大黨員幹部羣眾牢記殷殷囑託",
}
# Article 13's title: "vigorously develop advanced manufacturing" (制造業 as received, 製造業 in Taiwan and Hong Kong).
TITLES_13 = {
    "zh-Hant": "大力發展先進制造業",
    "zh-Hans": "大力发展先进制造业",
    "zh-Hant-TW": "大力發展先進製造業",
    "zh-Hant-HK": "大力發展先進製造業",
}


@pytest.mark.parametrize("script", list(PHRASES))
def test_each_script_returns_the_article_converted_with_the_same_identifiers(api, script):
    response = api.get(ARTICLE_1, {"script": script})
    assert response.status_code == 200
    assert response["Content-Language"] == script
    assert "Accept-Language" in response["Vary"]
    article = response.json()
    assert PHRASES[script] in article["paragraphs"][0]
    received = api.get(ARTICLE_1).json()
    assert article["url"] == received["url"] == f"http://testserver{ARTICLE_1}"
    assert article["plan"] == PLAN
    assert [i["slug"] for i in article["initiatives"]] == [i["slug"] for i in received["initiatives"]]
    assert [i["kind"] for i in article["initiatives"]] == [i["kind"] for i in received["initiatives"]]
    assert article["chapter"]["url"] == received["chapter"]["url"]


@pytest.mark.parametrize("script", list(TITLES_13))
def test_each_script_converts_the_csv_export_too(api, script):
    response = api.get(f"/api/v1/plans/{PLAN}/articles/", {"format": "csv", "script": script, "chapter": 4})
    assert response["Content-Language"] == script
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))
    assert TITLES_13[script] in [row["title"] for row in rows]


def test_ndjson_and_the_data_package_honour_the_script(api):
    lines = b"".join(
        api.get(f"/api/v1/plans/{PLAN}/articles/", {"format": "ndjson", "script": "zh-Hans"}).streaming_content
    )
    assert json.loads(lines.splitlines()[12])["title"] == TITLES_13["zh-Hans"]

    response = api.get(f"/api/v1/plans/{PLAN}/datapackage.zip", {"script": "zh-Hant-TW"})
    assert response["Content-Language"] == "zh-Hant-TW"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        articles = archive.read("articles.csv").decode("utf-8-sig")
        descriptor = json.loads(archive.read("datapackage.json"))
    assert TITLES_13["zh-Hant-TW"] in articles
    assert descriptor["script"] == "zh-Hant-TW"
    assert descriptor["name"] == PLAN


@pytest.mark.parametrize(
    ("accept_language", "script"),
    [
        ("zh-CN", "zh-Hans"),
        ("zh-SG", "zh-Hans"),
        ("zh-Hans", "zh-Hans"),
        ("zh-Hans-CN,zh;q=0.8", "zh-Hans"),
        ("zh-TW", "zh-Hant-TW"),
        ("zh-HK", "zh-Hant-HK"),
        ("zh-MO", "zh-Hant-HK"),
        ("en-GB,en;q=0.9,zh-CN;q=0.5", "zh-Hans"),  # the most preferred Chinese tag decides
        ("zh-TW;q=0.4,zh-CN;q=0.9", "zh-Hans"),
        ("zh", "zh-Hant"),
        ("fr-FR", "zh-Hant"),
        ("", "zh-Hant"),
    ],
)
def test_accept_language_chooses_the_script_when_the_parameter_is_absent(api, accept_language, script):
    response = api.get(ARTICLE_1, HTTP_ACCEPT_LANGUAGE=accept_language)
    assert response.status_code == 200
    assert response["Content-Language"] == script
    key = script if script in PHRASES else "zh-Hant"
    assert PHRASES[key] in response.json()["paragraphs"][0]


def test_the_script_parameter_wins_over_accept_language_and_ignores_case(api):
    response = api.get(ARTICLE_1, {"script": "ZH-hant-tw"}, HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response["Content-Language"] == "zh-Hant-TW"
    assert PHRASES["zh-Hant-TW"] in response.json()["paragraphs"][0]


def test_every_response_says_its_script_even_errors_and_the_source(api):
    assert api.get("/api/v1/", HTTP_ACCEPT_LANGUAGE="zh-HK")["Content-Language"] == "zh-Hant-HK"
    missing = api.get(f"/api/v1/plans/{PLAN}/articles/99/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert missing.status_code == 404 and missing["Content-Language"] == "zh-Hans"
    # The source is served byte for byte as received, whatever is asked for.
    source = api.get(f"/api/v1/plans/{PLAN}/source", {"script": "zh-Hans"})
    assert source["Content-Language"] == "zh-Hant"
    assert "關于制定天津市" in source.content.decode("utf-8").splitlines()[0]


def test_errata_keep_the_span_as_received_in_every_script(api):
    def errata(script):
        response = api.get(f"/api/v1/plans/{PLAN}/datapackage.zip", {"script": script})
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return list(csv.DictReader(io.StringIO(archive.read("errata.csv").decode("utf-8-sig"), newline="")))

    received, simplified = errata("zh-Hant"), errata("zh-Hans")
    assert [e["as_received"] for e in simplified] == [e["as_received"] for e in received]
    assert simplified[0]["correction"].startswith("取得显著成效。")
    assert received[0]["correction"].startswith("取得顯著成效。")


@pytest.mark.parametrize(
    "script, expected",
    [
        ("zh-Hant", "制<mark>造業</mark>"),  # as received
        ("zh-Hans", "制<mark>造业</mark>"),
        ("zh-Hant-TW", "製<mark>造業</mark>"),  # the phrase 製造業 is converted whole, across the mark
        ("zh-Hant-HK", "製<mark>造業</mark>"),
    ],
)
def test_search_snippets_are_written_in_the_script_with_their_marks_in_place(api, script, expected):
    response = api.get("/api/v1/search/", {"q": "造业", "type": "article", "plan": PLAN, "script": script})
    assert response.status_code == 200
    assert response["Content-Language"] == script
    snippets = {result["number"]: result["snippet"] for result in response.json()["results"]}
    assert expected in snippets[13]  # 大力發展先進制造業
