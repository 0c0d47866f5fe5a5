"""The readiness check: plan-api can serve once its database answers and a plan is loaded."""

from django.conf import settings
from django.db import DatabaseError
from django.http import JsonResponse

from articles.models import Plan
from plan_api.exceptions import database_unavailable, is_database_unavailable, problem
from plan_api.views import get_or_head


@get_or_head
def readyz(request):
    """Readiness: the database answers and at least one plan is loaded. 503 otherwise; never throttled."""
    try:
        plans = Plan.objects.count()
    except DatabaseError as exc:
        if not is_database_unavailable(exc):
            raise
        return database_unavailable()
    if plans == 0:
        return problem(
            503,
            "No plan is loaded yet.",
            headers={"Retry-After": str(settings.DATABASE_RETRY_AFTER), "Cache-Control": "no-store"},
        )
    return JsonResponse({"status": "ok", "database": "ok", "plans": plans}, headers={"Cache-Control": "no-store"})
