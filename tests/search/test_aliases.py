"""The alias files are curated data: the builder and the loader check them, and what they say is what is served."""

import json
import shutil

import pytest
from django.conf import settings

from articles.builder import BuildError
from articles.loader import LoadError
from ingest.build import build_all, build_plan_folder
from ingest.pipeline import load_all
from tests import smallplan
from tests.conftest import PLAN

HEADER = "# a comment\nalias\ttarget\tnote\n"


def test_the_built_plan_carries_its_own_aliases():
    data = json.loads((settings.PLAN_FIXTURES_DIR / PLAN / "generated" / "plan.json").read_text(encoding="utf-8"))
    assert {"alias": "天开园", "target": "天开高教科创园", "note": data["aliases"][0]["note"]} == data["aliases"][0]
    assert len(data["aliases"]) == 5


def test_a_plan_alias_whose_target_is_not_in_its_text_fails_the_build_naming_file_and_line(tmp_path):
    folder = smallplan.write_plan(tmp_path)
    (folder / "aliases.tsv").write_text(
        HEADER + "海河室\t海河实验室\tok\n天开园\t天开高教科创园\tnot here\n", encoding="utf-8"
    )
    with pytest.raises(
        BuildError,
        match=r"test-small-plan/aliases.tsv:4: the target '天开高教科创园' of '天开园' does not occur in this plan's text",
    ):
        build_plan_folder(folder)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("民企\t民营企业", "aliases.tsv:3: expected three non-empty tab-separated cells"),
        ("民企\t民營企業\tnote", "aliases.tsv:3: 民企 -> 民營企業 is not in simplified characters"),
        ("民企\t民企\tnote", "aliases.tsv:3: alias and target are the same"),
    ],
)
def test_a_malformed_alias_line_fails_the_build_naming_file_and_line(tmp_path, line, message):
    folder = smallplan.write_plan(tmp_path)
    (folder / "aliases.tsv").write_text(HEADER + line + "\n", encoding="utf-8")
    with pytest.raises(BuildError, match=message):
        build_plan_folder(folder)


def test_a_general_alias_whose_target_is_in_no_plan_fails_the_build_and_the_load(tmp_path):
    build_plan_folder(smallplan.write_plan(tmp_path))
    (tmp_path / "aliases.tsv").write_text(
        HEADER + "实验室\t海河实验室\tin the small plan\n量子\t量子计算机\tnowhere\n", encoding="utf-8"
    )
    with pytest.raises(
        BuildError, match=r"aliases.tsv:4: the target '量子计算机' of '量子' does not occur in any plan's text"
    ):
        build_all(tmp_path)
    with pytest.raises(LoadError, match=r"aliases.tsv:4: the target '量子计算机'"):
        load_all(tmp_path)


def test_changing_the_general_alias_file_changes_what_is_served(tmp_path, api):
    shutil.copytree(settings.PLAN_FIXTURES_DIR / PLAN, tmp_path / PLAN)
    general = (settings.PLAN_FIXTURES_DIR / "aliases.tsv").read_text(encoding="utf-8")
    (tmp_path / "aliases.tsv").write_text(general, encoding="utf-8")
    assert [r.status for r in load_all(tmp_path)] == ["unchanged"]
    assert api.get("/api/v1/search/", {"q": "TJP"}).json()["count"] == 0

    (tmp_path / "aliases.tsv").write_text(general + "TJP\t天津港\ta test alias\n", encoding="utf-8")
    assert [r.status for r in load_all(tmp_path)] == ["refreshed"]
    body = api.get("/api/v1/search/", {"q": "TJP", "type": "article"}).json()
    assert body["count"] > 0
    assert {r["match"] for r in body["results"]} == {"alias"}
    assert body["interpretation"]["terms"][0]["readings"][1] == {"text": "天津港", "how": "alias", "alias": "tjp"}
