"""Project-wide views: the API docs page, the liveness check and JSON answers for errors raised outside DRF views."""

import functools
import sys

from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from plan_api.error_pages import error_response, unavailable_response
from plan_api.exceptions import is_database_unavailable, problem


# Both answer OPTIONS as every view does (200, Allow, their description in JSON: plan_api/negotiation.py); their
# docstrings are that description.
class SchemaView(SpectacularAPIView):
    """The OpenAPI 3.1 document of this API: YAML, or JSON with `?format=json`."""


class DocsView(SpectacularSwaggerView):
    """Swagger UI: the OpenAPI document of this API, browsable, with its assets served from here."""

    query_parameters = ("lang", "version")  # passed on to the schema's URL in the page

    @extend_schema(exclude=True)  # a page for people, not an operation of the API
    def get(self, request, *args, **kwargs):
        # The template asks for a CSRF token, which would set a cookie and `Vary: Cookie` and so keep the page out
        # of every cache. Swagger UI sends the token only with writes, and this API takes none: an empty one will do.
        response = super().get(request, *args, **kwargs)
        response.data["csrf_token"] = ""
        return response


def bad_request(request, exception=None):
    return error_response(request, 400, "Bad request.")


def permission_denied(request, exception=None):
    return error_response(request, 403, "You do not have permission to perform this action.")


def csrf_failure(request, reason=""):
    return problem(403, "The API is read-only; this request was refused.")


def not_found(request, exception=None):
    """An unknown URL, or an Http404 raised by a view outside DRF (the reading site) with its own message."""
    message = str(exception) if exception is not None and not isinstance(exception, Resolver404) else ""
    return error_response(
        request, 404, message or f"Nothing is published at {request.path!r}. See /api/v1/ for what is."
    )


def server_error(request):
    exception = sys.exc_info()[1]
    if exception is not None and is_database_unavailable(exception):
        return unavailable_response(request)
    return error_response(request, 500, "Internal server error. It has been logged; please try again later.")


def login_locked_out(request, response=None, credentials=None):
    """django-axes' answer to a login from a locked address or account (ADMIN_PATH): the API's 429 problem."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return problem(
        429,
        f"Too many failed logins; try again in {minutes} minutes.",
        headers={"Retry-After": str(minutes * 60), "Cache-Control": "no-store"},
    )


def get_or_head(view):
    """Let only GET and HEAD through; anything else is the API's 405 problem."""

    @functools.wraps(view)
    def wrapped(request):
        if request.method not in ("GET", "HEAD"):
            return problem(405, f"Method {request.method!r} not allowed.", headers={"Allow": "GET, HEAD"})
        return view(request)

    return csrf_exempt(wrapped)


@get_or_head
def healthz(request):
    """Liveness: the process answers. Touches neither the database nor the cache; never throttled."""
    return JsonResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})
