from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from search.models import SearchEntry
from search.text import marked_html, snippet_passage


class SearchResultSerializer(serializers.ModelSerializer):
    """One search hit: what was found, where it lives, how well it matched, and the passage that matched."""

    # context["highlights"] holds the normalised query terms that the snippet marks.

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

    class Meta:
        model = SearchEntry
        fields = ["type", "plan", "number", "slug", "title", "url", "score", "snippet"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, entry):
        lookup = {"slug": entry.slug} if entry.type == SearchEntry.Type.INITIATIVE else {"number": entry.number}
        return reverse(
            f"{entry.type}-detail", kwargs={"plan": entry.plan_slug, **lookup}, request=self.context.get("request")
        )

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
                "HTML: the passage of the body (else the title) with the most matches, cut only after punctuation, "
                "its text escaped and each match wrapped in <mark>…</mark>; … marks text left out."
            ),
        }
    )
    def get_snippet(self, entry):
        return marked_html(self.passage(entry))

    def passage(self, entry):
        """The snippet as [(piece, is_match)]: from the body, else the title.

        A match the snippet cannot show (one found only through normalisation quirks) falls back to the title.
        """
        if not hasattr(entry, "snippet_pieces"):
            highlights = self.context.get("highlights", [])
            entry.snippet_pieces = (
                snippet_passage(entry.body, highlights)
                or snippet_passage(entry.title, highlights)
                or [(entry.title, False)]
            )
        return entry.snippet_pieces


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
        return "".join(piece for piece, _ in self.passage(entry))

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_highlights(self, entry):
        """The matches the snippet shows, each once, in the order they first appear."""
        return list(dict.fromkeys(piece for piece, is_match in self.passage(entry) if is_match))
