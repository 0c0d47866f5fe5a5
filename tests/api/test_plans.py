import hashlib
import re

from articles.models import Plan
from ingest.build import build_plan_folder
from ingest.pipeline import load_plan_folder
from tests import smallplan
from tests.text import CLOSING, PLAN, PREAMBLE, RAW, RAW_LINES, README_ERRATA

BASE = "http://testserver/api/v1"
PLAN_URL = f"{BASE}/plans/{PLAN}/"
COLLECTIONS = ("chapters", "articles", "goals", "principles", "initiatives")


def collection_links(slug):
    links = {name: f"{BASE}/plans/{slug}/{name}/" for name in COLLECTIONS}
    links["terms"] = f"{BASE}/plans/{slug}/terms/"
    links["source"] = f"{BASE}/plans/{slug}/source"
    links["datapackage"] = f"{BASE}/plans/{slug}/datapackage.zip"
    return links


EXPECTED_INDEX = {
    "version": "v1",
    "plans": f"{BASE}/plans/",
    "schema": f"{BASE}/schema/",
    "docs": f"{BASE}/docs/",
    "search": f"{BASE}/search/{{?q,type,plan}}",
    "plan_collections": [{"slug": PLAN, "plan": PLAN_URL, **collection_links(PLAN)}],
}

# Line 2 of the text is "(二〇二五年十一月十八日…全體會議通過)": the date, then the body that adopted the plan.
SUBTITLE = re.fullmatch(r"\((二〇二五年十一月十八日)(.+)通過\)", RAW_LINES[1])

EXPECTED_PLAN = {
    "url": PLAN_URL,
    "slug": PLAN,
    "title": RAW_LINES[0],
    "subtitle": RAW_LINES[1],
    "issuer": "中共天津市委",
    "adopted_on": "2025-11-18",
    "adopted_by": SUBTITLE[2],
    "region": "天津市",
    "period": {"start": 2026, "end": 2030},
    "preamble": PREAMBLE,
    "closing": CLOSING,
    "counts": {"chapters": 12, "articles": 52, "principles": 6, "goals": 8, "initiatives": 119},
    "source": {
        "filename": f"{PLAN}.txt",
        "sha256": hashlib.sha256(RAW).hexdigest(),
        "url": f"{PLAN_URL}source",
        "errata": [
            {"number": number, "line": line, "article": article, "as_received": as_received, "correction": correction}
            for number, (line, article, as_received, correction) in enumerate(README_ERRATA, start=1)
        ],
    },
    "links": collection_links(PLAN),
}


def test_api_index_links_every_collection_of_every_plan(api):
    response = api.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == EXPECTED_INDEX


def test_plan_list_shows_the_plan_in_brief(api):
    plan = Plan.objects.get(slug=PLAN)
    response = api.get("/api/v1/plans/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "url": PLAN_URL,
                "slug": PLAN,
                "title": RAW_LINES[0],
                "issuer": "中共天津市委",
                "adopted_on": "2025-11-18",
                "region": "天津市",
                "period": {"start": 2026, "end": 2030},
                "version": plan.version,
                "updated_at": response.json()["results"][0]["updated_at"],
            }
        ],
    }
    assert re.fullmatch(r"[0-9a-f]{64}", plan.version)


def test_plan_detail_shows_the_text_metadata_counts_source_and_errata(api):
    response = api.get(f"/api/v1/plans/{PLAN}/")
    assert response.status_code == 200
    body = response.json()
    columns = [erratum.pop("column") for erratum in body["source"]["errata"]]
    body.pop("version")
    body.pop("updated_at")
    assert body == EXPECTED_PLAN
    # Each column points at the span in its line as received, counting from 1 (tests/test_errata.py).
    for column, (line, _, as_received, _) in zip(columns, README_ERRATA, strict=True):
        assert RAW_LINES[line - 1][column - 1 : column - 1 + len(as_received)] == as_received


def test_plan_adopted_by_is_the_plenary_session_named_in_the_subtitle(api):
    assert api.get(f"/api/v1/plans/{PLAN}/").json()["adopted_by"] == "中國共產黨天津市第十二屆委員會第七次全體會議"


def test_source_is_the_file_as_received_byte_for_byte(api):
    response = api.get(f"/api/v1/plans/{PLAN}/source")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content == RAW
    assert len(RAW) == 55696 and RAW.count(b"\n") == 93 and not RAW.endswith(b"\n")


def test_source_answers_a_client_that_asks_for_plain_text(api):
    response = api.get(f"/api/v1/plans/{PLAN}/source", HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    assert response.content == RAW


def rebuild_from_api(api, slug):
    """The source file, rebuilt from the API's plan, chapters and articles with the errata reversed."""
    plan = api.get(f"/api/v1/plans/{slug}/").json()
    chapters = api.get(f"/api/v1/plans/{slug}/chapters/?page_size=100").json()["results"]
    articles = api.get(f"/api/v1/plans/{slug}/articles/?page_size=100").json()["results"]
    lines = [plan["title"], plan["subtitle"], *plan["preamble"]]
    for chapter in chapters:
        lines.append(f"{chapter['numeral']}、{chapter['title']}")
        lines.extend(chapter["intro"])
        for article in articles:
            if article["chapter"]["number"] == chapter["number"]:
                lines.append(f"{article['number']}.{article['paragraphs'][0]}")
                lines.extend(article["paragraphs"][1:])
    lines.extend(plan["closing"])
    for erratum in plan["source"]["errata"]:
        line = lines[erratum["line"] - 1]
        assert line.count(erratum["correction"]) == 1
        lines[erratum["line"] - 1] = line.replace(erratum["correction"], erratum["as_received"])
    return "\n".join(lines).encode("utf-8")


def test_plan_chapters_and_articles_rebuild_the_received_file_byte_for_byte(api):
    assert rebuild_from_api(api, PLAN) == RAW


def test_unknown_plan_is_a_404_for_the_plan_its_source_and_its_collections(api):
    for path in ["", "source", *(f"{name}/" for name in COLLECTIONS), "articles/1/"]:
        response = api.get(f"/api/v1/plans/no-such-plan/{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"
        assert "no-such-plan" in response.json()["detail"]


def test_a_second_plan_folder_is_served_beside_the_first(api, tmp_path):
    folder = smallplan.write_plan(tmp_path)
    build_plan_folder(folder)
    assert load_plan_folder(folder).status == "created"
    other = smallplan.SLUG

    plans = api.get("/api/v1/plans/").json()
    assert [plan["slug"] for plan in plans["results"]] == sorted([PLAN, other])
    assert [links["slug"] for links in api.get("/api/v1/").json()["plan_collections"]] == sorted([PLAN, other])

    detail = api.get(f"/api/v1/plans/{other}/").json()
    assert detail["adopted_on"] == "2024-03-05"
    assert detail["adopted_by"] == "中國共產黨測試市第一屆委員會第二次全體會議"
    assert detail["counts"] == {"chapters": 2, "articles": 4, "principles": 2, "goals": 2, "initiatives": 2}
    assert api.get(f"/api/v1/plans/{other}/source").content == (folder / f"{other}.txt").read_bytes()
    assert rebuild_from_api(api, other) == (folder / f"{other}.txt").read_bytes()

    # The same numbers and slugs name different things in each plan.
    assert api.get(f"/api/v1/plans/{other}/articles/4/").json()["title"] == "建設海河實驗室"
    assert api.get(f"/api/v1/plans/{PLAN}/articles/4/").json()["title"] == "指導思想"
    assert api.get(f"/api/v1/plans/{other}/articles/5/").status_code == 404
    goals = api.get(f"/api/v1/plans/{other}/goals/").json()["results"]
    assert [(g["horizon"], g["title"]) for g in goals] == [
        (2029, "經濟實力明顯增強"),
        (2030, "到二〇三〇年基本實現現代化"),
    ]
    mentions = api.get(f"/api/v1/plans/{other}/initiatives/shi-xiang-xing-dong/").json()["mentions"]
    assert [
        (m["place"], m["chapter"]["number"], m["article"] and m["article"]["number"], m["count"]) for m in mentions
    ] == [
        ("article", 1, 1, 1),
        ("chapter", 2, None, 1),
        ("article", 2, 4, 1),
    ]
    articles = api.get(f"/api/v1/plans/{other}/articles/?initiative=shi-xiang-xing-dong").json()
    assert [a["url"] for a in articles["results"]] == [f"{BASE}/plans/{other}/articles/{n}/" for n in (1, 4)]
    # The first plan is untouched.
    assert api.get(f"/api/v1/plans/{PLAN}/").json()["counts"]["articles"] == 52
    assert api.get(f"/api/v1/plans/{PLAN}/articles/?initiative=shi-xiang-xing-dong").json()["count"] == 2


def test_every_plan_url_answers_with_that_plan(api):
    for plan in api.get("/api/v1/plans/").json()["results"]:
        detail = api.get(plan["url"]).json()
        assert detail["url"] == plan["url"]
        assert {k: detail[k] for k in plan} == plan
        for link in detail["links"].values():
            assert api.get(link).status_code == 200


def test_plan_list_takes_two_queries(api, django_assert_num_queries):
    # 1. COUNT of plans, 2. the page of plans
    with django_assert_num_queries(2):
        assert api.get("/api/v1/plans/?page_size=50").status_code == 200


def test_plan_detail_takes_two_queries(api, computed_by_views, django_assert_num_queries):
    # 1. the plan with one COUNT subquery per collection, 2. its errata (prefetch)
    with django_assert_num_queries(2) as queries:
        assert api.get(f"/api/v1/plans/{PLAN}/").status_code == 200
    # Not COUNT(DISTINCT …) over a join of all five collections, which multiplies their rows (3.5 million).
    assert " JOIN " not in queries.captured_queries[0]["sql"]


def test_api_index_takes_one_query(api, django_assert_num_queries):
    # 1. the plans' slugs
    with django_assert_num_queries(1):
        assert api.get("/api/v1/").status_code == 200


def test_plan_detail_counts_each_collection_separately(api, tmp_path):
    # Counting with joins across collections would multiply them; a second plan must not change the first's.
    folder = smallplan.write_plan(tmp_path)
    build_plan_folder(folder)
    load_plan_folder(folder)
    assert api.get(f"/api/v1/plans/{PLAN}/").json()["counts"] == EXPECTED_PLAN["counts"]
    small = api.get(f"/api/v1/plans/{smallplan.SLUG}/").json()["counts"]
    assert small == {"chapters": 2, "articles": 4, "principles": 2, "goals": 2, "initiatives": 2}
