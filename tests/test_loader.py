"""The loader: idempotent, updates a changed fixture, and a failed load changes nothing."""

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.loader import LoadError
from articles.models import Article, Chapter, Erratum, Plan
from indicators.models import Goal, Initiative, Mention, Principle
from ingest.build import build_plan_folder
from ingest.pipeline import load_all, load_plan_folder
from tests import smallplan
from tests.text import PLAN

MODELS = (Plan, Erratum, Chapter, Article, Principle, Goal, Initiative, Mention)


def snapshot():
    """Every row of every table, so that 'nothing changed' can be checked whole."""
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in MODELS}


@pytest.fixture
def small(tmp_path):
    folder = smallplan.write_plan(tmp_path)
    build_plan_folder(folder)
    return folder


def test_loading_the_loaded_plan_again_reports_unchanged_and_changes_nothing():
    before = snapshot()
    [result] = load_all(settings.PLAN_FIXTURES_DIR)
    assert (result.slug, result.status) == (PLAN, "unchanged")
    assert result.counts == {"chapters": 12, "articles": 52, "principles": 6, "goals": 8, "initiatives": 119}
    assert snapshot() == before  # same rows, same ids, same updated_at


def test_load_plan_command_says_what_it_did():
    version = Plan.objects.get(slug=PLAN).version
    out = StringIO()
    call_command("load_plan", stdout=out)
    assert out.getvalue() == (
        f"{PLAN}: unchanged (version {version[:12]}; 12 chapters, 52 articles, 6 principles, 8 goals, 119 initiatives)\n"
    )


def test_load_plan_command_with_an_unknown_slug_is_a_command_error():
    with pytest.raises(CommandError, match="no plan folder for no-such-plan"):
        call_command("load_plan", "no-such-plan", stdout=StringIO())


def test_load_plan_command_loads_a_new_folder_then_leaves_it(small, settings):
    settings.PLAN_FIXTURES_DIR = small.parent
    out = StringIO()
    call_command("load_plan", stdout=out)
    call_command("load_plan", smallplan.SLUG, stdout=out)
    first, second = out.getvalue().splitlines()
    assert first.startswith(f"{smallplan.SLUG}: created (version ")
    assert second.startswith(f"{smallplan.SLUG}: unchanged (version ")
    assert first.endswith("; 2 chapters, 4 articles, 2 principles, 2 goals, 2 initiatives)")


def test_a_changed_fixture_updates_the_plan(small, api):
    created = load_plan_folder(small)
    plan = Plan.objects.get(slug=smallplan.SLUG)
    lines = list(smallplan.SOURCE_LINES)
    lines[13] = "4.建設海河實驗室。建設海河實驗室。"
    lines.insert(14, "5.推進十項行動。推進十項行動。")
    smallplan.write_plan(small.parent, lines=lines)
    build_plan_folder(small)

    updated = load_plan_folder(small)
    assert (created.status, updated.status) == ("created", "updated")
    assert updated.version != created.version
    plan.refresh_from_db()
    assert plan.version == updated.version
    assert api.get(f"/api/v1/plans/{smallplan.SLUG}/").json()["counts"]["articles"] == 5
    assert api.get(f"/api/v1/plans/{smallplan.SLUG}/articles/5/").json()["paragraphs"] == [
        "推進十項行動。推進十項行動。"
    ]
    assert api.get(f"/api/v1/plans/{smallplan.SLUG}/source").content == (small / f"{smallplan.SLUG}.txt").read_bytes()
    mentions = api.get(f"/api/v1/plans/{smallplan.SLUG}/initiatives/shi-xiang-xing-dong/").json()["mentions"]
    assert [(m["article"] or {}).get("number") for m in mentions] == [1, None, 5]
    # The first plan is untouched.
    assert Article.objects.filter(plan__slug=PLAN).count() == 52


def break_fixture(folder, change):
    path = folder / "generated" / "plan.json"
    data = json.loads(path.read_bytes())
    change(data)
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode("utf-8"))


def article_in_chapter_99(data):
    data["articles"][-1]["chapter"] = 99


def initiative_slug_twice(data):
    # Chapters, articles, principles and goals go in first; the initiatives' unique slug fails late.
    data["initiatives"][1]["slug"] = data["initiatives"][0]["slug"]


def article_number_twice(data):
    data["articles"][-1]["number"] = 1


@pytest.mark.parametrize("change", [article_in_chapter_99, initiative_slug_twice, article_number_twice])
def test_a_failed_update_leaves_the_database_as_it_was(small, change):
    load_plan_folder(small)
    before = snapshot()
    lines = [*smallplan.SOURCE_LINES[:-1], "推進十項行動。", smallplan.SOURCE_LINES[-1]]
    smallplan.write_plan(small.parent, lines=lines)
    build_plan_folder(small)
    break_fixture(small, change)
    with pytest.raises(LoadError, match=rf"{smallplan.SLUG}.*nothing was changed"):
        load_plan_folder(small)
    assert snapshot() == before


@pytest.mark.parametrize("change", [article_in_chapter_99, initiative_slug_twice])
def test_a_failed_first_load_leaves_no_plan_behind(small, change):
    before = snapshot()
    break_fixture(small, change)
    with pytest.raises(LoadError):
        load_plan_folder(small)
    assert snapshot() == before
    assert not Plan.objects.filter(slug=smallplan.SLUG).exists()


def test_load_plan_command_on_a_broken_fixture_is_a_command_error(small, settings):
    break_fixture(small, article_in_chapter_99)
    settings.PLAN_FIXTURES_DIR = small.parent
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("load_plan", stdout=StringIO())


def test_a_fixture_older_than_its_source_is_refused(small):
    (small / f"{smallplan.SLUG}.txt").write_bytes("\n".join(smallplan.SOURCE_LINES).encode("utf-8") + b"\n")
    with pytest.raises(LoadError, match="sha256 differs from the fixture's; run `manage.py build_fixtures`"):
        load_plan_folder(small)


def test_a_folder_never_built_is_refused(tmp_path):
    folder = smallplan.write_plan(tmp_path)
    with pytest.raises(LoadError, match="not found; run `manage.py build_fixtures` first"):
        load_plan_folder(folder)


def test_a_malformed_official_publication_in_the_metadata_is_refused(tmp_path):
    metadata = {**smallplan.METADATA, "official_publication": "https://example.gov.cn/"}
    folder = smallplan.write_plan(tmp_path, metadata=metadata)
    build_plan_folder(folder)
    with pytest.raises(LoadError, match=r"official_publication must be \{\"title\": …, \"url\": \"https://…\"\}"):
        load_plan_folder(folder)
    assert not Plan.objects.filter(slug=smallplan.SLUG).exists()
