"""Filters shared by every collection."""

import re

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """`ordering` with the view's `ordering_fields`; an unknown field is a 400 rather than silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is None:
            return self.get_default_ordering(view)
        valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        if not re.fullmatch(self._pattern(valid), params):
            raise ValidationError({
                self.ordering_param: [
                    f"unknown ordering {params[:50]!r}; use one of {', '.join(sorted(valid))} "
                    "(prefix '-' for descending; several separated by commas)"
                ]
            })  # fmt: skip
        return params.split(",")

    @staticmethod
    def _pattern(fields):
        field = f"-?(?:{'|'.join(re.escape(name) for name in sorted(fields))})"
        return f"{field}(?:,{field})*"

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        for parameter in parameters:
            if parameter["name"] == self.ordering_param and fields and fields != "__all__":
                parameter["schema"] = {"type": "string", "pattern": f"^{self._pattern(fields)}$"}
                parameter["description"] = (
                    f"Order by {', '.join(fields)}; prefix '-' for descending; several separated by commas."
                )
        return parameters


class SmallIntegerFilter(filters.NumberFilter):
    """A whole number in the range of the document's own numbering."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 32767)
        super().__init__(*args, **kwargs)
        # Say the range in the schema, so that clients (and schemathesis) know a larger number is a 400.
        schema = {"type": "integer", "minimum": kwargs["min_value"], "maximum": kwargs["max_value"]}
        if self.extra.get("help_text"):
            schema["description"] = self.extra["help_text"]
        extend_schema_field(schema)(self)
