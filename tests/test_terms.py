"""Term counts: the plan's most frequent words, and one word's count per chapter and article."""

from urllib.parse import quote

import pytest

from articles.models import Plan
from tests.conftest import PLAN

TERMS = f"/api/v1/plans/{PLAN}/terms/"
HAND_CHECKED = ["京津冀", "新質生產力", "高質量發展"]


def plain_counts(word):
    """A plain count of the word in the text the terms are counted on, in total and per chapter and article."""
    plan = Plan.objects.get(slug=PLAN)
    total = sum(text.count(word) for text in plan.preamble + plan.closing)
    chapters, articles = {}, {}
    for chapter in plan.chapters.prefetch_related("articles"):
        in_chapter = sum(text.count(word) for text in [chapter.title, *chapter.intro])
        for article in chapter.articles.all():
            count = sum(text.count(word) for text in article.paragraphs)
            if count:
                articles[article.number] = count
            in_chapter += count
        if in_chapter:
            chapters[chapter.number] = in_chapter
        total += in_chapter
    return total, chapters, articles


@pytest.mark.parametrize("word", HAND_CHECKED)
def test_a_terms_count_agrees_with_a_plain_count_of_the_word_in_the_text(api, word):
    total, chapters, articles = plain_counts(word)
    assert total > 0
    response = api.get(f"{TERMS}{word}/")
    assert response.status_code == 200
    term = response.json()
    assert term["term"] == word
    assert term["count"] == total
    assert {c["number"]: c["count"] for c in term["chapters"]} == chapters
    assert {a["number"]: a["count"] for a in term["articles"]} == articles
    assert term["url"] == f"http://testserver{TERMS}{quote(word)}/"


def test_the_hand_checked_counts(api):
    # What `grep -o WORD fixtures/tianjin-15th-fyp-proposals/tianjin-15th-fyp-proposals.txt | wc -l` prints.
    assert {word: api.get(f"{TERMS}{word}/").json()["count"] for word in HAND_CHECKED} == {
        "京津冀": 11,
        "新質生產力": 6,
        "高質量發展": 16,
    }


@pytest.mark.parametrize("spelling", ["高質量發展", "高质量发展"])
def test_a_term_can_be_looked_up_in_either_script(api, spelling):
    response = api.get(f"{TERMS}{spelling}/")
    assert response.status_code == 200
    assert response.json()["count"] == 16
    assert response.json()["url"] == f"http://testserver{TERMS}{quote('高質量發展')}/"


def test_a_term_is_shown_in_the_requested_script_with_its_url_unchanged(api):
    simplified = api.get(f"{TERMS}制造業/", {"script": "zh-Hans"}).json()
    taiwan = api.get(f"{TERMS}製造業/", {"script": "zh-Hant-TW"}).json()
    assert simplified["term"] == "制造业"
    assert taiwan["term"] == "製造業"
    assert simplified["url"] == taiwan["url"] == f"http://testserver{TERMS}{quote('制造業')}/"
    assert simplified["count"] == taiwan["count"] == plain_counts("制造業")[0]


def test_the_top_terms_are_the_most_frequent_words_without_stop_words_or_punctuation(api):
    response = api.get(TERMS)
    assert response.status_code == 200
    body = response.json()
    assert (body["plan"], body["top"], body["chapter"], body["article"], body["min_length"]) == (
        PLAN,
        50,
        None,
        None,
        2,
    )
    results = body["results"]
    assert len(results) == 50
    counts = [t["count"] for t in results]
    assert counts == sorted(counts, reverse=True)
    words = [t["term"] for t in results]
    assert words[0] == "發展"
    assert results[0]["count"] == plain_counts("發展")[0]
    assert not {"的", "和", "等", "，", ",", "、", "。", "2025"} & set(words)
    assert all(t["length"] >= 2 and len(t["term"]) == t["length"] for t in results)
    assert results[0]["chapters"] == list(range(1, 13))


def test_terms_filtered_by_chapter_count_only_in_that_chapter(api):
    results = api.get(TERMS, {"chapter": 3, "top": 200}).json()["results"]
    jingjinji = next(t for t in results if t["term"] == "京津冀")
    assert jingjinji["count"] == plain_counts("京津冀")[1][3]
    assert jingjinji["chapters"] == [3]
    in_chapter_3 = set(Plan.objects.get(slug=PLAN).articles.filter(chapter__number=3).values_list("number", flat=True))
    assert jingjinji["articles"] == sorted(n for n in plain_counts("京津冀")[2] if n in in_chapter_3)
    assert jingjinji["articles"]


def test_terms_filtered_by_article_and_min_length(api):
    results = api.get(TERMS, {"article": 13, "min_length": 3, "top": 10}).json()["results"]
    assert results and all(t["articles"] == [13] and t["length"] >= 3 for t in results)
    by_word = {t["term"]: t["count"] for t in results}
    assert by_word["制造業"] == plain_counts("制造業")[2][13]


def test_terms_are_also_served_as_csv(api):
    response = api.get(TERMS, {"format": "csv", "top": 3})
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "term,url,length,count,chapters,articles"
    assert lines[1].startswith("發展,http://testserver/api/v1/plans/")
    assert lines[1].split(",")[4] == ";".join(str(n) for n in range(1, 13))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"top": "-1"}, "Invalid top: must be a whole number from 1 to 1000, not '-1'"),
        ({"top": "100000"}, "Invalid top: must be a whole number from 1 to 1000, not '100000'"),
        ({"top": "ten"}, "Invalid top: must be a whole number from 1 to 1000, not 'ten'"),
        ({"chapter": "0"}, "Invalid chapter: must be a whole number from 1 to 32767, not '0'"),
        ({"min_length": "x"}, "Invalid min_length: must be a whole number from 1 to 100, not 'x'"),
        ({"format": "xls"}, "Invalid format: unknown format 'xls'; use one of json, csv, ndjson, xlsx"),
        ({"script": "fr"}, "Invalid script: unknown script 'fr'; use one of zh-Hant, zh-Hans, zh-Hant-TW, zh-Hant-HK"),
    ],
)
def test_bad_term_parameters_are_400s_with_messages(api, query, message):
    response = api.get(TERMS, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == message


def test_an_unknown_term_or_plan_is_a_404(api):
    response = api.get(f"{TERMS}不存在的詞/")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("No term '不存在的詞' in plan 'tianjin-15th-fyp-proposals'")
    assert api.get("/api/v1/plans/nope/terms/").status_code == 404


def test_the_terms_list_takes_three_queries(api, computed_by_views, django_assert_num_queries):
    # 1. the plan; 2. the top terms with their summed counts; 3. the chapters and articles they occur in
    with django_assert_num_queries(3):
        assert api.get(TERMS, {"top": 200}).status_code == 200


def test_a_term_takes_three_queries(api, computed_by_views, django_assert_num_queries):
    # 1. the plan; 2. the term; 3. its occurrences with their chapters and articles
    with django_assert_num_queries(3):
        assert api.get(f"{TERMS}京津冀/").status_code == 200


def test_a_plan_derived_by_another_release_gets_its_terms_again_on_the_next_load(api):
    from django.conf import settings

    from ingest.models import Ingestion
    from ingest.pipeline import load_all
    from opendata.models import Term

    # As if an older release had loaded the plan (and counted its terms otherwise, or not at all).
    Ingestion.objects.update(release="an-older-release")
    Term.objects.all().delete()
    assert api.get(f"{TERMS}京津冀/").status_code == 404
    [result] = load_all(settings.PLAN_FIXTURES_DIR)
    assert result.status == "refreshed"
    assert api.get(f"{TERMS}京津冀/").json()["count"] == 11
    [again] = load_all(settings.PLAN_FIXTURES_DIR)
    assert again.status == "unchanged"
