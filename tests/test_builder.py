"""The builder: the real source text, and small malformed texts written here."""

import re
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles.builder import BuildError, rebuild_source
from ingest.build import build_plan, build_plan_folder, dump, read_plan_folder
from tests import smallplan
from tests.text import FOLDER, RAW, README_ERRATA

COMMITTED = (FOLDER / "generated" / "plan.json").read_bytes()


@pytest.fixture(scope="module")
def built():
    return build_plan(**read_plan_folder(FOLDER))


def test_building_twice_gives_identical_bytes(built):
    assert dump(build_plan(**read_plan_folder(FOLDER))) == dump(built)


def test_the_committed_fixture_is_what_the_builder_makes(built):
    assert dump(built) == COMMITTED


def test_build_fixtures_regenerates_the_committed_fixture_byte_for_byte(tmp_path, settings):
    copy = tmp_path / FOLDER.name
    shutil.copytree(FOLDER, copy)
    (copy / "generated" / "plan.json").unlink()
    settings.PLAN_FIXTURES_DIR = tmp_path
    for _ in range(2):
        out = StringIO()
        call_command("build_fixtures", stdout=out)
        assert (copy / "generated" / "plan.json").read_bytes() == COMMITTED
    assert out.getvalue() == (
        f"{FOLDER.name}: 12 chapters, 52 articles, 6 principles, 8 goals, 119 initiatives -> "
        f"{copy / 'generated' / 'plan.json'}\n"
    )


def test_built_data_rebuilds_the_source_byte_for_byte(built):
    assert rebuild_source(built).encode("utf-8") == RAW


def test_built_errata_are_the_six_spans_of_the_readme(built):
    assert [
        (e["line"], e["article"], e["as_received"], e["correction"]) for e in built["plan"]["source"]["errata"]
    ] == README_ERRATA


def test_source_facts_are_those_of_the_file_as_received(built):
    source = built["plan"]["source"]
    assert (source["bytes"], source["lines"], source["final_newline"]) == (55696, 94, False)


def test_a_small_plan_of_the_same_shape_builds(tmp_path):
    _, data = build_plan_folder(smallplan.write_plan(tmp_path))
    assert [c["title"] for c in data["chapters"]] == ["總體要求", "重點任務"]
    assert [(a["number"], a["chapter"], a["title"]) for a in data["articles"]] == [
        (1, 1, "指導思想"),
        (2, 1, "必須遵循的原則"),
        (3, 1, "主要目標"),
        (4, 2, "建設海河實驗室"),
    ]
    assert data["chapters"][1]["intro"] == ["推進十項行動,建設海河實驗室。"]
    assert data["articles"][2]["paragraphs"][1] == "——經濟實力明顯增強。地區生產總值穩步增長,碳達峰目標如期實現。"
    assert [p["title"] for p in data["principles"]] == ["堅持人民至上", "堅持系統觀念"]
    assert data["goals"][0]["targets"] == ["地區生產總值穩步增長", "碳達峰目標如期實現"]
    assert data["plan"]["closing"] == ["奮斗成就事業,實干開創未來。"]


def replaced(number, text):
    """The small plan's lines with line `number` (1-based) replaced; None deletes it."""
    lines = list(smallplan.SOURCE_LINES)
    if text is None:
        del lines[number - 1]
    else:
        lines[number - 1] = text
    return lines


def shifted_errata(by):
    return [{**e, "line": e["line"] + by} for e in smallplan.ERRATA]


MALFORMED = {
    "a skipped chapter": (
        {"lines": replaced(12, "三、重點任務")},
        "line 12: expected chapter 二 (2), found chapter 三 (3)",
    ),
    "a skipped article number": (
        {"lines": replaced(14, "5.建設海河實驗室。建設海河實驗室和十項行動。")},
        "line 14: expected article 4, found article 5",
    ),
    "an article number repeated": (
        {"lines": replaced(9, "2.主要目標。")},
        "line 9: expected article 3, found article 2",
    ),
    "an erratum that no longer matches": (
        {"errata": [{**smallplan.ERRATA[0], "as_received": "穩步?!上升"}]},
        "line 10 should contain '穩步?!上升' once, found it 0 times",
    ),
    "an erratum on a line past the end": (
        {"errata": [{**smallplan.ERRATA[0], "line": 99}]},
        "errata.json entry 1: line 99 is not a line of",
    ),
    "an erratum given the wrong article": (
        {"errata": [{**smallplan.ERRATA[0], "article": 2}]},
        "line 10 belongs to article 3, not 2",
    ),
    "a missing lead sentence": (
        {"lines": replaced(5, "1.指導思想,堅持高質量發展,實施十項行動")},
        "line 5 (article 1): no lead sentence ending in 。",
    ),
    "a principle without a lead sentence": (
        {"lines": replaced(7, "——堅持人民至上,尊重人民主體地位")},
        "line 7 (article 2, principle 1): no lead sentence ending in 。",
    ),
    "a goal without a lead sentence": (
        {"lines": replaced(10, "——經濟實力明顯增強,地區生產總值穩步?!增長")},
        "line 10 (article 3, goal 1): no lead sentence ending in 。",
    ),
    "a vision that names no year": (
        {"lines": replaced(11, "在此基礎上再奮斗五年,基本實現現代化。")},
        "line 11 (article 3): the paragraph after the goals names no year",
    ),
    "an empty line": (
        {"lines": [*smallplan.SOURCE_LINES[:5], "", *smallplan.SOURCE_LINES[5:]], "errata": shifted_errata(1)},
        "line 6: empty line",
    ),
    "a blank line of spaces": (
        {"lines": replaced(13, "   ")},
        "line 13: empty line",
    ),
    "no subtitle": (
        {"lines": replaced(2, None), "errata": shifted_errata(-1)},
        "line 2: the subtitle must be in parentheses",
    ),
    "a subtitle without a date": (
        {"lines": replaced(2, "(中國共產黨測試市第一屆委員會第二次全體會議通過)")},
        "line 2: the subtitle does not start with a date",
    ),
    "a title that does not name the issuer": (
        {"lines": replaced(1, "關于制定測試市發展規劃的建議")},
        "line 1: the title does not start with the issuer",
    ),
    "an article before the first chapter": (
        {"lines": [*smallplan.SOURCE_LINES[:2], "1.前言。說明。", *smallplan.SOURCE_LINES[3:]]},
        "line 3: article 1 comes before the first chapter",
    ),
    "a chapter without articles": (
        {
            "lines": [*smallplan.SOURCE_LINES[:11], "二、空章", "三、重點任務", *smallplan.SOURCE_LINES[12:]],
            "errata": smallplan.ERRATA,
        },
        "line 12: chapter 二 has no articles",
    ),
    "no closing paragraph": (
        {"lines": smallplan.SOURCE_LINES[:-1]},
        "expected the closing paragraph, found a heading",
    ),
    "an initiative the text does not name": (
        {"initiatives": smallplan.INITIATIVES + "lu-ban-gong-fang\tbrand\t魯班工坊\n"},
        "initiatives.tsv:4: '魯班工坊' does not occur verbatim in the text",
    ),
    "an initiative of an unknown kind": (
        {"initiatives": smallplan.INITIATIVES + "shi-yan\tgadget\t實驗室\n"},
        "initiatives.tsv:4: kind 'gadget' is not one of",
    ),
    "an initiative slug used twice": (
        {"initiatives": smallplan.INITIATIVES + "shi-xiang-xing-dong\taction\t十項\n"},
        "initiatives.tsv:4: slug 'shi-xiang-xing-dong' is used already at initiatives.tsv:2",
    ),
    "an initiatives file without its header": (
        {"initiatives": "shi-xiang-xing-dong\taction\t十項行動\n"},
        "initiatives.tsv:1: the header must be",
    ),
    "a term the text does not hold": (
        {"terms": "# terms\n高質量發展\n新質生產力\n"},
        "terms.txt:3: term '新質生產力' does not occur in the text",
    ),
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_malformed_plan_folder_is_a_build_error_naming_the_place(tmp_path, case):
    changes, message = MALFORMED[case]
    folder = smallplan.write_plan(tmp_path, **changes)
    with pytest.raises(BuildError) as error:
        build_plan_folder(folder)
    assert message in str(error.value)
    assert not (folder / "generated").exists()


def test_build_fixtures_on_a_broken_folder_is_a_command_error_not_a_traceback(tmp_path, settings):
    smallplan.write_plan(tmp_path, lines=replaced(14, "5.建設海河實驗室。建設海河實驗室和十項行動。"))
    settings.PLAN_FIXTURES_DIR = tmp_path
    with pytest.raises(CommandError, match=r"test-small-plan\.txt line 14: expected article 4, found article 5"):
        call_command("build_fixtures", stdout=StringIO())


def test_build_fixtures_without_plan_folders_is_a_command_error(tmp_path, settings):
    settings.PLAN_FIXTURES_DIR = tmp_path
    with pytest.raises(CommandError, match="no plan folders under"):
        call_command("build_fixtures", stdout=StringIO())


def test_a_folder_whose_slug_differs_from_its_name_is_refused(tmp_path):
    folder = smallplan.write_plan(tmp_path)
    folder = folder.rename(tmp_path / "other-name")
    with pytest.raises(BuildError, match="slug 'test-small-plan' differs from the folder name"):
        build_plan_folder(folder)


def test_metadata_missing_a_field_is_a_build_error(tmp_path):
    metadata = {k: v for k, v in smallplan.METADATA.items() if k != "issuer"}
    folder = smallplan.write_plan(tmp_path, metadata=metadata)
    with pytest.raises(BuildError, match="metadata.json: missing 'issuer'"):
        build_plan_folder(folder)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"metadata": {**smallplan.METADATA, "period": "2025-2029"}},
            "metadata.json: period must be [first year, last year]",
        ),
        (
            {"metadata": {**smallplan.METADATA, "period": [2025]}},
            "metadata.json: period must be [first year, last year]",
        ),
        ({"errata": smallplan.ERRATA[0]}, "errata.json: must be a list of objects"),
        ({"errata": ["穩步?!增長"]}, "errata.json: must be a list of objects"),
    ],
)
def test_curated_files_of_the_wrong_shape_are_build_errors(tmp_path, changes, message):
    folder = smallplan.write_plan(tmp_path, **changes)
    with pytest.raises(BuildError, match=re.escape(message)):
        build_plan_folder(folder)


def test_a_source_with_crlf_line_endings_is_a_build_error_naming_the_first_line(tmp_path):
    folder = smallplan.write_plan(tmp_path)
    (folder / f"{smallplan.SLUG}.txt").write_bytes("\r\n".join(smallplan.SOURCE_LINES).encode("utf-8"))
    with pytest.raises(BuildError, match=r"test-small-plan\.txt line 1: carriage return"):
        build_plan_folder(folder)


def test_a_source_that_is_not_utf8_is_a_build_error(tmp_path):
    folder = smallplan.write_plan(tmp_path)
    (folder / f"{smallplan.SLUG}.txt").write_bytes("\n".join(smallplan.SOURCE_LINES).encode("big5", "replace"))
    with pytest.raises(BuildError, match="not UTF-8"):
        build_plan_folder(folder)
