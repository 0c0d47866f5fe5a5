from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from articles.models import Article, Chapter, Erratum, Plan
from indicators.models import Goal, Principle
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
    chapters = serializers.IntegerField(source="chapter_count")
    articles = serializers.IntegerField(source="article_count")
    principles = serializers.IntegerField(source="principle_count")
    goals = serializers.IntegerField(source="goal_count")
    initiatives = serializers.IntegerField(source="initiative_count")


class PlanSerializer(PlanBriefSerializer):
    counts = PlanCountsSerializer(source="*")
    source = SourceSerializer(source="*")
    links = serializers.SerializerMethodField()

    class Meta(PlanBriefSerializer.Meta):
        fields = [
            "url", "slug", "title", "subtitle", "issuer", "adopted_on", "adopted_by", "region", "period",
            "preamble", "closing", "counts", "source", "version", "updated_at", "links",
        ]  # fmt: skip

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


class MentionedInitiativeSerializer(serializers.Serializer):
    url = PlanScopedUrlField("initiative-detail", lookup="slug", source="initiative")
    slug = serializers.CharField(source="initiative.slug")
    name = serializers.CharField(source="initiative.name")
    kind = serializers.CharField(source="initiative.kind")
    count = serializers.IntegerField(help_text="How many times the article names it.")


# The brief forms of principles and goals live here, beside the article that holds them, so that the
# indicators app can nest articles without the two serializer modules importing each other.
class PrincipleBriefSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("principle-detail")

    class Meta:
        model = Principle
        fields = ["url", "number", "title"]


class GoalBriefSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("goal-detail")

    class Meta:
        model = Goal
        fields = ["url", "number", "horizon", "title"]


class ArticleSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("article-detail")
    plan = PlanSlugField()
    chapter = ChapterBriefSerializer()
    lines = LinesSerializer(source="*")
    principles = PrincipleBriefSerializer(many=True)
    goals = GoalBriefSerializer(many=True)
    initiatives = MentionedInitiativeSerializer(many=True, source="mentions")

    class Meta:
        model = Article
        fields = ["url", "plan", "number", "title", "chapter", "paragraphs", "lines", "principles", "goals", "initiatives"]
