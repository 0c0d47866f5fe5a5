from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from articles.models import Article
from plan_api.filters import SmallIntegerFilter
from search.filters import SearchQueryFilter


class ArticleFilterSet(filters.FilterSet):
    chapter = SmallIntegerFilter(field_name="chapter__number", help_text="Only articles of this chapter (1–12).")
    number_min = SmallIntegerFilter(field_name="number", lookup_expr="gte", help_text="Only articles numbered at least this.")
    number_max = SmallIntegerFilter(field_name="number", lookup_expr="lte", help_text="Only articles numbered at most this.")
    q = SearchQueryFilter(search_type="article")
    initiative = extend_schema_field(
        {"type": "string", "maxLength": 100, "description": "Only articles that mention this initiative (its slug)."}
    )(filters.CharFilter(method="filter_initiative", max_length=100))

    class Meta:
        model = Article
        fields = ["q", "chapter", "number_min", "number_max", "initiative"]

    def filter_initiative(self, queryset, name, value):
        return queryset.mentioning(value)
