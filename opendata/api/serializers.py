from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from plan_api.serializers import PlanScopedUrlField


@extend_schema_field(OpenApiTypes.URI)
class TermUrlField(serializers.Field):
    """/api/v1/plans/{plan}/terms/{term}/, with the term as written in the received text (percent-encoded)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        plan = self.context["plan"]
        return reverse(
            "term-detail", kwargs={"plan": plan.slug, "term": value["text"]}, request=self.context.get("request")
        )


class TermEntrySerializer(serializers.Serializer):
    term = serializers.CharField(source="text", help_text="The word, in the requested script.")
    url = TermUrlField()
    length = serializers.IntegerField(help_text="Number of characters.")
    count = serializers.IntegerField(help_text="How often the word occurs (in the chapter or article, if filtered).")
    chapters = serializers.ListField(
        child=serializers.IntegerField(), help_text="Numbers of the chapters it occurs in."
    )
    articles = serializers.ListField(
        child=serializers.IntegerField(), help_text="Numbers of the articles it occurs in."
    )


class TermListSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text="The plan's slug.")
    top = serializers.IntegerField()
    chapter = serializers.IntegerField(allow_null=True)
    article = serializers.IntegerField(allow_null=True)
    min_length = serializers.IntegerField()
    results = TermEntrySerializer(many=True)


class TermChapterSerializer(serializers.Serializer):
    url = PlanScopedUrlField("chapter-detail", source="chapter")
    number = serializers.IntegerField(source="chapter.number")
    title = serializers.CharField(source="chapter.title")
    count = serializers.IntegerField(help_text="Occurrences in the chapter's heading, intro and articles.")


class TermArticleSerializer(serializers.Serializer):
    url = PlanScopedUrlField("article-detail", source="article")
    number = serializers.IntegerField(source="article.number")
    title = serializers.CharField(source="article.title")
    count = serializers.IntegerField()


class TermPlaceSerializer(serializers.Serializer):
    place = serializers.ChoiceField(choices=["preamble", "closing"])
    count = serializers.IntegerField()


class TermDetailSerializer(serializers.Serializer):
    term = serializers.CharField(source="text", help_text="The word, in the requested script.")
    url = TermUrlField()
    plan = serializers.CharField(help_text="The plan's slug.")
    length = serializers.IntegerField()
    count = serializers.IntegerField(help_text="How often the word occurs in the whole plan.")
    chapters = TermChapterSerializer(many=True)
    articles = TermArticleSerializer(many=True)
    elsewhere = TermPlaceSerializer(many=True, help_text="Occurrences outside the chapters: preamble, closing.")
