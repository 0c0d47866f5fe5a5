"""Count the words of a plan: pure functions from a plan's generated data to term counts.

How a word is counted, so that the numbers can be checked by hand:
- The text is every passage of the plan: the preamble, each chapter's heading and intro, each article's
  paragraphs, the closing (the title and subtitle are not counted). The corrected text is used (errata applied).
- Each passage is converted to simplified characters (OpenCC t2s, which keeps every character in place) and
  segmented with jieba (precise mode, HMM on) plus the plan's user dictionary (its initiative names and key terms,
  converted to simplified). Counting the simplified form makes the counts the same in every script.
- A word inside a longer word counts too: the longer word is split as jieba would split it were it not a word
  itself, recursively, and every piece or run of pieces that is in jieba's dictionary or the plan's counts once.
  So 京津冀协同发展 counts for 京津冀协同发展, 京津冀, 协同发展, 京津, 协同 and 发展. A word's count therefore equals a plain
  count of it in the text, except where an occurrence straddles two words of the segmentation.
- Stop words (the stopwords-iso Chinese list: 的, 和, 等, 以及 …), punctuation and pure numbers are not terms.
"""

import re
from collections import Counter, defaultdict

import stopwordsiso

from plantext.passages import plan_passages
from plantext.scripts import to_simplified
from plantext.segment import tokenizer

MAX_TERM_LENGTH = 100
_WORDLIKE = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z]")


def stop_words():
    return frozenset(stopwordsiso.stopwords("zh"))


def is_term(key, stops):
    return bool(_WORDLIKE.search(key)) and key not in stops and len(key) <= MAX_TERM_LENGTH


def words_in(segmenter, text):
    """(word, start) for every word of a simplified text, and every word inside a longer one."""
    for word, start, _end in segmenter.tokenize(text):
        yield word, start
        yield from _inner_words(segmenter, word, start)


def _inner_words(segmenter, word, offset):
    if len(word) < 3:
        return
    dag = segmenter.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route = {}
    segmenter.calc(word, dag, route)
    pieces, start = [], 0
    while start < len(word):
        end = route[start][1] + 1
        pieces.append((start, word[start:end]))
        start = end
    for i, (start, _piece) in enumerate(pieces):
        run = ""
        for j in range(i, len(pieces)):
            run += pieces[j][1]
            if len(run) == len(word) or len(run) < 2:
                continue
            if j == i:
                yield run, offset + start
                yield from _inner_words(segmenter, run, offset + start)
            elif segmenter.FREQ.get(run):
                yield run, offset + start


def count_terms(data):
    """The plan's terms: a list of {key, text, count, occurrences: [{place, chapter, article, count}]}, by key."""
    segmenter = tokenizer(to_simplified(word) for word in data["dictionary"])
    stops = stop_words()
    counts = defaultdict(Counter)  # key -> (place, chapter, article) -> count
    forms = defaultdict(Counter)  # key -> form in the received text -> count
    first_seen = {}
    for passage in plan_passages(data):
        text = passage.text
        simplified = to_simplified(text)
        aligned = len(simplified) == len(text)
        for key, start in words_in(segmenter, simplified):
            if not is_term(key, stops):
                continue
            counts[key][(passage.place, passage.chapter, passage.article)] += 1
            form = text[start : start + len(key)] if aligned else key
            forms[key][form] += 1
            first_seen.setdefault((key, form), len(first_seen))
    terms = []
    for key in sorted(counts):
        # The most frequent received form; on a tie, the one seen first.
        text = min(forms[key], key=lambda form: (-forms[key][form], first_seen[(key, form)]))
        occurrences = [
            {"place": place, "chapter": chapter, "article": article, "count": count}
            for (place, chapter, article), count in counts[key].items()
        ]
        terms.append({"key": key, "text": text, "count": sum(counts[key].values()), "occurrences": occurrences})
    return terms
