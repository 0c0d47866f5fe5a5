from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.renderers import JSONRenderer

from articles.api.serializers import (
    ArticleSerializer,
    ChapterDetailSerializer,
    ChapterSerializer,
    PlanBriefSerializer,
    PlanSerializer,
)
from articles.filters import ArticleFilterSet
from articles.models import Article, Chapter, Plan, PlanSource
from indicators.models import Goal, Mention, Principle
from plan_api.export import ExportMixin
from plan_api.renderers import PlainTextRenderer
from plan_api.viewsets import PlanScopedViewSet, unknown_plan

PLAN_PARAMETER = OpenApiParameter("plan", str, OpenApiParameter.PATH, description="The plan's slug.")


@extend_schema_view(
    list=extend_schema(summary="List plans"),
    retrieve=extend_schema(summary="A plan, with counts, source, errata and links to its collections", parameters=[PLAN_PARAMETER]),
)
class PlanViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """The plans plan-api serves. A plan is addressed by its slug, which never changes."""

    queryset = Plan.objects.all()
    lookup_field = "slug"
    lookup_url_kwarg = "plan"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["slug", "adopted_on", "title"]
    ordering = ["slug"]

    def get_serializer_class(self):
        return PlanSerializer if self.action == "retrieve" else PlanBriefSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.with_counts().prefetch_related("errata")
        return queryset

    def get_object(self):
        try:
            return super().get_object()
        except Http404:  # get_object_or_404 raises Django's Http404
            raise unknown_plan(self.kwargs["plan"]) from None


@extend_schema(
    summary="The source text exactly as received",
    description="The plan's source file, byte for byte as received (errata included), as UTF-8 plain text.",
    parameters=[PLAN_PARAMETER, OpenApiParameter("script", exclude=True)],
    responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="The source text.")},
)
@api_view(["GET", "HEAD"])
@renderer_classes([JSONRenderer, PlainTextRenderer])  # JSON first: errors for Accept: */* stay JSON
def plan_source(request, version, plan):
    text = PlanSource.objects.filter(plan__slug=plan).values_list("text", flat=True).first()
    if text is None:
        raise unknown_plan(plan)
    response = HttpResponse(text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    response["Content-Language"] = "zh-Hant"  # as received, whatever script was asked for
    return response


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
