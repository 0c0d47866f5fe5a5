from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer
from rest_framework.response import Response

from articles.api.viewsets import PLAN_PARAMETER, plan_or_404
from articles.models import Plan
from opendata.api.serializers import TermDetailSerializer, TermEntrySerializer, TermListSerializer
from opendata.datapackage import build_datapackage
from opendata.selectors import term_get, term_list, term_places
from plan_api.canonical import query_parameters
from plan_api.export import UrlRequest, table_response
from plan_api.pagination import positive_int_param
from plan_api.renderers import ScriptJSONRenderer, serializer_columns
from plan_api.scripts import DEFAULT_SCRIPT, script_of_request

TOP_DEFAULT, TOP_MAX = 50, 1000
MIN_LENGTH_DEFAULT = 2
TERMS_DESCRIPTION = (
    "Words are segmented by jieba with the plan's user dictionary (its initiative names and key terms) on the "
    "simplified text, so counts are the same in every script; stop words, punctuation and numbers are left out. "
    "A word inside a longer word counts too (京津冀 inside 京津冀協同發展), so a count equals a plain count of the word "
    "in the text except where an occurrence straddles two words. The text counted is the preamble, the chapters' "
    "headings and intros, the articles and the closing."
)


def _whole(maximum):
    """The schema of a whole-number parameter that positive_int_param reads."""
    return {"type": "integer", "minimum": 1, "maximum": maximum}


def _get_plan(slug, *, full=False):
    return plan_or_404(slug, Plan.objects.select_related("publication") if full else None)


@extend_schema(
    operation_id="plans_terms_list",
    summary="The plan's most frequent words",
    description=TERMS_DESCRIPTION + " Filtered by chapter or article, counts and places are those within it.",
    parameters=[
        PLAN_PARAMETER,
        OpenApiParameter(
            "top", _whole(TOP_MAX), description=f"How many words, 1 to {TOP_MAX} (default {TOP_DEFAULT})."
        ),
        OpenApiParameter(
            "chapter", _whole(32767), description="Count only in this chapter (its heading, intro and articles)."
        ),
        OpenApiParameter("article", _whole(32767), description="Count only in this article."),
        OpenApiParameter(
            "min_length",
            _whole(100),
            description=f"Only words of at least this many characters (default {MIN_LENGTH_DEFAULT}).",
        ),
    ],
    responses=TermListSerializer,
)
@query_parameters("top", "chapter", "article", "min_length")
@api_view(["GET", "HEAD"])
def term_list_view(request, version, plan):
    top = positive_int_param(request, "top", maximum=TOP_MAX) or TOP_DEFAULT
    chapter = positive_int_param(request, "chapter", maximum=32767)
    article = positive_int_param(request, "article", maximum=32767)
    min_length = positive_int_param(request, "min_length", maximum=100) or MIN_LENGTH_DEFAULT
    plan = _get_plan(plan)
    results = term_list(plan=plan, top=top, chapter=chapter, article=article, min_length=min_length)
    body = {
        "plan": plan.slug,
        "top": top,
        "chapter": chapter,
        "article": article,
        "min_length": min_length,
        "results": results,
    }
    data = TermListSerializer(body, context={"request": UrlRequest(request), "plan": plan}).data
    if getattr(request.accepted_renderer, "streams", False):  # CSV or NDJSON: the words, one row each
        return table_response(request, data["results"], columns=serializer_columns(TermEntrySerializer()))
    return Response(data)


@extend_schema(
    operation_id="plans_terms_retrieve",
    summary="One word of the plan, with its count per chapter and per article",
    description=TERMS_DESCRIPTION + " The word may be written in any script (京津冀, 高质量发展, 高質量發展, 製造業).",
    parameters=[
        PLAN_PARAMETER,
        OpenApiParameter("term", str, OpenApiParameter.PATH, description="The word, in any script."),
    ],
    responses=TermDetailSerializer,
)
@api_view(["GET", "HEAD"])
def term_detail_view(request, version, plan, term):
    plan = _get_plan(plan)
    found = term_get(plan=plan, term=term) if len(term) <= 100 else None
    if found is None:
        raise NotFound(
            f"No term {term[:50]!r} in plan {plan.slug!r}: terms are words as segmented by jieba; "
            "see the terms list for what there is."
        )
    chapters, articles, elsewhere = term_places(found)
    body = {
        "text": found.text,
        "plan": plan.slug,
        "length": found.length,
        "count": found.count,
        "chapters": chapters,
        "articles": articles,
        "elsewhere": elsewhere,
    }
    return Response(TermDetailSerializer(body, context={"request": UrlRequest(request), "plan": plan}).data)


class ZipRenderer(BaseRenderer):
    """Lets `Accept: application/zip` through; only errors are rendered by it, as problem+json."""

    media_type = "application/zip"
    format = "zip"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return ScriptJSONRenderer().render(data, accepted_media_type, renderer_context)


@extend_schema(
    operation_id="plans_datapackage_retrieve",
    summary="The whole plan as a Frictionless Data Package (zip)",
    description="A zip holding datapackage.json (title, licence, sources, version, the source file's sha256, and a "
    "Table Schema for each resource) and one CSV per resource: chapters, articles, paragraphs, goals, targets, "
    "principles, initiatives, mentions, errata. The text is in the requested script.",
    parameters=[
        PLAN_PARAMETER,
        OpenApiParameter("format", exclude=True),
        OpenApiParameter(
            "Content-Disposition",
            str,
            OpenApiParameter.HEADER,
            response=[200],
            description='`attachment; filename="{plan}-datapackage.zip"`, with `-{script}` before `-datapackage` '
            "when the script is not zh-Hant.",
        ),
    ],
    responses={
        (200, "application/zip"): OpenApiResponse(
            {"type": "string", "format": "binary", "contentMediaType": "application/zip"},
            description="The data package: a zip archive of datapackage.json (a Frictionless Data Package "
            "descriptor, https://datapackage.org/) and chapters.csv, articles.csv, paragraphs.csv, goals.csv, "
            "targets.csv, principles.csv, initiatives.csv, mentions.csv and errata.csv (UTF-8).",
        )
    },
)
@api_view(["GET", "HEAD"])
@renderer_classes([ScriptJSONRenderer, ZipRenderer])
def datapackage_view(request, version, plan):
    plan = _get_plan(plan, full=True)
    script = script_of_request(request)
    content = build_datapackage(plan, script=script, request=request)
    suffix = "" if script == DEFAULT_SCRIPT else f"-{script}"
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}{suffix}-datapackage.zip"'
    return response
