"""Errors for people and for programs: one answer per error, in the form the client asked for.

The API's URLs (under /api/) always answer problem details (application/problem+json). Elsewhere (the reading
site), a client that prefers HTML, as browsers say in their Accept header, gets a page for people in the site's
look, with the same status and message; any other client (curl's `*/*`, `application/json`) gets the problem
details. The page comes from the view that settings.HTML_ERROR_VIEW names, `view(request, status, detail)`,
because plan_api, below the apps, does not import them; with no view named, every error is problem details.
"""

import functools
import json

from django.conf import settings
from django.utils.module_loading import import_string

from plan_api.exceptions import database_unavailable, problem

API_PATH_PREFIX = "/api/"
# In order of preference when the client likes them equally (`*/*`): a program gets the problem details.
ERROR_MEDIA_TYPES = ["application/problem+json", "application/json", "text/html"]


def wants_html(request):
    """Whether this request should get its error as a page for people."""
    if not settings.HTML_ERROR_VIEW or request.path.startswith(API_PATH_PREFIX):
        return False
    try:
        return request.get_preferred_type(ERROR_MEDIA_TYPES) == "text/html"
    except ValueError:  # an Accept header too malformed to parse
        return False


@functools.cache
def _error_view(name):
    return import_string(name)


def error_response(request, status, detail, *, errors=None, headers=None):
    """The error as a page for people (see wants_html) or as problem details; `Vary: Accept` either way."""
    if wants_html(request):
        response = _error_view(settings.HTML_ERROR_VIEW)(request, status, detail)
        for name, value in (headers or {}).items():
            response[name] = value
    else:
        response = problem(status, detail, errors=errors, headers=headers)
    response["Vary"] = "Accept"
    return response


def unavailable_response(request):
    """The 503 for an unreachable database (Retry-After, no-store), as a page or as problem details."""
    response = database_unavailable()
    if not wants_html(request):
        return response
    headers = {name: response[name] for name in ("Retry-After", "Cache-Control")}
    return error_response(request, 503, json.loads(response.content)["detail"], headers=headers)
