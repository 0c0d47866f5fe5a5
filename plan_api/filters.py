"""Filters shared by every collection."""

from django import forms
from django_filters import rest_framework as filters
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """`ordering` with the view's `ordering_fields`; an unknown field is a 400 rather than silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
            unknown = [f for f in fields if f.lstrip("-") not in valid]
            if unknown or not fields:
                raise ValidationError({
                    self.ordering_param: [
                        f"unknown field {', '.join(unknown) or params!r}; use one of {', '.join(sorted(valid))} "
                        "(prefix '-' for descending)"
                    ]
                })  # fmt: skip
            return fields
        default = self.get_default_ordering(view)
        if "search_rank" in queryset.query.annotations:  # a `q` search: best first, then the usual order
            return ["-search_rank", *(default or [])]
        return default


class SmallIntegerFilter(filters.NumberFilter):
    """A whole number in the range of the document's own numbering."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 32767)
        super().__init__(*args, **kwargs)
