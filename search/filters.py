"""`q` on a plan's collections (articles, goals, initiatives): a filter backend, as DRF's own SearchFilter is.

A view opts in by naming the search entries that stand for its objects: `search_type = "article"` (and
`search_key = "slug"` when its objects are looked up by slug). The backend is in DEFAULT_FILTER_BACKENDS, so
the collections, which live in lower layers, never import search.
"""

from rest_framework.filters import BaseFilterBackend

from search.selectors import search_filter
from search.text import MAX_QUERY_LENGTH, QUERY_PATTERN

# What the server requires of `q`: the very pattern search.text.check_query checks, and a length.
Q_SCHEMA = {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH, "pattern": QUERY_PATTERN}

Q_HELP = (
    'Full-text search, as `q` of /api/v1/search/: words ANDed, "a phrase", `a OR b`, `-word`; simplified or '
    "traditional characters alike; at most 200 characters. Results come best first unless `ordering` is given. "
    "An empty or unsearchable `q` is a 400. With `q`, the page also has `interpretation` (how it was read) and "
    "`suggestions` (when nothing matched: words the plan does contain), as on /api/v1/search/."
)


class SearchFilterBackend(BaseFilterBackend):
    """Keep only the objects that match `q`, ranked (see search.selectors.search_filter)."""

    search_param = "q"

    @classmethod
    def recognised_parameters(cls, view_class):
        """What this backend reads on a view's requests (for the response cache's key, plan_api.canonical)."""
        return {cls.search_param} if getattr(view_class, "search_type", None) else set()

    def filter_queryset(self, request, queryset, view):
        search_type = getattr(view, "search_type", None)
        # An empty `q` that was given is a 400 here as on /search/, not ignored.
        if search_type is None or self.search_param not in request.query_params:
            return queryset
        q = request.query_params[self.search_param]
        found = search_filter(
            queryset, q=q, type=search_type, key=getattr(view, "search_key", "number"), plan=view.kwargs.get("plan")
        )
        # The page says how `q` was read, as /search/ does (plan_api.pagination adds it to the response).
        request.search_description = found.describe
        return found.queryset

    def get_schema_operation_parameters(self, view):
        if getattr(view, "search_type", None) is None:
            return []
        return [
            {"name": self.search_param, "required": False, "in": "query", "description": Q_HELP, "schema": Q_SCHEMA}
        ]
