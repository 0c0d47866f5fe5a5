"""Pieces every serializer shares: absolute URLs built from the plan's slug and the document's numbering."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse


@extend_schema_field(OpenApiTypes.URI)
class PlanScopedUrlField(serializers.Field):
    """The absolute URL of an object that lives under a plan: /api/v1/plans/{plan}/{collection}/{lookup}/."""

    def __init__(self, view_name, lookup="number", **kwargs):
        self.view_name = view_name
        self.lookup = lookup
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj):
        kwargs = {"plan": obj.plan.slug, self.lookup: getattr(obj, self.lookup)}
        return reverse(self.view_name, kwargs=kwargs, request=self.context.get("request"))


class PlanSlugField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(source="plan.slug", read_only=True, help_text="The plan's slug.", **kwargs)
