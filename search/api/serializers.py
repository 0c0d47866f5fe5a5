from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings

from search.interpret import ALIAS, NUMBER, REGIONAL, SEGMENTED, TYPED, VARIANT
from search.models import SearchEntry
from search.selectors import match_of
from search.text import best_passage, marked_html

MATCHES = [TYPED, VARIANT, REGIONAL, NUMBER, ALIAS, SEGMENTED]
# Types whose body is numbered in paragraphs as the data package numbers them (a chapter's heading is its 0).
PARAGRAPHED = (SearchEntry.Type.ARTICLE, SearchEntry.Type.CHAPTER)
# Stands for a number or slug in a result URL reversed once per type and plan (SearchResultSerializer._url_pattern):
# letters and digits only, which a URL pattern's [^/]+ accepts and reverse() leaves as they are.
URL_MARKER = "0urlmarker0"


# Result URLs with a marker (SearchResultSerializer._url_pattern), by what reverse() reads of the request and the
# type, plan and name: at most this many kept in a process.
_URL_PATTERNS = {}
MAX_URL_PATTERNS = 4096


@dataclass(frozen=True)
class _Shared:
    """What every result of a response reads of the serializer's context (SearchResultSerializer._shared)."""

    request: object
    query: object  # search.interpret.Interpretation, or None
    highlights: list
    segmented: dict  # {entry id: selectors.PassageHit}
    reversing: tuple | None  # _reversing(request)


def _reversing(request):
    """Everything DRF's reverse() reads besides the view and its arguments: the versioning scheme and version, the
    script prefix and URLconf of the thread (else the settings'), the scheme and host (build_absolute_uri), and the
    ?format= that it keeps in the URL."""
    if request is None:
        return None
    return (
        type(getattr(request, "versioning_scheme", None)),
        getattr(request, "version", None),
        get_script_prefix(),
        get_urlconf(settings.ROOT_URLCONF),
        request.build_absolute_uri("/"),
        request.GET.get(api_settings.URL_FORMAT_OVERRIDE) if api_settings.URL_FORMAT_OVERRIDE else None,
    )


class SearchResultSerializer(serializers.ModelSerializer):
    """One search hit: what was found, where it lives, how well it matched, and the passage that matched."""

    # context: "query" (search.interpret.Interpretation), "segmented" ({entry id: selectors.PassageHit}).

    type = serializers.ChoiceField(choices=SearchEntry.Type.choices, help_text="What was found.")
    plan = serializers.CharField(source="plan_slug", help_text="The plan's slug.")
    number = serializers.IntegerField(
        allow_null=True, help_text="The document's own number (articles, chapters, goals, principles); else null."
    )
    slug = serializers.CharField(allow_null=True, help_text="The initiative's slug (initiatives); else null.")
    title = serializers.CharField(help_text="The title, as in the text.")
    url = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    snippet = serializers.SerializerMethodField()
    paragraph = serializers.SerializerMethodField()
    paragraph_url = serializers.SerializerMethodField()
    match = serializers.SerializerMethodField()

    class Meta:
        model = SearchEntry
        fields = [
            "type",
            "plan",
            "number",
            "slug",
            "title",
            "url",
            "score",
            "snippet",
            "paragraph",
            "paragraph_url",
            "match",
        ]

    @cached_property
    def _shared(self):
        """What every result reads of the context, looked up once (DRF's `context` walks up to the root serializer
        on every access)."""
        context = self.context
        query, request = context.get("query"), context.get("request")
        return _Shared(
            request=request,
            query=query,
            highlights=query.highlights if query is not None else [],
            segmented=context.get("segmented", {}),
            reversing=_reversing(request),
        )

    def to_representation(self, entry):
        """The fields of Meta.fields in order, made in one pass: what DRF's own to_representation gives for them
        (through the fields declared above and their get_<field>() methods, which the schema reads) in a fraction
        of its time, which matters at twenty results a page (tests/search/test_search_api.py compares the two)."""
        url = self._url(entry)
        paragraph, pieces = self._find_passage(entry)
        return self._representation(entry, url, paragraph, pieces)

    def _representation(self, entry, url, paragraph, pieces):
        return {
            "type": entry.type,
            "plan": entry.plan_slug,
            "number": entry.number,
            "slug": entry.slug,
            "title": entry.title,
            "url": url,
            "score": round(entry.score, 6),
            "snippet": self._snippet(pieces),
            "paragraph": paragraph,
            "paragraph_url": self._paragraph_url(url, paragraph),
            "match": self._match(entry),
        }

    def _snippet(self, pieces):
        return marked_html(pieces)

    @staticmethod
    def _paragraph_url(url, paragraph):
        return None if paragraph is None else f"{url}#p{paragraph}"

    def _match(self, entry):
        shared = self._shared
        return TYPED if shared.query is None else match_of(entry, shared.query, shared.segmented)

    @cached_property
    def _url_patterns(self):
        """{(type, plan): (name, pattern)} of the results seen so far (_url_pattern, looked up once per type and
        plan in a serializer)."""
        return {}

    def _url(self, entry):
        found = self._url_patterns.get((entry.type, entry.plan_slug))
        if found is None:
            name = "slug" if entry.type == SearchEntry.Type.INITIATIVE else "number"
            found = self._url_patterns[(entry.type, entry.plan_slug)] = (
                name,
                self._url_pattern(entry.type, entry.plan_slug, name),
            )
        name, pattern = found
        value = entry.slug if name == "slug" else entry.number
        if pattern is False:  # the marker did not come through whole (never so far): reverse as usual
            kwargs = {"plan": entry.plan_slug, name: str(value)}
            return reverse(f"{entry.type}-detail", kwargs=kwargs, request=self._shared.request)
        # A number needs no quoting; a slug is quoted as reverse() quotes it.
        return (str(value) if isinstance(value, int) else quote(value, safe=RFC3986_SUBDELIMS + "/~:@")).join(pattern)

    def _url_pattern(self, type, plan, name):
        """reverse() of the type's detail view for this plan with a marker in place of `name`, split at the marker
        (False if the marker did not come through whole): reversed once per type and plan in a process (for
        requests that reverse alike: _reversing), then each result's value put in its place as reverse() would
        (quoted), which costs a twentieth of a reverse() per result. The same as reverse() for any number, and any
        slug other than `.`, `..` or one holding `/` (which slugs never are)."""
        shared = self._shared
        key = (shared.reversing, type, plan, name)
        pattern = _URL_PATTERNS.get(key)
        if pattern is None:
            url = reverse(f"{type}-detail", kwargs={"plan": plan, name: URL_MARKER}, request=shared.request)
            pattern = url.split(URL_MARKER) if url.count(URL_MARKER) == 1 else False
            if len(_URL_PATTERNS) >= MAX_URL_PATTERNS:
                _URL_PATTERNS.clear()
            _URL_PATTERNS[key] = pattern
        return pattern

    def _find_passage(self, entry):
        """(paragraph or None, the snippet as [(piece, is_match)])."""
        highlights = self._shared.highlights
        hit = self._shared.segmented.get(entry.pk)
        paragraphed = entry.type in PARAGRAPHED
        if hit is not None and hit.paragraph and paragraphed:
            found = best_passage(entry.body, highlights, norm=entry.body_norm, paragraph=hit.paragraph)
            if found:
                return found
        found = best_passage(entry.body, highlights, norm=entry.body_norm)
        if found:
            return (found[0] if paragraphed else None), found[1]
        title = best_passage(entry.title, highlights, norm=entry.title_norm)
        # A title is its article's lead sentence (paragraph 1) and a chapter's heading its paragraph 0.
        paragraph = {SearchEntry.Type.ARTICLE: 1, SearchEntry.Type.CHAPTER: 0}.get(entry.type)
        # A match the snippet cannot show (one found only through normalisation quirks) shows the title.
        return paragraph, (title[1] if title else [(entry.title, False)])

    # The fields' own methods: what DRF's to_representation would call, field by field, and what the schema reads.

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry):
        return self._url(entry)

    @extend_schema_field(
        {
            "type": "number",
            "format": "float",
            "description": "Relevance; higher is better. Comparable within one response only.",
        }
    )
    def get_score(self, entry):
        return round(entry.score, 6)

    @extend_schema_field(
        {
            "type": "string",
            "description": (
                "HTML: the passage of the body (else the title) with the most matches, within the paragraph that "
                "matched, cut only after punctuation, its text escaped and each matched word wrapped in "
                "<mark>…</mark>; … marks text left out."
            ),
        }
    )
    def get_snippet(self, entry):
        return self._snippet(self._find_passage(entry)[1])

    @extend_schema_field(
        {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": (
                "The paragraph the snippet comes from, numbered within the article or chapter from 1 as the data "
                "package numbers them (a chapter's heading is 0); null for goals, principles and initiatives."
            ),
        }
    )
    def get_paragraph(self, entry):
        return self._find_passage(entry)[0]

    @extend_schema_field(
        {
            "type": ["string", "null"],
            "format": "uri",
            "description": "The document's URL with a #p{paragraph} fragment naming the paragraph; null without one.",
        }
    )
    def get_paragraph_url(self, entry):
        return self._paragraph_url(self._url(entry), self._find_passage(entry)[0])

    @extend_schema_field(
        {
            "type": "string",
            "enum": MATCHES,
            "description": (
                "How the query found this document: `typed` (its words as typed, in either script), `variant` "
                "(a character form of the converted text, 着力 → 著力), `regional` (Taiwan or Hong Kong "
                "vocabulary, 軟體 → 软件), `number` (2035 → 二〇三五), `alias` (an alias of the alias files, 民企 → "
                "民营企业), or `segmented` (the words typed together, found close together in one sentence)."
            ),
        }
    )
    def get_match(self, entry):
        return self._match(entry)


class ReadingSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The reading, normalised (simplified characters, lower case).")
    how = serializers.CharField(
        help_text="typed, regional, variant, alias or number, or conversions joined by + (regional+alias)."
    )
    alias = serializers.CharField(required=False, help_text="For an alias reading: the alias that was replaced.")


class TermSerializer(serializers.Serializer):
    typed = serializers.CharField(help_text="The term as typed (a word group without spaces, or a quoted phrase).")
    phrase = serializers.BooleanField(help_text="A quoted phrase: matched as typed, never segmented.")
    alternatives = serializers.BooleanField(help_text="Joined to the term before it by OR.")
    readings = ReadingSerializer(many=True, help_text="Matched where any occurs, the typed reading first.")
    segmented = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="The words of each reading, matched where they all stand close together (one clause, or two "
        "in the order typed).",
    )


class InterpretationSerializer(serializers.Serializer):
    terms = TermSerializer(many=True, help_text="Every term of the query must match (or one of an OR group).")
    excluded = serializers.ListField(
        child=serializers.CharField(), help_text="Terms after `-`: documents are left out."
    )


@extend_schema_serializer(many=False)  # the whole paginated response, not an item: no pagination wrapped around it
class SearchResponseSerializer(serializers.Serializer):
    """The whole response of /search/ (for the OpenAPI document)."""

    count = serializers.IntegerField(help_text="Matching documents in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchResultSerializer(many=True)
    interpretation = InterpretationSerializer(help_text="How the query was read: the words searched and the readings.")
    suggestions = serializers.ListField(
        child=serializers.CharField(),
        help_text="When nothing matches: up to five words the plans do contain near what was typed (normalised); "
        "else empty. Not results.",
    )


class SearchResultTableSerializer(SearchResultSerializer):
    """One search hit as a CSV row: the snippet as plain text, and what it highlights in a column of its own."""

    highlights = serializers.SerializerMethodField()

    class Meta(SearchResultSerializer.Meta):
        fields = [*SearchResultSerializer.Meta.fields, "highlights"]

    def _representation(self, entry, url, paragraph, pieces):
        row = super()._representation(entry, url, paragraph, pieces)
        row["highlights"] = self._highlights(pieces)
        return row

    def _snippet(self, pieces):
        return "".join(piece for piece, _ in pieces)

    @staticmethod
    def _highlights(pieces):
        """The matches the snippet shows, each once, in the order they first appear."""
        return list(dict.fromkeys(piece for piece, is_match in pieces if is_match))

    @extend_schema_field(
        {
            "type": "string",
            "description": "The passage of the body (else the title) with the most matches, as plain text; "
            "… marks text left out.",
        }
    )
    def get_snippet(self, entry):
        return self._snippet(self._find_passage(entry)[1])

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_highlights(self, entry):
        return self._highlights(self._find_passage(entry)[1])
