from urllib.parse import urlencode

from django.core.paginator import Paginator
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from plan_api.canonical import EVERY, canonical_query, view_parameters


def positive_int_param(request, name, *, maximum=None):
    """Read a positive whole-number query parameter, or None when absent; a bad value is a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1 or (maximum is not None and value > maximum) or not raw.strip().isdigit():
        limit = f" from 1 to {maximum}" if maximum else ""
        raise ValidationError({name: [f"must be a whole number{limit}, not {raw[:50]!r}"]})
    return value


class OneQueryPaginator(Paginator):
    """Django's paginator, which asks an object list that can (`slice_and_count(start, stop)`, as a search's
    matches can) for the page and the count at once: one query where Django's makes two.

    Pages, counts and errors are Django's: a page past the last (whose slice comes back empty) is counted as
    Django counts, and is an EmptyPage.
    """

    # Beyond this no count can reach (and the database's OFFSET would overflow).
    LARGEST_OFFSET = 2**31

    def page(self, number):
        slice_and_count = getattr(self.object_list, "slice_and_count", None)
        if slice_and_count is None or self.orphans or "count" in self.__dict__:
            return super().page(number)
        try:
            start = (int(number) - 1) * self.per_page
        except (TypeError, ValueError):
            start = -1
        if not 0 <= start < self.LARGEST_OFFSET:  # not a page number, or far past any count: Django says why
            return super().page(number)
        rows, count = slice_and_count(start, start + self.per_page)
        if count is not None:
            self.count = count  # the cached_property's value: the page's own count
        return self._get_page(rows, self.validate_number(number), self)


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination: `page` (from 1) and `page_size` (1 to 100, default 20).

    A page beyond the last is a 404; a page or page size that is not a whole number in range is a 400.
    """

    django_paginator_class = OneQueryPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        return positive_int_param(request, self.page_size_query_param, maximum=self.max_page_size) or self.page_size

    def paginate_queryset(self, queryset, request, view=None):
        positive_int_param(request, self.page_query_param)
        self.recognised = view_parameters(view) if view is not None else EVERY
        return super().paginate_queryset(queryset, request, view)

    def get_next_link(self):
        return self._page_link(self.page.next_page_number()) if self.page.has_next() else None

    def get_previous_link(self):
        return self._page_link(self.page.previous_page_number()) if self.page.has_previous() else None

    def _page_link(self, number):
        """The link to another page: the request's recognised parameters in canonical form (plan_api.canonical),
        with this page's number.

        Canonical, so that equivalent requests get the same bytes and the response cache may share them; built from
        the decoded query rather than DRF's raw string, which a client that sends unescaped UTF-8
        (curl '…?q=发展') would make into mojibake: the link would search for something else.
        """
        query = canonical_query(self.request.query_params, self.recognised)
        query = [(name, value) for name, value in query if name != self.page_query_param]
        if number != 1:
            query.append((self.page_query_param, str(number)))
        query.sort(key=lambda item: item[0])  # stable: a repeated parameter keeps the order of its values
        url = self.request.build_absolute_uri(self.request.path)
        return f"{url}?{urlencode(query)}" if query else url

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        # A collection filtered with `q` says how the query was read: the search filter leaves on the request a
        # function of the count that gives `interpretation` and `suggestions` (plan_api knows no search).
        describe = getattr(self.request, "search_description", None)
        if describe is not None:
            response.data.update(describe(response.data["count"]))
        return response

    def get_paginated_response_schema(self, schema):
        # DRF writes `nullable: true`, an OpenAPI 3.0 keyword that 3.1 (our schema's version) ignores.
        response = super().get_paginated_response_schema(schema)
        for name in ("next", "previous"):
            link = response["properties"][name]
            link.pop("nullable", None)
            link["type"] = ["string", "null"]
        return response
