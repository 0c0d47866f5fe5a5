"""Project-wide views: the API index and JSON answers for errors raised outside DRF views."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response
from rest_framework.reverse import reverse

from articles.models import Plan
from plan_api.exceptions import problem

PLAN_COLLECTIONS = ("chapters", "articles", "goals", "principles", "initiatives")


@extend_schema(
    summary="API index",
    description="Links to every collection: the plans, and for each plan its chapters, articles, goals, "
    "principles, initiatives and source text.",
    responses=inline_serializer(
        "ApiIndex",
        {
            "version": serializers.CharField(),
            "plans": serializers.URLField(),
            "schema": serializers.URLField(),
            "docs": serializers.URLField(),
            "plan_collections": serializers.ListField(child=serializers.DictField(child=serializers.CharField())),
        },
    ),
)
@api_view(["GET"])
def api_root(request, version):
    plan_collections = []
    for slug in Plan.objects.values_list("slug", flat=True):
        links = {"slug": slug, "plan": reverse("plan-detail", kwargs={"plan": slug}, request=request)}
        for name in PLAN_COLLECTIONS:
            links[name] = reverse(f"{name[:-1]}-list", kwargs={"plan": slug}, request=request)
        links["source"] = reverse("plan-source", kwargs={"plan": slug}, request=request)
        plan_collections.append(links)
    return Response({
        "version": request.version,
        "plans": reverse("plan-list", request=request),
        "schema": reverse("schema", request=request),
        "docs": reverse("docs", request=request),
        "search": reverse("search", request=request),
        "plan_collections": plan_collections,
    })  # fmt: skip


def bad_request(request, exception=None):
    return problem(400, "Bad request.")


def permission_denied(request, exception=None):
    return problem(403, "You do not have permission to perform this action.")


def not_found(request, exception=None):
    return problem(404, f"Nothing is published at {request.path!r}. See /api/v1/ for what is.")


def server_error(request):
    return problem(500, "Internal server error. It has been logged; please try again later.")
