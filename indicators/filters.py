from django.db.models import Q
from django_filters import rest_framework as filters

from indicators.models import Goal, Initiative
from plan_api.filters import SmallIntegerFilter
from search.selectors import search_filter

Q_HELP = (
    "Full-text search in web-search syntax (as `q` of /api/v1/search/: words ANDed, \"phrase\", OR, -word; "
    "simplified or traditional); results best first unless `ordering` is given."
)


class GoalFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", help_text=Q_HELP)
    horizon = SmallIntegerFilter(help_text="Only goals for this year: 2030 for the main goals, 2035 for the vision.")

    class Meta:
        model = Goal
        fields = ["q", "horizon"]

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, q=value, type="goal")


class InitiativeFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", help_text=Q_HELP)
    kind = filters.MultipleChoiceFilter(choices=Initiative.Kind.choices, help_text="Only initiatives of this kind (repeat for several).")
    article = SmallIntegerFilter(method="filter_article", help_text="Only initiatives named in this article.")
    chapter = SmallIntegerFilter(method="filter_chapter", help_text="Only initiatives named in this chapter (its intro or any of its articles).")

    class Meta:
        model = Initiative
        fields = ["q", "kind", "article", "chapter"]

    def filter_q(self, queryset, name, value):
        return search_filter(queryset, q=value, type="initiative", key="slug")

    def filter_article(self, queryset, name, value):
        return queryset.filter(mentions__article__number=value).distinct()

    def filter_chapter(self, queryset, name, value):
        return queryset.filter(Q(mentions__chapter__number=value)).distinct()
