"""Text handling for search, in pure Python: normalisation, the index terms of a text, the query grammar, snippets.

Why not PostgreSQL's own parsers: they index a run of Chinese characters as one token, so 新質生產力 inside a
sentence is never found, and no Chinese parser is available. So the index terms are made here and stored as a
ready `tsvector`:

- every text is normalised (plantext.scripts.normalize) toward simplified characters (OpenCC t2s, which maps
  both traditional forms of 碳達峰/碳達峯 or 制造/製造 to one), lower case, one character for one character, so
  that an offset in the normalised text points at the same character of the original;
- each word character (letter, digit, ideograph) is a lexeme at its position, each pair of adjacent word
  characters a bigram lexeme at the position of its first character, and each word of jieba's search mode
  (three characters or more, with the plan's own dictionary) a lexeme at the position of its first character.

A query word of n ≥ 2 characters becomes the chain of its bigrams joined by `<->`: with positions that are
character offsets this matches exactly where the word is a substring of the text, never across punctuation or
paragraphs (no bigram spans them). One character is its own lexeme. The word itself, as a jieba lexeme, is
ORed in. Everything the query parser emits is a quoted lexeme of word characters, so nothing a user types
(`&`, `|`, `!`, `:*`, `<->`, quotes, backslashes) can reach the tsquery grammar.
"""

import bisect
import functools
import html
import re

from plantext.scripts import normalize

MAX_QUERY_LENGTH = 200
# Which queries can be searched: those with a searchable character (an ASCII or full-width letter or digit,
# or a Chinese character) in some word that does not start with `-`, and no NUL byte. Anything else is a 400.
# The OpenAPI document gives `q` this very pattern, so that the schema and the server say one thing.
SEARCHABLE_CHARACTER = "[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
QUERY_PATTERN = f"^[^\\u0000]*(?:^|\\s)(?:[^\\s\\u0000-][^\\s\\u0000]*)?{SEARCHABLE_CHARACTER}[^\\u0000]*$"
# tsvector limits: positions run from 1 to 16383, and a lexeme keeps at most 256 positions.
MAX_POSITION = 16383
MAX_POSITIONS_PER_LEXEME = 256
# Weights of ts_rank_cd, in PostgreSQL's order {D, C, B, A}: titles are A, bodies D.
RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
# Between equal ranks the shorter document, which is more about what it names, comes first: a score gains
# TIE_BREAK / (1 + its characters), too little to pass any difference of rank (the smallest is 0.05 / 256).
TIE_BREAK = 1e-7
# Terms that count toward the rank (every term counts toward matching).
MAX_RANKED_TERMS = 8


class QueryError(ValueError):
    """The query cannot be searched; the message says why, for the user."""


def is_word_char(char):
    return char.isalnum()


# --- index terms --------------------------------------------------------------------------------------


def index_positions(fields, *, segmenter):
    """Lexeme -> {position: weight} for a document made of (text, weight) fields, weight one of "A"…"D".

    Fields follow one another with a gap, so no bigram or phrase runs from one into the next; a field's
    paragraphs are separated by newlines, which are not word characters, for the same reason.
    """
    lexemes = {}

    def add(lexeme, position, weight):
        if position > MAX_POSITION:
            return
        positions = lexemes.setdefault(lexeme, {})
        if position not in positions and len(positions) < MAX_POSITIONS_PER_LEXEME:
            positions[position] = weight

    offset = 0
    for text, weight in fields:
        norm = normalize(text)
        for i, char in enumerate(norm):
            if is_word_char(char):
                add(char, offset + i + 1, weight)
                if i + 1 < len(norm) and is_word_char(norm[i + 1]):
                    add(norm[i : i + 2], offset + i + 1, weight)
        for start, run in word_runs(norm):
            for word, begin, _end in segmenter.tokenize(run, mode="search"):
                if len(word) >= 3 and all(is_word_char(c) for c in word):
                    add(word, offset + start + begin + 1, weight)
        offset += len(norm) + 2
    return lexemes


def tsvector_literal(lexemes):
    """The tsvector input text for index_positions()'s result; lexemes hold only word characters."""
    parts = []
    for lexeme in sorted(lexemes):
        positions = lexemes[lexeme]
        spec = ",".join(f"{p}{'' if w == 'D' else w}" for p, w in sorted(positions.items()))
        parts.append(f"'{lexeme}':{spec}")
    return " ".join(parts)


def word_runs(norm):
    """(offset, run) for each maximal run of word characters."""
    run_start = None
    for i, char in enumerate(norm + " "):
        if is_word_char(char):
            if run_start is None:
                run_start = i
        elif run_start is not None:
            yield run_start, norm[run_start:i]
            run_start = None


# --- queries ------------------------------------------------------------------------------------------


def _quote(lexeme):
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


SPACE_BETWEEN_HAN = re.compile(
    r"(?<=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])"
)


def chain(norm):
    """The tsquery that matches the normalised text `norm` as a substring (punctuation inside: any character)."""
    items = []  # (offset, lexeme)
    for start, run in word_runs(norm):
        if len(run) == 1:
            items.append((start, run))
        else:
            items.extend((start + i, run[i : i + 2]) for i in range(len(run) - 1))
    if not items:
        return None
    expr = _quote(items[0][1])
    for (prev, _), (offset, lexeme) in zip(items, items[1:], strict=False):
        distance = offset - prev
        operator = "<->" if distance == 1 else f"<{distance}>"
        expr = f"({expr} {operator} {_quote(lexeme)})"
    runs = [run for _, run in word_runs(norm)]
    if len(runs) == 1 and len(runs[0]) >= 3:
        expr = f"({_quote(runs[0])} | {expr})"
    return expr


def like_pattern(norm):
    """The LIKE pattern that matches where chain(norm) does, in a normalised text (one without newlines, such as a
    sentence): from the first word character to the last, each character between them that is not a word
    character standing for any one character (`_`); None when there is no word character. Word characters are
    letters and digits, never LIKE's `%`, `_` or `\\`."""
    runs = list(word_runs(norm))
    if not runs:
        return None
    start, end = runs[0][0], runs[-1][0] + len(runs[-1][1])
    return "%" + "".join(c if is_word_char(c) else "_" for c in norm[start:end]) + "%"


def scan_query(q):
    """Split a query into (kind, text, negated) items: kind "or", "phrase" or "words".

    Double quotes delimit phrases; an unclosed quote runs to the end of the query. `OR` (any case) between two
    items makes them alternatives; `-` before an item excludes it.
    """
    items = []
    i, n = 0, len(q)
    while i < n:
        char = q[i]
        if char.isspace():
            i += 1
            continue
        negated = False
        if char == "-" and i + 1 < n and not q[i + 1].isspace():
            negated = True
            i += 1
            char = q[i]
        if char in '"“”':
            end = i + 1
            while end < n and q[end] not in '"“”':
                end += 1
            items.append(("phrase", q[i + 1 : end], negated))
            i = end + 1
            continue
        end = i
        while end < n and not q[end].isspace() and q[end] not in '"“”':
            end += 1
        word = q[i:end]
        if word.upper() == "OR" and not negated:
            items.append(("or", word, False))
        else:
            items.append(("words", word, negated))
        i = end
    if all(kind == "or" for kind, _, _ in items):  # `OR` alone is the word "or"; elsewhere a dangling OR is dropped
        items = [("words", text, False) for _, text, _ in items]
    return items


def check_query(q):
    """Raise QueryError, saying why, for a query that cannot be searched: missing, empty, too long, with a NUL
    character, or with nothing to search for (search.text.QUERY_PATTERN)."""
    if q is None or not q.strip():
        raise QueryError("the query is empty; type one or more words to search for")
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryError(f"the query is {len(q)} characters long; at most {MAX_QUERY_LENGTH} are allowed")
    if "\x00" in q:
        raise QueryError("the query contains a NUL character")
    if not re.search(QUERY_PATTERN, q):
        raise QueryError(
            "the query has nothing to search for: it needs a Chinese character or a Latin letter or digit "
            "in a word that is not an exclusion (-word)"
        )


# --- snippets -----------------------------------------------------------------------------------------

SNIPPET_LENGTH = 120
_CLAUSE_END = re.compile("[。；;！!？?，,、：:\n]")
_NEWLINE = re.compile("\n")


@functools.lru_cache(maxsize=1024)
def _clauses(text):
    """(the start offset of each clause of the text, the end offset of each, the offset of each newline): a clause
    ends after a punctuation mark or a newline, and the text's last clause at its end. Kept for the texts seen
    last, in a process: a search shows the same documents' snippets again and again."""
    ends = [match.end() for match in _CLAUSE_END.finditer(text)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    newlines = tuple(match.start() for match in _NEWLINE.finditer(text))
    return (0, *ends[:-1]), tuple(ends), newlines


def match_spans(norm, highlights):
    """Non-overlapping (start, end) spans where any highlight occurs in the normalised text, longest first."""
    taken = [False] * len(norm)
    spans = []
    for term in highlights:
        start = norm.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = norm.find(term, start + 1)
    return sorted(spans)


def marked_html(pieces):
    """[(piece, is_match)] as HTML: every piece escaped, each match in <mark>…</mark>."""
    parts = []
    for piece, is_match in pieces:
        piece = html.escape(piece, quote=False)
        parts.append(f"<mark>{piece}</mark>" if is_match else piece)
    return "".join(parts)


def snippet_passage(text, highlights, *, norm=None, paragraph=None, length=SNIPPET_LENGTH):
    """The pieces of best_passage(), or None when the text has no match."""
    found = best_passage(text, highlights, norm=norm, paragraph=paragraph, length=length)
    return found and found[1]


def snippet(text, highlights, *, norm=None, paragraph=None, length=SNIPPET_LENGTH):
    """The passage of the text with the most matches (best_passage()), as HTML: text escaped, each match in
    <mark>…</mark>; None when the text has no match."""
    pieces = snippet_passage(text, highlights, norm=norm, paragraph=paragraph, length=length)
    return pieces and marked_html(pieces)


def best_passage(text, highlights, *, norm=None, paragraph=None, length=SNIPPET_LENGTH):
    """(paragraph number from 1, [(piece, is_match)]) of the passage with the most matches, or None.

    Among passages with as many matches, the one that starts nearest its first match wins, so the reader
    sees the match and what follows it. The passage is a run of whole clauses of one paragraph (cut only after
    punctuation), so it never ends inside a word or a match; a clause longer than `length` is shown whole. Its
    pieces are plain text in order, with "…" pieces where text is left out before or after it. `norm` is the
    normalised text when the caller has it (stored at load time); `paragraph` (from 1) keeps the passage in that
    paragraph of the text.
    """
    if norm is None:
        norm = normalize(text)
    spans = match_spans(norm, highlights)
    if not spans:
        return None
    clause_starts, clause_ends, newlines = _clauses(text)
    span_starts = [s for s, _ in spans]
    span_ends = [e for _, e in spans]  # non-overlapping and sorted, so the ends are sorted too
    best = None
    # A passage that starts at a clause without a match is never better than the one starting at its first match's
    # clause (which holds the same matches and more), so only clauses holding a match start a passage.
    for first in sorted({bisect.bisect_right(clause_starts, s) - 1 for s in span_starts}):
        start = clause_starts[first]
        before = bisect.bisect_left(newlines, start)  # the newlines before the clause
        number = 1 + before
        if paragraph is not None and number != paragraph:
            continue
        # The clauses from `first` on that end within `length` of its start (at least `first`), up to the end of
        # its paragraph (the clause that ends with the next newline): a passage stays within one paragraph.
        last = max(first, bisect.bisect_right(clause_ends, start + length) - 1)
        if before < len(newlines):
            last = min(last, bisect.bisect_left(clause_ends, newlines[before] + 1))
        end = clause_ends[last]
        lo, hi = bisect.bisect_left(span_starts, start), bisect.bisect_right(span_ends, end)
        if lo >= hi:
            continue
        inside = spans[lo:hi]
        distinct = len({norm[s:e] for s, e in inside})
        # Most distinct terms, then most matches, then the passage that starts nearest its first match.
        score = (distinct, len(inside), -(inside[0][0] - start), -first)
        if best is None or score > best[0]:
            best = (score, start, end, inside, number)
    if best is None:
        return None
    _, start, end, inside, number = best
    pieces = [("…", False)] if start > 0 else []
    cursor = start
    for s, e in inside:
        pieces.append((text[cursor:s], False))
        pieces.append((text[s:e], True))
        cursor = e
    pieces.append((text[cursor:end].rstrip("\n"), False))
    if end < len(text.rstrip("\n")):
        pieces.append(("…", False))
    return number, [(piece, is_match) for piece, is_match in pieces if piece]
