import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.text import INITIATIVES, LINES, PLAN, mentions_of

BASE = f"http://testserver/api/v1/plans/{PLAN}"
ARTICLE5 = {"url": f"{BASE}/articles/5/", "number": 5, "title": "必須遵循的原則"}
ARTICLE6 = {"url": f"{BASE}/articles/6/", "number": 6, "title": "主要目標"}
# The `——` lines: lines 12–17 follow "5.必須遵循的原則。", lines 19–25 follow "6.主要目標。".
PRINCIPLE_LINES = LINES[11:17]
GOAL_LINES = LINES[18:25]
VISION = LINES[25]


def test_principles_are_the_six_dash_lines_of_article_five(api):
    assert LINES[10] == "5.必須遵循的原則。" and all(line.startswith("——") for line in PRINCIPLE_LINES)
    response = api.get(f"/api/v1/plans/{PLAN}/principles/")
    assert response.status_code == 200
    assert response.json() == {
        "count": 6,
        "next": None,
        "previous": None,
        "results": [
            {
                "url": f"{BASE}/principles/{number}/",
                "plan": PLAN,
                "number": number,
                "title": re.match(r"——([^。]+)。", line)[1],
                "text": line.removeprefix("——"),
                "article": ARTICLE5,
            }
            for number, line in enumerate(PRINCIPLE_LINES, start=1)
        ],
    }
    assert response.json()["results"][0]["title"] == "堅持黨的全面領導"


def test_goals_are_the_seven_dash_lines_of_article_six_for_2030_then_the_2035_vision(api):
    assert LINES[17] == "6.主要目標。" and all(line.startswith("——") for line in GOAL_LINES)
    goals = api.get(f"/api/v1/plans/{PLAN}/goals/").json()
    assert goals["count"] == 8
    for number, (goal, line) in enumerate(zip(goals["results"][:7], GOAL_LINES, strict=True), start=1):
        title, rest = re.fullmatch(r"——([^。]+)。(.*)", line).groups()
        assert goal == {
            "url": f"{BASE}/goals/{number}/",
            "plan": PLAN,
            "number": number,
            "horizon": 2030,
            "title": title,
            "text": line.removeprefix("——"),
            "targets": goal["targets"],
            "article": ARTICLE6,
        }
        # The targets are the statements after the title, in order, and together they are its text.
        assert goal["targets"] and all(target in rest for target in goal["targets"])
        assert re.sub(r"[,;。]", "", rest) == "".join(goal["targets"])
    vision = goals["results"][7]
    assert (vision["number"], vision["horizon"], vision["text"], vision["article"]) == (8, 2035, VISION, ARTICLE6)
    assert vision["title"].startswith("到二〇三五年基本建成") and vision["title"] in VISION
    assert vision["targets"][-1] == "實現更高質量、更有效率、更加公平、更可持續、更為安全的發展"


def test_carbon_peak_is_one_target_of_the_beautiful_tianjin_goal(api):
    goal = api.get(f"/api/v1/plans/{PLAN}/goals/6/").json()
    assert goal["title"] == "美麗天津建設取得重要進展"
    assert "碳達峰目標如期實現" in goal["targets"]
    assert goal["targets"][:2] == ["綠色生產生活方式基本形成", "碳達峰目標如期實現"]


@pytest.mark.parametrize(("horizon", "numbers"), [(2030, [1, 2, 3, 4, 5, 6, 7]), (2035, [8]), (2040, [])])
def test_goals_filtered_by_horizon(api, horizon, numbers):
    body = api.get(f"/api/v1/plans/{PLAN}/goals/?horizon={horizon}").json()
    assert [g["number"] for g in body["results"]] == numbers


def test_goals_ordered_by_descending_horizon_keep_the_text_order_within_a_year(api):
    body = api.get(f"/api/v1/plans/{PLAN}/goals/?ordering=-horizon").json()
    assert [g["number"] for g in body["results"]] == [8, 1, 2, 3, 4, 5, 6, 7]


def all_initiatives(api, query=""):
    url, results = f"/api/v1/plans/{PLAN}/initiatives/?page_size=100{query}", []
    while url:
        body = api.get(url).json()
        results.extend(body["results"])
        url = body["next"]
    return results


def test_initiatives_are_the_curated_list_in_its_order(api):
    results = all_initiatives(api)
    assert len(results) == len(INITIATIVES) == 119
    assert [(i["slug"], i["kind"], i["name"]) for i in results] == [
        (r["slug"], r["kind"], r["name"]) for r in INITIATIVES
    ]
    assert all(i["url"] == f"{BASE}/initiatives/{i['slug']}/" and i["plan"] == PLAN for i in results)


def test_every_initiative_lists_each_place_that_names_it_with_the_count(api):
    for initiative in all_initiatives(api):
        found = [
            (m["place"], m["chapter"] and m["chapter"]["number"], m["article"] and m["article"]["number"], m["count"])
            for m in initiative["mentions"]
        ]
        assert found == mentions_of(initiative["name"]), initiative["name"]
        assert initiative["mention_count"] == sum(m["count"] for m in initiative["mentions"])


# Totals by str.count over the corrected text (none of these names occurs in the title or subtitle).
@pytest.mark.parametrize(
    "name",
    [
        "十項行動",
        "天開高教科創園",
        "海河實驗室",
        "魯班工坊",
        "津牌養老",
        "楓橋經驗",
        "一基地三區",
        "千萬工程",
        "京津冀協同發展",
    ],
)
def test_initiative_mention_count_is_how_often_the_text_names_it(api, name):
    slug = next(row["slug"] for row in INITIATIVES if row["name"] == name)
    body = api.get(f"/api/v1/plans/{PLAN}/initiatives/{slug}/").json()
    assert body["mention_count"] == "\n".join(LINES[2:]).count(name) >= 1


def test_initiative_detail_shows_its_mentions_with_chapter_and_article(api):
    response = api.get(f"/api/v1/plans/{PLAN}/initiatives/lu-ban-gong-fang/")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("url", "plan", "slug", "name", "kind")} == {
        "url": f"{BASE}/initiatives/lu-ban-gong-fang/",
        "plan": PLAN,
        "slug": "lu-ban-gong-fang",
        "name": "魯班工坊",
        "kind": "brand",
    }
    for mention in body["mentions"]:
        assert api.get(mention["chapter"]["url"]).json()["number"] == mention["chapter"]["number"]
        if mention["article"]:
            article = api.get(mention["article"]["url"]).json()
            assert "".join(article["paragraphs"]).count("魯班工坊") == mention["count"]


def test_initiatives_filtered_by_one_or_several_kinds(api):
    kinds = {row["slug"]: row["kind"] for row in INITIATIVES}
    brands = all_initiatives(api, "&kind=brand")
    assert [i["slug"] for i in brands] == [s for s, k in kinds.items() if k == "brand"]
    several = all_initiatives(api, "&kind=brand&kind=zone")
    assert [i["slug"] for i in several] == [s for s, k in kinds.items() if k in ("brand", "zone")]


def test_initiatives_filtered_by_article_and_chapter(api):
    by_article = [i["name"] for i in all_initiatives(api, "&article=12")]
    assert by_article == [r["name"] for r in INITIATIVES if any(m[2] == 12 for m in mentions_of(r["name"]))]
    assert "天開高教科創園" in by_article
    by_chapter = [i["name"] for i in all_initiatives(api, "&chapter=3")]
    assert by_chapter == [r["name"] for r in INITIATIVES if any(m[1] == 3 for m in mentions_of(r["name"]))]


def test_initiatives_ordered_by_kind_across_pages_list_each_once(api):
    url, slugs = f"/api/v1/plans/{PLAN}/initiatives/?page_size=10&ordering=kind", []
    while url:
        body = api.get(url).json()
        slugs.extend(i["slug"] for i in body["results"])
        url = body["next"]
    assert slugs == [r["slug"] for r in sorted(INITIATIVES, key=lambda r: r["kind"])]


@pytest.mark.parametrize("collection", ["principles", "goals", "initiatives"])
def test_every_indicator_url_answers_with_that_object(api, collection):
    for item in api.get(f"/api/v1/plans/{PLAN}/{collection}/?page_size=100").json()["results"]:
        response = api.get(item["url"])
        assert response.status_code == 200
        assert response.json() == item


def test_unknown_principle_goal_and_initiative_are_404s(api):
    for path in ("principles/7/", "goals/9/", "goals/0/", "initiatives/no-such-thing/", "initiatives/1/"):
        response = api.get(f"/api/v1/plans/{PLAN}/{path}")
        assert response.status_code == 404, path
        assert response.json()["detail"].startswith("No "), path


# healthchecks style: the number of queries is pinned, and does not grow with the page size.
@pytest.mark.parametrize(
    ("collection", "queries"),
    [
        # 1. the plan by slug, 2. COUNT, 3. the page JOIN plan, article, article's plan
        ("principles", 3),
        ("goals", 3),
        # 1. the plan by slug, 2. COUNT, 3. the page JOIN plan, 4. their mentions JOIN chapter, article and plans
        ("initiatives", 4),
    ],
)
def test_indicator_lists_take_a_fixed_number_of_queries(
    api, computed_by_views, django_assert_num_queries, collection, queries
):
    for size in (5, 50):
        with django_assert_num_queries(queries):
            assert api.get(f"/api/v1/plans/{PLAN}/{collection}/?page_size={size}").status_code == 200


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("principles/1/", 2),  # 1. the plan, 2. the principle JOIN plan, article, article's plan
        ("goals/8/", 2),  # 1. the plan, 2. the goal JOIN plan, article, article's plan
        ("initiatives/shi-xiang-xing-dong/", 3),  # 1. the plan, 2. the initiative JOIN plan, 3. its mentions
    ],
)
def test_indicator_details_take_a_fixed_number_of_queries(
    api, computed_by_views, django_assert_num_queries, path, queries
):
    with django_assert_num_queries(queries):
        assert api.get(f"/api/v1/plans/{PLAN}/{path}").status_code == 200


def test_initiative_filters_cost_no_more_queries(api, computed_by_views):
    counts = []
    for query in ("page_size=5", "page_size=50", "page_size=50&kind=zone&kind=brand&chapter=3"):
        with CaptureQueriesContext(connection) as queries:
            api.get(f"/api/v1/plans/{PLAN}/initiatives/?{query}")
        counts.append(len(queries))
    assert counts == [4, 4, 4]
