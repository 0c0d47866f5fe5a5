from rest_framework import serializers

from articles.api.serializers import ArticleBriefSerializer, ChapterBriefSerializer, LinesSerializer
from articles.models import Article
from indicators.models import Goal, Initiative, Mention, Principle
from plan_api.serializers import PlanScopedUrlField, PlanSlugField


class PrincipleSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("principle-detail")
    plan = PlanSlugField()
    article = ArticleBriefSerializer()

    class Meta:
        model = Principle
        fields = ["url", "plan", "number", "title", "text", "article"]


class GoalSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("goal-detail")
    plan = PlanSlugField()
    article = ArticleBriefSerializer()
    targets = serializers.ListField(child=serializers.CharField(), help_text="The goal's statements, in order.")

    class Meta:
        model = Goal
        fields = ["url", "plan", "number", "horizon", "title", "text", "targets", "article"]


class MentionSerializer(serializers.ModelSerializer):
    chapter = ChapterBriefSerializer(allow_null=True)
    article = ArticleBriefSerializer(allow_null=True)

    class Meta:
        model = Mention
        fields = ["place", "chapter", "article", "count"]


class InitiativeSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("initiative-detail", lookup="slug")
    plan = PlanSlugField()
    mention_count = serializers.SerializerMethodField()
    mentions = MentionSerializer(many=True)

    class Meta:
        model = Initiative
        fields = ["url", "plan", "slug", "name", "kind", "mention_count", "mentions"]

    def get_mention_count(self, initiative) -> int:
        return sum(mention.count for mention in initiative.mentions.all())


class MentionedInitiativeSerializer(serializers.Serializer):
    url = PlanScopedUrlField("initiative-detail", lookup="slug", source="initiative")
    slug = serializers.CharField(source="initiative.slug")
    name = serializers.CharField(source="initiative.name")
    kind = serializers.CharField(source="initiative.kind")
    count = serializers.IntegerField(help_text="How many times the article names it.")


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


# An article's full representation nests the principles, goals and initiatives it holds, so it lives in this
# layer, above the articles app (which has the brief form, for nesting articles in chapters and elsewhere).
class ArticleSerializer(serializers.ModelSerializer):
    url = PlanScopedUrlField("article-detail")
    plan = PlanSlugField()
    chapter = ChapterBriefSerializer()
    paragraphs = serializers.ListField(child=serializers.CharField(), help_text="The article's paragraphs, in order.")
    lines = LinesSerializer(source="*")
    principles = PrincipleBriefSerializer(many=True)
    goals = GoalBriefSerializer(many=True)
    initiatives = MentionedInitiativeSerializer(many=True, source="mentions")

    class Meta:
        model = Article
        fields = [
            "url",
            "plan",
            "number",
            "title",
            "chapter",
            "paragraphs",
            "lines",
            "principles",
            "goals",
            "initiatives",
        ]
