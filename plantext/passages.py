"""The one walk over a plan's passages, in the order of the text.

Mentions of initiatives, term counts and the search index all read a plan's text through `plan_passages()`,
so that they agree on what the text is: the preamble, each chapter's heading and intro, each article's
paragraphs, and the closing (the title and subtitle are not passages). Chapters, articles and paragraphs are
numbered as the document numbers them; a paragraph's number counts from 1 within its article (or its
chapter's intro, or the preamble or closing), and a chapter's heading is paragraph 0 of the chapter.
"""

from collections import defaultdict
from dataclasses import dataclass

PREAMBLE, CHAPTER, ARTICLE, CLOSING = "preamble", "chapter", "article", "closing"


@dataclass(frozen=True)
class Passage:
    place: str  # preamble, chapter (its heading and intro), article or closing
    chapter: int | None  # the chapter's number, for a chapter's heading or intro and for an article
    article: int | None  # the article's number, for an article
    paragraph: int  # from 1 within its place; 0 for a chapter's heading
    text: str


def plan_passages(data):
    """Every passage of a plan's built data (the builder's plain dicts), in the order of the text."""
    plan = data["plan"]
    for number, text in enumerate(plan["preamble"], start=1):
        yield Passage(PREAMBLE, None, None, number, text)
    articles = defaultdict(list)
    for article in data["articles"]:
        articles[article["chapter"]].append(article)
    for chapter in data["chapters"]:
        yield Passage(CHAPTER, chapter["number"], None, 0, chapter["title"])
        for number, text in enumerate(chapter["intro"], start=1):
            yield Passage(CHAPTER, chapter["number"], None, number, text)
        for article in articles[chapter["number"]]:
            for number, text in enumerate(article["paragraphs"], start=1):
                yield Passage(ARTICLE, chapter["number"], article["number"], number, text)
    for number, text in enumerate(plan["closing"], start=1):
        yield Passage(CLOSING, None, None, number, text)
