"""One error shape for every 4xx and 5xx: RFC 9457 problem details (plan_api/problems.py), served as
application/problem+json, from views, middleware and URL routing."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler as drf_exception_handler

from plan_api.problems import PROBLEM_CONTENT_TYPE, problem_body


def problem(status, detail, *, errors=None, headers=None):
    """A JsonResponse in the problem-details shape, for code outside DRF views (middleware, URL routing)."""
    response = JsonResponse(
        problem_body(status, detail, errors=errors),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},  # as DRF writes JSON
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_database_unavailable(exc):
    """The database cannot be reached, dropped the connection, or did not answer within the statement timeout."""
    return isinstance(exc, (OperationalError, InterfaceError))


def database_unavailable():
    """503 with Retry-After: the client may try again shortly; nothing is wrong with its request."""
    return problem(
        503,
        "The database is unavailable or did not answer in time; please retry shortly.",
        headers={"Retry-After": str(settings.DATABASE_RETRY_AFTER), "Cache-Control": "no-store"},
    )


def exception_handler(exc, context):
    if is_database_unavailable(exc):
        return database_unavailable()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        first = next(iter(errors.items()), None)
        detail = f"Invalid {first[0]}: {first[1][0]}" if first else "Invalid request."
        response.data = problem_body(response.status_code, detail, errors=errors)
    else:
        response.data = problem_body(response.status_code, str(exc.detail))
    response.content_type = PROBLEM_CONTENT_TYPE
    # Render the problem as JSON whatever renderer the view negotiated: the schema view would write
    # it as YAML and the Swagger UI view as an HTML template, each labelled application/problem+json.
    request = context.get("request")
    if request is not None:
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), PROBLEM_CONTENT_TYPE
    return response


def _field_errors(detail):
    if isinstance(detail, dict):
        return {str(key): [str(message) for message in _flatten(value)] for key, value in detail.items()}
    return {"non_field_errors": [str(message) for message in _flatten(detail)]}


def _flatten(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    else:
        yield value
