"""Sentences and clauses of a paragraph, as offsets: what "close together" means in a plan's text.

A sentence ends at 。！？； (and the ASCII ; ! ? the texts also use); a clause inside it at a comma or a colon. A
list's items are separated by 、. Offsets are those of the text given, so that they point into its normalised
form too (plantext.scripts.normalize keeps the length).
"""

SENTENCE_END = frozenset("。！？；;!?\n")
CLAUSE_END = frozenset("，,：:")
LIST_SEPARATOR = "、"


def sentence_spans(text):
    """(start, end) of each sentence of the text with at least one character that is not a space, its final
    punctuation left out."""
    start = 0
    for i, char in enumerate(text + "\n"):
        if char in SENTENCE_END or i == len(text):
            if text[start:i].strip():
                yield start, i
            start = i + 1
