"""How a query is read: a pure function from (query, the plans' dictionary and aliases) to an interpretation.

A query is web-search syntax (search.text.scan_query): terms separated by spaces are all required, `a OR b`
is either, "a phrase" is the characters as typed, `-word` excludes. Each term is read in the plan's own
wording through *readings*, alternatives that never replace what was typed:

1. typed: the term normalised (OpenCC t2s, NFKC, lower case): 碳達峯 → 碳达峰;
2. regional: Taiwan and Hong Kong vocabulary through OpenCC's phrase profiles: 軟體 → 软件, 網際網路 → 互联网;
3. variant: the form the mechanically converted text has where t2s does not go back: 着力 → 著力;
4. alias: an alias of the curated files replaced by one of its targets: 民企 → 民营企业, R&D → 研发 (a Latin
   alias only as a whole Latin word: AI is not read inside MAIL);
5. number: years and small numbers written the other way: 2035年 → 二〇三五年, 30年 → 三十年, 二〇二五 → 2025.

A reading matches where it occurs as a substring (search.text.chain: also inside longer words, never across
punctuation the reading does not have). An unquoted term is also *segmented*: each reading is cut into words
(jieba with the plans' dictionary; a run of characters jieba only knows one by one is one word; a word of four
or more characters splits into the dictionary words that make it up, 汽车产业 → 汽车 产业, never into single
characters, so 海关 stays 海关), and it matches where all those words stand close
together (close_together(): one clause, or two clauses in the order typed, and never in separate items of a
list unless the list shares them). A word the plans do not contain therefore matches nothing: no reading of
a query falls back to its characters.
"""

import itertools
import math
import re
from dataclasses import dataclass, field

from plantext.numbers import number_forms
from plantext.scripts import normalize, regional_forms, variant_form
from plantext.sentences import CLAUSE_END, LIST_SEPARATOR
from search.text import SPACE_BETWEEN_HAN, chain, check_query, scan_query, word_runs

TYPED, REGIONAL, VARIANT, ALIAS, NUMBER, SEGMENTED = "typed", "regional", "variant", "alias", "number", "segmented"
# Terms separated by these characters are separate terms, as if typed with spaces: a user's tsquery operators.
TERM_SEPARATORS = re.compile(r"[|]+")
# Readings per term: enough for every conversion and alias of a 200-character query, and a bound on the tsquery.
MAX_READINGS = 16
# Occurrences of one word in one sentence considered when looking for words close together.
MAX_OCCURRENCES = 12
# Combinations of occurrences (one per word) tried in one sentence. Their number is the product of the words'
# occurrences, which grows with every word of a long query (20 words of 2 occurrences each would be a million);
# beyond this bound the last occurrences of the most frequent words are left out.
MAX_COMBINATIONS = 4096
_LATIN = re.compile("[0-9a-z]")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# What may follow the first of two words in separate items of a list for the list to share the second:
# the end of its item, or a conjunction that joins it to the next item.
_COORDINATION = frozenset("、和与及或等")
_ITEM_END = frozenset("、，,：:和与及或等")
_SHARED_HEAD = frozenset("的等")


@dataclass(frozen=True)
class Lexicon:
    """What the interpretation knows of the plans searched: their aliases and their dictionary words."""

    aliases: dict = field(default_factory=dict)  # normalised alias -> tuple of normalised targets
    words: frozenset = frozenset()  # the plans' dictionary words, normalised
    tokenizer: object = None  # a jieba tokenizer with those words (plantext.segment.tokenizer)

    def alias_forms(self, text):
        """(form, alias, target) for each way of replacing one alias in the text by one of its targets. An alias
        inside a longer one found at the same place is not replaced on its own (上合 in 上合组织, which would read
        上海合作组织组织)."""
        found = []  # (start, end, alias)
        for alias in self.aliases:
            latin = alias.isascii()
            start = text.find(alias)
            while start != -1:
                end = start + len(alias)
                if not (latin and (_LATIN.fullmatch(text[start - 1 : start]) or _LATIN.fullmatch(text[end : end + 1]))):
                    found.append((start, end, alias))
                start = text.find(alias, start + 1)
        forms = []
        for start, end, alias in found:
            if any(s <= start and end <= e and e - s > end - start for s, e, _ in found):
                continue
            forms.extend((text[:start] + target + text[end:], alias, target) for target in self.aliases[alias])
        return forms


@dataclass(frozen=True)
class Reading:
    text: str  # normalised
    how: str  # typed, regional, variant, alias, number, or conversions joined by "+" ("regional+alias")
    alias: str | None = None  # the alias replaced, for an alias reading
    target: str | None = None  # the target put in its place: one word, never cut by segmentation


@dataclass(frozen=True)
class Segmentation:
    reading: Reading
    words: tuple  # the words that must stand close together


@dataclass
class Term:
    """One term of the query: a word group as typed (without spaces) or a phrase, with its readings."""

    typed: str  # as the user typed it
    phrase: bool
    readings: list  # [Reading], the typed one first
    segmentations: list = field(default_factory=list)  # [Segmentation]; none for a phrase or one word
    # The texts of the readings that no document searched holds (search.selectors.leave_out_absent_readings), left
    # out of the tsquery: a reading that matches nothing adds nothing to what matches, nor to any document's rank.
    absent: frozenset = frozenset()

    @property
    def searched(self):
        """The readings looked for: those some document searched holds, or all when none is known to be absent."""
        return [r for r in self.readings if r.text not in self.absent] or self.readings

    @property
    def tsquery(self):
        """The tsquery (entries or passages) that matches where any reading searched occurs as a substring."""
        return tsquery_of(self.searched)

    @property
    def passage_tsquery(self):
        """The tsquery that finds the passages where every word of some segmentation occurs (candidates)."""
        alternatives = []
        for segmentation in self.segmentations:
            words = [chain(word) for word in segmentation.words]
            if all(words):
                alternatives.append("(" + " & ".join(words) + ")")
        return " | ".join(dict.fromkeys(alternatives)) or None

    @property
    def converted_segmentations(self):
        return [s for s in self.segmentations if s.reading.how != TYPED]

    def keep_typed_segmentations(self):
        """Drop the segmentations of converted readings: called when the plans write the term as typed, which is
        then what the reader means (tw2sp would read the mainland's 支援合作 as 支持 … 合作)."""
        self.segmentations = [s for s in self.segmentations if s.reading.how == TYPED]

    def highlights(self):
        """The normalised strings a snippet marks for this term."""
        marks = {run for r in self.readings for _, run in word_runs(r.text)}
        marks |= {word for s in self.segmentations for word in s.words}
        return marks


@dataclass
class Interpretation:
    """How a query was read. `groups` are ANDed, the terms of a group ORed; `negatives` exclude."""

    groups: list  # [[Term]]
    negatives: list  # [Term]

    @property
    def empty(self):
        return not self.groups

    @property
    def tsquery(self):
        """The entry-level tsquery of the typed readings: every group, no negative (None if nothing is positive)."""
        if self.empty:
            return None
        parts = []
        for group in self.groups:
            expr = " | ".join(t.tsquery for t in group if t.tsquery)
            parts.append(f"({expr})" if len(group) > 1 else expr)
        parts.extend(f"!{t.tsquery}" for t in self.negatives if t.tsquery)
        return " & ".join(parts)

    def group_tsquery(self, group):
        expr = " | ".join(t.tsquery for t in group if t.tsquery)
        return expr or None

    def ranking_key(self, *, words_apart=True):
        """(key, tsquery) of a query that is one term read without words apart, with or without exclusions: the
        queries whose ranking a plan may have precomputed (search.indexing). A term with one reading searched is
        keyed by its text (the plans rank the words many of their documents hold); one with several (an alias of the
        alias files: 民企, 自贸区, AI) by their tsquery, which ORs them. None for any other query.

        With `words_apart=False` (the search found nothing through the words apart) a term's segmentations do not
        count: its matches are those of its readings alone."""
        if len(self.groups) != 1 or len(self.groups[0]) != 1:
            return None
        (term,) = self.groups[0]
        if (words_apart and term.segmentations) or not term.tsquery:
            return None
        searched = term.searched
        if len(searched) == 1:
            return searched[0].text, term.tsquery
        return term.tsquery, term.tsquery

    @property
    def negative_tsquery(self):
        parts = [t.tsquery for t in self.negatives if t.tsquery]
        return " | ".join(parts) or None

    @property
    def segmented(self):
        """True when some term has a segmentation, i.e. the passages must be consulted."""
        return any(t.segmentations for group in self.groups for t in group)

    @property
    def highlights(self):
        marks = set()
        for group in self.groups:
            for term in group:
                marks |= term.highlights()
        return sorted(marks, key=lambda h: (-len(h), h))

    def describe(self):
        """The interpretation as the API shows it."""
        return {
            "terms": [
                {
                    "typed": term.typed,
                    "phrase": term.phrase,
                    "alternatives": i > 0,
                    "readings": [
                        {"text": r.text, "how": r.how, **({"alias": r.alias} if r.alias else {})} for r in term.readings
                    ],
                    "segmented": [list(s.words) for s in term.segmentations],
                }
                for group in self.groups
                for i, term in enumerate(group)
            ],
            "excluded": [term.typed for term in self.negatives],
        }


# --- readings -------------------------------------------------------------------------------------------------


def tsquery_of(readings):
    """The tsquery that matches where any of the readings occurs as a substring."""
    parts = [part for part in dict.fromkeys(chain(r.text) for r in readings) if part]
    return " | ".join(parts) if len(parts) < 2 else "(" + " | ".join(parts) + ")"


def readings(text, lexicon, *, convert=True):
    """The readings of one term (see the module docstring), the typed one first, at most MAX_READINGS."""
    typed = normalize(text)
    found = {typed: Reading(typed, TYPED)}
    if convert:
        for form in regional_forms(text):
            found.setdefault(form, Reading(form, REGIONAL))
        variant = variant_form(text)
        if variant:
            found.setdefault(variant, Reading(variant, VARIANT))
        for reading in list(found.values()):
            for form, alias, target in lexicon.alias_forms(reading.text):
                how = ALIAS if reading.how == TYPED else f"{reading.how}+{ALIAS}"
                found.setdefault(form, Reading(form, how, alias, target))
        for reading in list(found.values()):
            for form in number_forms(reading.text):
                how = NUMBER if reading.how == TYPED else f"{reading.how}+{NUMBER}"
                target = reading.target if reading.target and reading.target in form else None
                found.setdefault(form, Reading(form, how, reading.alias, target))
    return list(found.values())[:MAX_READINGS]


# --- segmentation ---------------------------------------------------------------------------------------------


def _short(token):
    """A token jieba could only read as one character, or a run of ASCII letters and digits."""
    return len(token) == 1 or token.isascii()


def _split_compound(token, lexicon):
    """A word of four or more characters that the plans do not name, cut into the fewest dictionary words of two
    characters or more that make it up (汽车产业 → 汽车 产业); the word itself when there is no such cut."""
    if len(token) < 4 or not _CJK.match(token):
        return [token]
    freq = lexicon.tokenizer.FREQ
    best = {0: []}
    for end in range(2, len(token) + 1):
        options = [
            best[start] + [token[start:end]]
            for start in range(0, end - 1)
            if start in best and freq.get(token[start:end]) and end - start < len(token)
        ]
        if options:
            best[end] = min(options, key=len)
    return best.get(len(token), [token])


def segment(text, lexicon, *, keep=None):
    """The words of a normalised reading, or None when it is a single word (nothing to bring together). `keep`
    (an alias's target in the reading) stays one word: an alias names its target, not the target's words apart."""
    if keep and keep in text:
        before, _, after = text.partition(keep)
        words = [*(segment(before, lexicon) or [w for _, w in word_runs(before)])]
        words.append(keep)
        words.extend(segment(after, lexicon) or [w for _, w in word_runs(after)])
        return tuple(words) if len(words) > 1 else None
    words = []
    for _, run in word_runs(text):
        tokens = lexicon.tokenizer.lcut(run, HMM=False)
        pending = ""
        for token in tokens:
            if _short(token):
                pending += token
                continue
            if pending:
                words.append(pending)
                pending = ""
            words.extend(_split_compound(token, lexicon))
        if pending:
            words.append(pending)
    return tuple(words) if len(words) > 1 else None


def _term(text, phrase, lexicon):
    if phrase:
        # Chinese is written without spaces: in "京津冀 协同" the space only separates the words typed, which must
        # stand side by side in the text (as websearch_to_tsquery makes the words of a phrase adjacent).
        text = SPACE_BETWEEN_HAN.sub("", text)
    term = Term(typed=text, phrase=phrase, readings=readings(text, lexicon))
    if not phrase:
        seen = set()
        for reading in term.readings:
            words = segment(reading.text, lexicon, keep=reading.target)
            if words and words not in seen:
                seen.add(words)
                term.segmentations.append(Segmentation(reading, words))
    return term


def interpret(q, lexicon):
    """Read a query (see the module docstring); raises QueryError for what cannot be searched."""
    check_query(q)
    groups, negatives = [], []
    pending_or = False
    for kind, text, negated in scan_query(q):
        if kind == "or":
            pending_or = bool(groups)
            continue
        pieces = [text] if kind == "phrase" else [p for p in TERM_SEPARATORS.split(text) if p]
        terms = [_term(piece, kind == "phrase", lexicon) for piece in pieces]
        terms = [t for t in terms if t.tsquery]
        if not terms:
            continue
        if negated:
            for term in terms:
                # An exclusion reads the term as typed and through its conversions, never its words apart.
                term.segmentations = []
                negatives.append(term)
            pending_or = False
            continue
        if pending_or and groups:
            groups[-1].append(terms[0])
            terms = terms[1:]
        groups.extend([term] for term in terms)
        pending_or = False
    return Interpretation(groups=groups, negatives=negatives)


# --- words close together -------------------------------------------------------------------------------------


def _occurrences(text, word):
    found = []
    start = text.find(word)
    while start != -1 and len(found) < MAX_OCCURRENCES:
        found.append((start, start + len(word)))
        start = text.find(word, start + 1)
    return found


def _list_shares(text, first, second):
    """Two words in separate items of one list (、 between them, the first before the second) belong together
    when the list shares one of them: the first ends its item (粮食、能源资源…基础设施安全; 耕地和永久基本农田、生态保护
    红线), or the second is a whole item or the list's head after 的 or 等 (数据产权登记、流通、交易;
    绿色低碳发展的财税、金融). Not when each is part of a compound of its own item (科技服务、商务金融)."""
    if text[first[1] : first[1] + 1] in _COORDINATION:
        return True
    item_start = text.rfind(LIST_SEPARATOR, first[1], second[0]) + 1
    if any(char in _SHARED_HEAD for char in text[item_start : second[0]]):
        return True
    return item_start == second[0] and (second[1] == len(text) or text[second[1]] in _ITEM_END)


def _acceptable(text, combo, clause_at):
    """True if these occurrences (one per word, in the order typed) stand close together in the sentence;
    clause_at[i] is the number of clause ends before position i."""
    order = sorted(range(len(combo)), key=lambda i: combo[i])
    clauses = [clause_at[combo[i][0]] for i in order]
    if clauses[-1] - clauses[0] > 1:
        return False
    for (a, b), (ca, cb) in zip(itertools.pairwise(order), itertools.pairwise(clauses), strict=True):
        if cb > ca:
            if a > b:  # across a comma only in the order typed
                return False
            continue
        between = text[combo[a][1] : combo[b][0]]
        if LIST_SEPARATOR in between and (a > b or not _list_shares(text, combo[a], combo[b])):
            return False
    return True


def close_together(sentence, words):
    """The spans of the words (normalised) in the normalised sentence, the closest acceptable occurrences; None
    if they do not all stand close together (one clause, or two clauses in the order typed, not split by a list
    that does not share them). A word typed twice is looked for once; at most MAX_COMBINATIONS combinations of
    occurrences are tried, so that a long query costs no more than a short one."""
    occurrences = [_occurrences(sentence, word) for word in dict.fromkeys(words)]
    if not all(occurrences):
        return None
    while math.prod(len(found) for found in occurrences) > MAX_COMBINATIONS:
        max(occurrences, key=len).pop()
    clause_at = list(itertools.accumulate((c in CLAUSE_END for c in sentence), initial=0))
    best = None
    for combo in itertools.product(*occurrences):
        if _acceptable(sentence, combo, clause_at):
            span = max(end for _, end in combo) - min(start for start, _ in combo)
            if best is None or span < best[0]:
                best = (span, combo)
    return None if best is None else sorted(best[1])
