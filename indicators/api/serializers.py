from rest_framework import serializers

from articles.api.serializers import ArticleBriefSerializer, ChapterBriefSerializer
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
