from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view

from indicators.api.serializers import GoalSerializer, InitiativeSerializer, PrincipleSerializer
from indicators.filters import GoalFilterSet, InitiativeFilterSet
from indicators.models import Goal, Initiative, Mention, Principle
from plan_api.viewsets import PlanScopedViewSet

PLAN_PARAMETER = OpenApiParameter("plan", str, OpenApiParameter.PATH, description="The plan's slug.")


@extend_schema_view(
    list=extend_schema(summary="List a plan's principles", parameters=[PLAN_PARAMETER]),
    retrieve=extend_schema(summary="A principle", parameters=[PLAN_PARAMETER]),
)
class PrincipleViewSet(PlanScopedViewSet):
    """The principles the plan says must be followed (必須遵循的原則), numbered in the order of the text."""

    queryset = Principle.objects.select_related("plan", "article__plan")
    serializer_class = PrincipleSerializer
    ordering_fields = ["number"]
    ordering = ["number"]
    noun = "principle"


@extend_schema_view(
    list=extend_schema(summary="List a plan's goals", parameters=[PLAN_PARAMETER]),
    retrieve=extend_schema(summary="A goal, with its targets", parameters=[PLAN_PARAMETER]),
)
class GoalViewSet(PlanScopedViewSet):
    """The plan's main goals (主要目標) for the end of its period, then its long-range vision.

    Goals are numbered in the order of the text; the vision comes last with its own `horizon` year.
    """

    queryset = Goal.objects.select_related("plan", "article__plan")
    serializer_class = GoalSerializer
    filterset_class = GoalFilterSet
    ordering_fields = ["number", "horizon"]
    ordering = ["number"]
    noun = "goal"


@extend_schema_view(
    list=extend_schema(summary="List a plan's named initiatives", parameters=[PLAN_PARAMETER]),
    retrieve=extend_schema(summary="A named initiative, with every place it is mentioned", parameters=[PLAN_PARAMETER]),
)
class InitiativeViewSet(PlanScopedViewSet):
    """Named actions, projects, programmes, strategies, platforms, zones, funds, brands, events and slogans.

    Each is addressed by a stable slug (the toneless pinyin of its name) and lists every place the text names
    it, with a count. Default order: first occurrence in the text.
    """

    queryset = Initiative.objects.select_related("plan").prefetch_related(
        Prefetch("mentions", queryset=Mention.objects.select_related("chapter__plan", "article__plan"))
    )
    serializer_class = InitiativeSerializer
    filterset_class = InitiativeFilterSet
    lookup_field = "slug"
    ordering_fields = ["position", "slug", "name", "kind"]
    ordering = ["position"]
    noun = "initiative"
