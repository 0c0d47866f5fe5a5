from django.db.models import Q
from django_filters import rest_framework as filters

from indicators.models import Goal, Initiative
from plan_api.filters import SmallIntegerFilter
from search.filters import SearchQueryFilter


class GoalFilterSet(filters.FilterSet):
    q = SearchQueryFilter(search_type="goal")
    horizon = SmallIntegerFilter(help_text="Only goals for this year: 2030 for the main goals, 2035 for the vision.")

    class Meta:
        model = Goal
        fields = ["q", "horizon"]


class InitiativeFilterSet(filters.FilterSet):
    q = SearchQueryFilter(search_type="initiative", key="slug")
    kind = filters.MultipleChoiceFilter(choices=Initiative.Kind.choices, help_text="Only initiatives of this kind (repeat for several).")
    article = SmallIntegerFilter(method="filter_article", help_text="Only initiatives named in this article.")
    chapter = SmallIntegerFilter(method="filter_chapter", help_text="Only initiatives named in this chapter (its intro or any of its articles).")

    class Meta:
        model = Initiative
        fields = ["q", "kind", "article", "chapter"]

    def filter_article(self, queryset, name, value):
        return queryset.filter(mentions__article__number=value).distinct()

    def filter_chapter(self, queryset, name, value):
        return queryset.filter(Q(mentions__chapter__number=value)).distinct()
