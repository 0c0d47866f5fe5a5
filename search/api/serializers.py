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

    # Where a field's value is an attribute of the entry under another name.
    SOURCES = {"plan": "plan_slug"}
    # The last entry's URL and passage (_parts): several fields read them, one entry after another.
    _last = None

    @cached_property
    def _getters(self):
        """(field, its get_<field>() method or None, the entry's attribute) for each of Meta.fields, in order."""
        return [(name, getattr(self, f"get_{name}", None), self.SOURCES.get(name, name)) for name in self.Meta.fields]

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
        """The fields of Meta.fields in order, each a get_<field>() method's value or the entry's attribute: what
        DRF's own to_representation gives for these fields (declared above for the schema) in a fraction of its
        time, which matters at twenty results a page."""
        return {name: get(entry) if get is not None else getattr(entry, source) for name, get, source in self._getters}

    def _parts(self, entry):
        """(entry, its URL, its paragraph or None, its snippet as [(piece, is_match)]), made once per entry."""
        if self._last is None or self._last[0] is not entry:
            self._last = (entry, self._url(entry), *self._find_passage(entry))
        return self._last

    def _url(self, entry):
        initiative = entry.type == SearchEntry.Type.INITIATIVE
        name, value = ("slug", entry.slug) if initiative else ("number", entry.number)
        return self._url_pattern(entry.type, entry.plan_slug, name, str(value))

    def _url_pattern(self, type, plan, name, value):
        """reverse() of the type's detail view for this plan, with `name` set to `value`: reversed with a marker in
        place of `name` once per type and plan in a process (for requests that reverse alike: _reversing), then the
        value put in its place as reverse() would (quoted), which costs a twentieth of a reverse() per result. The
        same as reverse() for any number, and any slug other than `.`, `..` or one holding `/` (which slugs never
        are)."""
        shared = self._shared
        key = (shared.reversing, type, plan, name)
        pattern = _URL_PATTERNS.get(key)
        if pattern is None:
            url = reverse(f"{type}-detail", kwargs={"plan": plan, name: URL_MARKER}, request=shared.request)
            pattern = url.split(URL_MARKER) if url.count(URL_MARKER) == 1 else False
            if len(_URL_PATTERNS) >= MAX_URL_PATTERNS:
                _URL_PATTERNS.clear()
            _URL_PATTERNS[key] = pattern
        if pattern is False:  # the marker did not come through whole (never so far): reverse as usual
            return reverse(f"{type}-detail", kwargs={"plan": plan, name: value}, request=shared.request)
        return quote(value, safe=RFC3986_SUBDELIMS + "/~:@").join(pattern)

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

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry):
        return self._parts(entry)[1]

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
        return marked_html(self._parts(entry)[3])

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
        return self._parts(entry)[2]

    @extend_schema_field(
        {
            "type": ["string", "null"],
            "format": "uri",
            "description": "The document's URL with a #p{paragraph} fragment naming the paragraph; null without one.",
        }
    )
    def get_paragraph_url(self, entry):
        _, url, paragraph, _ = self._parts(entry)
        return None if paragraph is None else f"{url}#p{paragraph}"

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
        shared = self._shared
        return TYPED if shared.query is None else match_of(entry, shared.query, shared.segmented)


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

    @extend_schema_field(
        {
            "type": "string",
            "description": "The passage of the body (else the title) with the most matches, as plain text; "
            "… marks text left out.",
        }
    )
    def get_snippet(self, entry):
        return "".join(piece for piece, _ in self._parts(entry)[3])

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_highlights(self, entry):
        """The matches the snippet shows, each once, in the order they first appear."""
        return list(dict.fromkeys(piece for piece, is_match in self._parts(entry)[3] if is_match))
