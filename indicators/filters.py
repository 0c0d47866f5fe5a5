from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from articles.models import Article
from indicators.models import Goal, Initiative
from plan_api.filters import SmallIntegerFilter


class ArticleFilterSet(filters.FilterSet):
    chapter = SmallIntegerFilter(field_name="chapter__number", help_text="Only articles of this chapter (1–12).")
    number_min = SmallIntegerFilter(
        field_name="number", lookup_expr="gte", help_text="Only articles numbered at least this."
    )
    number_max = SmallIntegerFilter(
        field_name="number", lookup_expr="lte", help_text="Only articles numbered at most this."
    )
    initiative = extend_schema_field(
        {"type": "string", "maxLength": 100, "description": "Only articles that mention this initiative (its slug)."}
    )(filters.CharFilter(method="filter_initiative", max_length=100))

    class Meta:
        model = Article
        fields = ["chapter", "number_min", "number_max", "initiative"]

    def filter_initiative(self, queryset, name, value):
        return queryset.filter(mentions__initiative__slug=value).distinct()


class GoalFilterSet(filters.FilterSet):
    horizon = SmallIntegerFilter(help_text="Only goals for this year: 2030 for the main goals, 2035 for the vision.")

    class Meta:
        model = Goal
        fields = ["horizon"]


class InitiativeFilterSet(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(
        choices=Initiative.Kind.choices, help_text="Only initiatives of this kind (repeat for several)."
    )
    article = SmallIntegerFilter(method="filter_article", help_text="Only initiatives named in this article.")
    chapter = SmallIntegerFilter(
        method="filter_chapter", help_text="Only initiatives named in this chapter (its intro or any of its articles)."
    )

    class Meta:
        model = Initiative
        fields = ["kind", "article", "chapter"]

    def filter_article(self, queryset, name, value):
        return queryset.filter(mentions__article__number=value).distinct()

    def filter_chapter(self, queryset, name, value):
        return queryset.filter(Q(mentions__chapter__number=value)).distinct()
