from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from search.selectors import search_filter
from search.text import MAX_QUERY_LENGTH, QUERY_PATTERN

# What the server requires of `q`: the very pattern search.text.parse_query checks, and a length.
Q_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH, "pattern": QUERY_PATTERN}


Q_HELP = (
    "Full-text search, as `q` of /api/v1/search/: words ANDed, \"a phrase\", `a OR b`, `-word`; simplified or "
    "traditional characters alike; at most 200 characters. Results come best first unless `ordering` is given. "
    "An empty or unsearchable `q` is a 400."
)


@extend_schema_field(Q_SCHEMA)
class SearchQueryFilter(filters.CharFilter):
    """`q` on a plan's collection: keeps the objects that match, ranked (see search.selectors.search_filter)."""

    def __init__(self, *, search_type, key="number", **kwargs):
        kwargs.setdefault("help_text", Q_HELP)
        super().__init__(**kwargs)
        self.search_type = search_type
        self.key = key

    def filter(self, qs, value):
        # django-filter skips empty values; an empty `q` that was given is a 400 here as on /search/.
        if self.field_name not in self.parent.data:
            return qs
        return search_filter(qs, q=value, type=self.search_type, key=self.key)
