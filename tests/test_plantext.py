"""The text helpers: one converter per configuration per thread, one tokenizer per dictionary, one walk."""

import json
import threading

from django.conf import settings

from plantext.passages import plan_passages
from plantext.scripts import convert, opencc_converter
from plantext.segment import tokenizer
from tests.text import LINES, PLAN


def test_each_thread_has_its_own_converter_and_keeps_it():
    seen = {}

    def look(name):
        seen[name] = (opencc_converter("t2s"), opencc_converter("t2s"))

    threads = [threading.Thread(target=look, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (a1, a2), (b1, b2) = seen.values()
    assert a1 is a2 and b1 is b2
    assert a1 is not b1


def test_converting_from_many_threads_at_once_gives_what_one_thread_gives():
    text = "\n".join(LINES)
    expected = {script: convert(text, script) for script in ("zh-Hans", "zh-Hant-TW", "zh-Hant-HK")}
    results = []

    def work():
        results.append({script: convert(text, script) for script in expected})

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 8


def test_one_tokenizer_per_dictionary_and_plans_never_share_words():
    assert tokenizer(["十項行動"]) is tokenizer(["十項行動"])
    assert tokenizer(["十項行動"]) is not tokenizer([])
    assert "十項行動" in [word for word, _, _ in tokenizer(["十項行動"]).tokenize("推進十項行動")]
    assert "十項行動" not in [word for word, _, _ in tokenizer([]).tokenize("推進十項行動")]


def test_the_walk_gives_every_line_of_the_text_but_the_title_and_subtitle_once_in_order():
    data = json.loads((settings.PLAN_FIXTURES_DIR / PLAN / "generated" / "plan.json").read_bytes())
    passages = list(plan_passages(data))
    lines = LINES[2:]
    assert len(passages) == len(lines) == 92
    for passage, line in zip(passages, lines, strict=True):
        assert line.endswith(passage.text)
    articles = [p for p in passages if p.place == "article"]
    assert {p.article for p in articles} == set(range(1, 53))
    assert [p.paragraph for p in articles if p.article == 5] == [1, 2, 3, 4, 5, 6, 7]
    headings = [p for p in passages if p.place == "chapter" and p.paragraph == 0]
    assert [p.chapter for p in headings] == list(range(1, 13))
