"""Filters shared by every collection."""

import re

from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


class StrictOrderingFilter(OrderingFilter):
    """`ordering` with the view's `ordering_fields`; an unknown field is a 400 rather than silently ignored.

    Several fields are separated by commas or given as repeated parameters (what generated clients send for an
    array): `ordering=-number&ordering=title` is `ordering=-number,title`. Ties are broken by the view's default
    ordering.
    """

    def get_ordering(self, request, queryset, view):
        values = request.query_params.getlist(self.ordering_param)
        if not values:
            return self._default(queryset, view)
        params = ",".join(values)
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
        several = (
            f" Several fields: repeat the parameter (`ordering=-{fields[0]}&ordering={fields[1]}`) or separate them "
            f"by commas (`ordering=-{fields[0]},{fields[1]}`)."
            if len(fields) > 1
            else ""
        )
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Order by {', '.join(fields)}; prefix '-' for descending.{several} "
                    f"Ties keep the default order ({default})."
                ),
                "schema": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 2 * len(fields),
                    "uniqueItems": True,
                    # A named enum (plan_api.schema.name_enums), whose descending values get names a generated
                    # client can use: ArticleOrdering.NUMBER_DESC rather than VALUE_3.
                    "items": {
                        "title": f"{view.queryset.model.__name__}Ordering",
                        "type": "string",
                        "enum": [*fields, *(f"-{f}" for f in fields)],
                        "x-enum-varnames": [*(f.upper() for f in fields), *(f"{f.upper()}_DESC" for f in fields)],
                    },
                },
                "style": "form",
                "explode": True,
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
