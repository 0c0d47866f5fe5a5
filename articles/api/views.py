from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound

from articles.api.serializers import (
    ArticleSerializer,
    ChapterDetailSerializer,
    ChapterSerializer,
    PlanBriefSerializer,
    PlanSerializer,
)
from articles.filters import ArticleFilterSet
from articles.models import Article, Chapter, Plan
from indicators.models import Goal, Initiative, Mention, Principle
from plan_api.viewsets import PlanScopedViewSet

def _count_in_plan(model):
    counts = model.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


PLAN_PARAMETER = OpenApiParameter("plan", str, OpenApiParameter.PATH, description="The plan's slug.")


@extend_schema_view(
    list=extend_schema(summary="List plans"),
    retrieve=extend_schema(summary="A plan, with counts, source, errata and links to its collections"),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The plans plan-api serves. A plan is addressed by its slug, which never changes."""

    queryset = Plan.objects.all()
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["slug", "adopted_on", "title"]
    ordering = ["slug"]

    def get_serializer_class(self):
        return PlanSerializer if self.action == "retrieve" else PlanBriefSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            # One subquery per count: joining the five tables and counting distinct rows multiplies them
            # (12 × 52 × 6 × 8 × 119 rows for one plan) and took seconds.
            queryset = queryset.annotate(
                chapter_count=_count_in_plan(Chapter),
                article_count=_count_in_plan(Article),
                principle_count=_count_in_plan(Principle),
                goal_count=_count_in_plan(Goal),
                initiative_count=_count_in_plan(Initiative),
            ).prefetch_related("errata")
        return queryset

    def get_object(self):
        try:
            return super().get_object()
        except NotFound:
            raise NotFound(f"No plan with slug {self.kwargs['slug']!r}.") from None


@extend_schema(
    summary="The source text exactly as received",
    description="The plan's source file, byte for byte as received (errata included), as UTF-8 plain text.",
    parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The plan's slug.")],
    responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="The source text.")},
)
@api_view(["GET"])
def plan_source(request, version, slug):
    text = Plan.objects.filter(slug=slug).values_list("source_text", flat=True).first()
    if text is None:
        raise NotFound(f"No plan with slug {slug!r}.")
    return HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")


@extend_schema_view(
    list=extend_schema(summary="List a plan's chapters", parameters=[PLAN_PARAMETER]),
    retrieve=extend_schema(summary="A chapter, with its articles", parameters=[PLAN_PARAMETER]),
)
class ChapterViewSet(PlanScopedViewSet):
    """The chapters of a plan (一、… 十二、), numbered 1 to 12 as in the document; each with its intro paragraphs."""

    queryset = Chapter.objects.select_related("plan").prefetch_related(
        Prefetch("articles", queryset=Article.objects.select_related("plan"))
    )
    ordering_fields = ["number"]
    ordering = ["number"]
    noun = "chapter"

    def get_serializer_class(self):
        return ChapterDetailSerializer if self.action == "retrieve" else ChapterSerializer


@extend_schema_view(
    list=extend_schema(summary="List a plan's articles", parameters=[PLAN_PARAMETER]),
    retrieve=extend_schema(summary="An article", parameters=[PLAN_PARAMETER]),
)
class ArticleViewSet(PlanScopedViewSet):
    """The numbered articles of a plan (1–52 in the document), paragraph by paragraph.

    Each article shows its chapter, the principles or goals it holds and the initiatives it names.
    """

    queryset = Article.objects.select_related("plan", "chapter__plan").prefetch_related(
        Prefetch("principles", queryset=Principle.objects.select_related("plan")),
        Prefetch("goals", queryset=Goal.objects.select_related("plan")),
        Prefetch("mentions", queryset=Mention.objects.select_related("initiative__plan").order_by("initiative__position")),
    )
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet
    ordering_fields = ["number", "chapter", "title"]
    ordering = ["number"]
    noun = "article"
