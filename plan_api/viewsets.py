from django.http import Http404
from rest_framework import viewsets
from rest_framework.exceptions import NotFound

from articles.models import Plan
from plan_api.export import ExportMixin


class PlanScopedViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only collection under /plans/{plan}/, looked up by the document's own number (or a slug).

    An unknown plan is a 404 for the list as well as for the detail, not an empty list.
    """

    lookup_field = "number"
    lookup_value_regex = "[^/]+"
    noun = "object"

    def get_plan(self):
        if not hasattr(self, "_plan"):
            slug = self.kwargs["plan"]
            self._plan = Plan.objects.filter(slug=slug).only("id", "slug").first()
            if self._plan is None:
                raise NotFound(f"No plan with slug {slug!r}.")
        return self._plan

    def get_queryset(self):
        return super().get_queryset().filter(plan=self.get_plan())

    def get_object(self):
        value = self.kwargs[self.lookup_field]
        if self.lookup_field == "number" and not (value.isascii() and value.isdigit() and len(value) < 6):
            raise NotFound(f"No {self.noun} {value!r} in plan {self.kwargs['plan']!r}: {self.noun}s are numbered 1, 2, 3 …")
        self.get_plan()  # an unknown plan is reported as such, before the object is looked up
        try:
            return super().get_object()
        except Http404:  # get_object_or_404 raises Django's Http404
            raise NotFound(f"No {self.noun} {value!r} in plan {self.kwargs['plan']!r}.") from None
