"""Every case of tests/search/cases.json, asserted through the HTTP API (see tests/search/README.md).

Each case is run twice: on /api/v1/search/?type=article&plan=… and on the plan's articles `?q=`.
"""

import json
from pathlib import Path

import pytest

from tests.conftest import PLAN

CASES = json.loads((Path(__file__).parent / "cases.json").read_text(encoding="utf-8"))


def _search_articles(api, q):
    response = api.get("/api/v1/search/", {"q": q, "type": "article", "plan": PLAN, "page_size": 100})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] <= 100
    return [result["number"] for result in body["results"]]


def _collection_articles(api, q):
    response = api.get(f"/api/v1/plans/{PLAN}/articles/", {"q": q, "page_size": 100})
    assert response.status_code == 200, response.content
    return [article["number"] for article in response.json()["results"]]


@pytest.mark.parametrize("endpoint", [_search_articles, _collection_articles], ids=["search", "collection"])
@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_search_finds_exactly_the_articles_the_text_says(api, case, endpoint):
    numbers = endpoint(api, case["q"])
    assert sorted(numbers) == sorted(case["found"])
    assert len(numbers) == len(set(numbers))
    assert not set(numbers) & set(case["absent"])
    assert set(case["top3"]) <= set(numbers[:3]), f"top 3 were {numbers[:3]}"
