"""Filters shared by every collection."""

import re

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """`ordering` with the view's `ordering_fields`; an unknown field is a 400 rather than silently ignored.

    Ties are broken by the view's default ordering.
    """

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params is None:
            return self._default(queryset, view)
        valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        if not re.fullmatch(self._pattern(valid), params):
            raise ValidationError(
                {
                    self.ordering_param: [
                        f"unknown ordering {params[:50]!r}; use one of {', '.join(sorted(valid))} "
                        "(prefix '-' for descending; several separated by commas)"
                    ]
                }
            )
        fields = params.split(",")
        repeated = sorted({field for field in fields if fields.count(field) > 1})
        if repeated:
            raise ValidationError({self.ordering_param: [f"{repeated[0]!r} is given more than once"]})
        # The default ordering breaks ties, so that pages of a non-unique ordering (chapter, kind)
        # neither repeat nor skip rows, and rows that tie keep the order of the text.
        named = {field.lstrip("-") for field in fields}
        return fields + [f for f in self.get_default_ordering(view) or () if f.lstrip("-") not in named]

    def _default(self, queryset, view):
        default = self.get_default_ordering(view)
        if "search_rank" in queryset.query.annotations:  # a `q` search: best first, then the usual order
            return ["-search_rank", *(default or [])]
        return default

    @staticmethod
    def _pattern(fields):
        field = f"-?(?:{'|'.join(re.escape(name) for name in sorted(fields))})"
        return f"{field}(?:,{field})*"

    def get_schema_operation_parameters(self, view):
        fields = [field if isinstance(field, str) else field[0] for field in getattr(view, "ordering_fields", ())]
        default = ", ".join(self.get_default_ordering(view) or ())
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Order by {', '.join(fields)}; prefix '-' for descending; several fields separated by commas. "
                    f"Ties keep the default order ({default})."
                ),
                "schema": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 2 * len(fields),
                    "uniqueItems": True,
                    "items": {"type": "string", "enum": [*fields, *(f"-{f}" for f in fields)]},
                },
                "style": "form",
                "explode": False,
            }
        ]


# Declared on the class: drf-spectacular cannot infer the type of a filter that has a `method`, and would
# document it as a string.
@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 32767})
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
