from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from articles.api.viewsets import PLAN_PARAMETER, PlanScopedViewSet
from articles.models import Article
from indicators.api.serializers import ArticleSerializer, GoalSerializer, InitiativeSerializer, PrincipleSerializer
from indicators.filters import ArticleFilterSet, GoalFilterSet, InitiativeFilterSet
from indicators.models import Goal, Initiative, Mention, Principle


@extend_schema_view(
    list=extend_schema(summary="List a plan's articles", parameters=[PLAN_PARAMETER]),
    retrieve=extend_schema(summary="An article", parameters=[PLAN_PARAMETER]),
)
class ArticleViewSet(PlanScopedViewSet):
    """The numbered articles of a plan (1–52 in the document), paragraph by paragraph.

    Each article shows its chapter, the principles or goals it holds and the initiatives it names.
    """

    # In this layer, not in the articles app, because an article shows the principles, goals and initiatives
    # it holds.
    queryset = Article.objects.select_related("plan", "chapter__plan").prefetch_related(
        Prefetch("principles", queryset=Principle.objects.select_related("plan")),
        Prefetch("goals", queryset=Goal.objects.select_related("plan")),
        Prefetch(
            "mentions", queryset=Mention.objects.select_related("initiative__plan").order_by("initiative__position")
        ),
    )
    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet
    ordering_fields = ["number", "chapter", "title"]
    ordering = ["number"]
    noun = "article"
    search_type = "article"


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
    search_type = "goal"


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
    search_type = "initiative"
    search_key = "slug"
