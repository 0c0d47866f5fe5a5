"""What every collection under /plans/{plan}/ shares: finding the plan, and a 404 that names what is missing."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from articles.models import Plan
from plan_api.export import ExportMixin

PLAN_PARAMETER = OpenApiParameter("plan", str, OpenApiParameter.PATH, description="The plan's slug.")


def unknown_plan(slug):
    """The 404 for a plan slug that names no plan: one message wherever the API meets one."""
    return NotFound(f"No plan with slug {slug!r}.")


def plan_or_404(slug, plans=None):
    """The plan with this slug (from `plans`, by default only its id and slug), or the unknown-plan 404."""
    plan = (plans if plans is not None else Plan.objects.only("id", "slug")).filter(slug=slug).first()
    if plan is None:
        raise unknown_plan(slug)
    return plan


class PlanScopedViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only collection under /plans/{plan}/, looked up by the document's own number (or a slug).

    An unknown plan is a 404 for the list as well as for the detail, not an empty list.
    """

    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    noun = "object"

    def get_plan(self):
        if not hasattr(self, "_plan"):
            self._plan = plan_or_404(self.kwargs["plan"])
        return self._plan

    def get_queryset(self):
        return super().get_queryset().filter(plan=self.get_plan())

    def get_object(self):
        value = self.kwargs[self.lookup_field]
        if self.lookup_field == "number" and not (value.isascii() and value.isdigit() and len(value) < 6):
            raise NotFound(
                f"No {self.noun} {value!r} in plan {self.kwargs['plan']!r}: {self.noun}s are numbered 1, 2, 3 …"
            )
        self.get_plan()  # an unknown plan is reported as such, before the object is looked up
        try:
            return super().get_object()
        except Http404:  # get_object_or_404 raises Django's Http404
            raise NotFound(f"No {self.noun} {value!r} in plan {self.kwargs['plan']!r}.") from None
