"""Text for pages: where a name is mentioned, sentence by sentence, and which paragraph a search hit is in.

Matching goes through the same normalisation and match spans as search (plantext.scripts.normalize,
search.text.match_spans): nothing here decides what matches, it only finds where.
"""

import html
import re

from plantext.scripts import normalize
from search.text import match_spans

SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def first_matching_paragraph(paragraphs, highlights):
    """The number (from 1) of the first paragraph that holds a highlighted word, or None."""
    if not highlights:
        return None
    for number, text in enumerate(paragraphs, start=1):
        if match_spans(normalize(text), highlights):
            return number
    return None


def marked(text, spans):
    """HTML: the text escaped, each span wrapped in <mark>…</mark>."""
    pieces, cursor = [], 0
    for start, end in spans:
        pieces.append(html.escape(text[cursor:start], quote=False))
        pieces.append("<mark>" + html.escape(text[start:end], quote=False) + "</mark>")
        cursor = end
    pieces.append(html.escape(text[cursor:], quote=False))
    return "".join(pieces)


def sentences_naming(paragraphs, name):
    """[(paragraph number, sentence HTML with the name marked)] for every sentence of the paragraphs that names it.

    `paragraphs` is [(number, text)]; a chapter's heading is its paragraph 0.
    """
    key = normalize(name)
    found = []
    for number, text in paragraphs:
        for sentence in SENTENCE_END.split(text):
            spans = match_spans(normalize(sentence), [key])
            if spans:
                found.append((number, marked(sentence, spans)))
    return found
