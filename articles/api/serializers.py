from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from articles.models import Article, Chapter, Erratum, Plan
from plan_api.serializers import PlanScopedUrlField, PlanSlugField

# Everything published under a plan: its collections, its source text and its data package.
PLAN_LINKS = {
    "chapters": "chapter-list",
    "articles": "article-list",
    "goals": "goal-list",
    "principles": "principle-list",
    "initiatives": "initiative-list",
    "terms": "term-list",
    "source": "plan-source",
    "datapackage": "plan-datapackage",
}


def plan_links(slug, request):
    """Absolute links to everything published under the plan `slug`."""
    return {name: reverse(view, kwargs={"plan": slug}, request=request) for name, view in PLAN_LINKS.items()}


class PeriodSerializer(serializers.Serializer):
    start = serializers.IntegerField(source="period_start")
    end = serializers.IntegerField(source="period_end")


class ErratumSerializer(serializers.ModelSerializer):
    article = serializers.IntegerField(source="article_number", allow_null=True)

    class Meta:
        model = Erratum
        fields = ["number", "line", "column", "article", "as_received", "correction"]
        extra_kwargs = {
            "line": {"help_text": "Line of the source file the span is on, counted from 1."},
            "column": {
                "help_text": "Where the span starts in that line, in characters counted from 1 (like the line): "
                "what an editor's line:column shows."
            },
        }


class SourceSerializer(serializers.Serializer):
    filename = serializers.CharField(source="source_filename")
    sha256 = serializers.CharField(source="source_sha256")
    url = serializers.SerializerMethodField()
    errata = ErratumSerializer(many=True)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, plan):
        return reverse("plan-source", kwargs={"plan": plan.slug}, request=self.context.get("request"))


class PlanBriefSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="plan-detail", lookup_field="slug", lookup_url_kwarg="plan")
    period = PeriodSerializer(source="*")

    class Meta:
        model = Plan
        fields = ["url", "slug", "title", "issuer", "adopted_on", "region", "period", "version", "updated_at"]


class PlanCountsSerializer(serializers.Serializer):
    """How many objects each of the plan's collections holds (counted when the plan was loaded)."""

    chapters = serializers.IntegerField()
    articles = serializers.IntegerField()
    principles = serializers.IntegerField()
    goals = serializers.IntegerField()
    initiatives = serializers.IntegerField()


class PlanSerializer(PlanBriefSerializer):
    preamble = serializers.ListField(
        child=serializers.CharField(), help_text="The paragraphs before the first chapter, in order."
    )
    closing = serializers.ListField(
        child=serializers.CharField(), help_text="The paragraphs after the last chapter, in order."
    )
    counts = PlanCountsSerializer()
    source = SourceSerializer(source="*")
    links = serializers.SerializerMethodField()

    class Meta(PlanBriefSerializer.Meta):
        fields = [
            "url",
            "slug",
            "title",
            "subtitle",
            "issuer",
            "adopted_on",
            "adopted_by",
            "region",
            "period",
            "preamble",
            "closing",
            "counts",
            "source",
            "version",
            "updated_at",
            "links",
        ]

    @extend_schema_field(
        {"type": "object", "properties": {name: {"type": "string", "format": "uri"} for name in PLAN_LINKS}}
    )
    def get_links(self, plan):
        return plan_links(plan.slug, self.context.get("request"))


class ChapterBriefSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("chapter-detail")

    class Meta:
        model = Chapter
        fields = ["url", "number", "numeral", "title"]


class ArticleBriefSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("article-detail")

    class Meta:
        model = Article
        fields = ["url", "number", "title"]


class ChapterSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("chapter-detail")
    plan = PlanSlugField()
    intro = serializers.ListField(
        child=serializers.CharField(), help_text="The paragraphs between the heading and the first article, in order."
    )
    article_numbers = serializers.SerializerMethodField()

    class Meta:
        model = Chapter
        fields = ["url", "plan", "number", "numeral", "title", "intro", "article_numbers"]

    @extend_schema_field({"type": "array", "items": {"type": "integer"}})
    def get_article_numbers(self, chapter):
        return [article.number for article in chapter.articles.all()]


class ChapterDetailSerializer(ChapterSerializer):
    articles = ArticleBriefSerializer(many=True)

    class Meta(ChapterSerializer.Meta):
        fields = ChapterSerializer.Meta.fields + ["articles"]


class LinesSerializer(serializers.Serializer):
    start = serializers.IntegerField(source="line_start", help_text="First line of the article in the source file.")
    end = serializers.IntegerField(source="line_end", help_text="Last line of the article in the source file.")
