"""What invalidates cached responses: anything the ingest pipeline changes for a plan, and nothing else.

Through the middleware, as a reader sees it: a response cached before `load_plan` or `reindex_search` is not
served after it when the plan's data changed (a new licence in metadata.json, a rebuilt index and term
counts), and other plans' cached responses are still served.
"""

import json
import shutil
import zipfile
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command

from opendata.models import Term
from search.models import SearchEntry
from tests.conftest import PLAN
from tests.test_http_caching import _second_plan

DATAPACKAGE = f"/api/v1/plans/{PLAN}/datapackage.zip"
SEARCH = "/api/v1/search/?q=%E4%BA%AC%E6%B4%A5%E5%86%80"  # 京津冀
TERMS = f"/api/v1/plans/{PLAN}/terms/?top=10"


def licences(response):
    with zipfile.ZipFile(BytesIO(response.content)) as archive:
        return [licence["name"] for licence in json.loads(archive.read("datapackage.json"))["licenses"]]


@pytest.fixture
def plan_folders(settings, tmp_path):
    """A copy of the plan folders that a test may edit, as an operator edits fixtures/ before `load_plan`."""
    shutil.copytree(settings.PLAN_FIXTURES_DIR / PLAN, tmp_path / PLAN)
    settings.PLAN_FIXTURES_DIR = tmp_path
    return tmp_path


def run(command, *args, capture):
    out = StringIO()
    with capture(execute=True):  # the pipeline's transaction commits, and its on-commit hooks run
        call_command(command, *args, stdout=out)
    return out.getvalue()


def test_a_cached_data_package_shows_the_new_licence_after_load_plan(
    api, plan_folders, django_capture_on_commit_callbacks
):
    before = api.get(DATAPACKAGE)
    assert licences(before) == ["CC0-1.0"]
    assert api.get(DATAPACKAGE)["X-Cache"] == "HIT"

    metadata_path = plan_folders / PLAN / "metadata.json"
    metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
    metadata_path.write_text(json.dumps({**metadata, "license": "CC-BY-4.0"}), encoding="utf-8")
    assert "refreshed" in run("load_plan", capture=django_capture_on_commit_callbacks)

    after = api.get(DATAPACKAGE)
    assert after["X-Cache"] == "MISS"
    assert licences(after) == ["CC-BY-4.0"]
    assert after["ETag"] != before["ETag"]
    assert api.get(DATAPACKAGE, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200


def test_load_plan_of_an_unchanged_plan_keeps_its_cached_responses(api, django_capture_on_commit_callbacks):
    before = api.get(DATAPACKAGE)
    assert "unchanged" in run("load_plan", capture=django_capture_on_commit_callbacks)
    after = api.get(DATAPACKAGE)
    assert after["X-Cache"] == "HIT"
    assert after["ETag"] == before["ETag"]


def test_cached_search_and_terms_responses_are_recomputed_after_reindex_search(api, django_capture_on_commit_callbacks):
    search, terms = api.get(SEARCH), api.get(TERMS)
    assert search.json()["count"] > 0 and terms.json()["results"]
    # An index and term counts made by older code: here, none at all. Cached answers are still served …
    SearchEntry.objects.filter(plan__slug=PLAN).delete()
    Term.objects.filter(plan__slug=PLAN).delete()
    assert api.get(SEARCH)["X-Cache"] == api.get(TERMS)["X-Cache"] == "HIT"

    assert f"{PLAN}: refreshed" in run("reindex_search", capture=django_capture_on_commit_callbacks)

    # … until the index is rebuilt: then they are computed from the new index, not served from the cache.
    new_search, new_terms = api.get(SEARCH), api.get(TERMS)
    assert new_search["X-Cache"] == new_terms["X-Cache"] == "MISS"
    assert new_search.json() == search.json()
    assert new_terms.json() == terms.json()
    assert new_search["ETag"] != search["ETag"]
    assert api.get(TERMS, HTTP_IF_NONE_MATCH=terms["ETag"]).status_code == 200


def test_reindexing_one_plan_leaves_the_other_plans_cached_responses_valid(
    api, django_capture_on_commit_callbacks, django_assert_num_queries
):
    _second_plan("second-plan", "第二個規劃")
    other = ["/api/v1/plans/second-plan/", "/api/v1/plans/second-plan/terms/?top=5"]
    ours = [f"/api/v1/plans/{PLAN}/", TERMS]
    across = ["/api/v1/plans/", SEARCH]
    for url in other + ours + across:
        assert api.get(url).status_code == 200

    run("reindex_search", PLAN, capture=django_capture_on_commit_callbacks)

    with django_assert_num_queries(1):  # the plans' versions, read again once
        assert [api.get(url)["X-Cache"] for url in other] == ["HIT", "HIT"]
    assert [api.get(url)["X-Cache"] for url in ours + across] == ["MISS"] * 4
