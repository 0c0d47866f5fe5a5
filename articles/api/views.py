from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from articles.api.serializers import (
    ChapterDetailSerializer,
    ChapterSerializer,
    PlanBriefSerializer,
    PlanSerializer,
    plan_links,
)
from articles.api.viewsets import PLAN_PARAMETER, PlanScopedViewSet, unknown_plan
from articles.models import Article, Chapter, Plan, PlanSource
from plan_api.export import ExportMixin, UrlRequest
from plan_api.renderers import PlainTextRenderer

# The search needs a `q`: the index gives it as an RFC 6570 URI template, not as a URL that would answer 400.
SEARCH_TEMPLATE = "{?q,type,plan}"


@extend_schema_field(
    {
        "type": "string",
        "format": "uri-template",
        "description": "The search, as an RFC 6570 URI template: expand it with `q` (required), and `type` and "
        "`plan` if wanted, e.g. …/search/?q=京津冀&type=article.",
    }
)
class UriTemplateField(serializers.CharField):
    pass


@extend_schema(
    summary="API index",
    description="Links to every collection: the plans, and for each plan its chapters, articles, goals, "
    "principles, initiatives, terms, source text and data package; the search, as a URI template. Every link "
    "answers, in every format.",
    responses=inline_serializer(
        "ApiIndex",
        {
            "version": serializers.CharField(),
            "plans": serializers.URLField(),
            "schema": serializers.URLField(),
            "docs": serializers.URLField(),
            "search": UriTemplateField(),
            "plan_collections": serializers.ListField(child=serializers.DictField(child=serializers.CharField())),
        },
    ),
)
@api_view(["GET", "HEAD"])
def api_root(request, version):
    request = UrlRequest(request)  # links without this request's `format`: each answers in its own
    plan_collections = []
    for slug in Plan.objects.values_list("slug", flat=True):
        links = {"slug": slug, "plan": reverse("plan-detail", kwargs={"plan": slug}, request=request)}
        plan_collections.append({**links, **plan_links(slug, request)})
    return Response(
        {
            "version": request.version,
            "plans": reverse("plan-list", request=request),
            "schema": reverse("schema", request=request),
            "docs": reverse("docs", request=request),
            "search": reverse("search", request=request) + SEARCH_TEMPLATE,
            "plan_collections": plan_collections,
        }
    )


@extend_schema_view(
    list=extend_schema(summary="List plans"),
    retrieve=extend_schema(
        summary="A plan, with counts, source, errata and links to its collections", parameters=[PLAN_PARAMETER]
    ),
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
            queryset = queryset.prefetch_related("errata")
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
