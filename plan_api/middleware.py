from http import HTTPStatus

from django.conf import settings
from django.db import DatabaseError
from django.utils.cache import patch_vary_headers
from whitenoise.middleware import WhiteNoiseMiddleware

from plan_api.error_pages import error_response, unavailable_response
from plan_api.exceptions import is_database_unavailable, problem
from plan_api.scripts import script_of_request


class RejectMalformedQueryMiddleware:
    """Answer 400 to a request whose path or query holds a NUL byte, or whose query is absurdly long.

    PostgreSQL refuses NUL bytes in text, so such a value would otherwise reach the database as an error.
    The length caps (MAX_QUERY_STRING_LENGTH in bytes as sent, MAX_QUERY_VALUE_LENGTH in characters) keep a
    search term or filter from costing the database more than a reader could mean; plan_api/limits.py makes
    them agree with gunicorn's.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return error_response(request, 400, "The path contains a NUL byte.")
        query_length = len(request.META.get("QUERY_STRING", ""))
        if query_length > settings.MAX_QUERY_STRING_LENGTH:
            return error_response(
                request,
                414,
                f"The query string is {query_length} bytes long; at most {settings.MAX_QUERY_STRING_LENGTH} are accepted.",
            )
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return error_response(
                    request,
                    400,
                    f"Query parameter {name!r} contains a NUL byte.",
                    errors={name: ["contains a NUL byte"]},
                )
            longest = max((len(value) for value in values), default=0)
            if longest > settings.MAX_QUERY_VALUE_LENGTH:
                message = f"is {longest} characters long; at most {settings.MAX_QUERY_VALUE_LENGTH} are allowed"
                return error_response(request, 400, f"Invalid {name}: {message}", errors={name: [message]})
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After, not 500, when a view outside DRF finds the database unreachable.

    DRF views get the same answer from plan_api.exceptions.exception_handler.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError) and is_database_unavailable(exception):
            return unavailable_response(request)
        return None


class ContentLanguageMiddleware:
    """Say on every response which script its text is in (Content-Language) and that it varies on
    Accept-Language and Accept, so that caches keep the scripts and formats apart.

    A view that serves text in a fixed script (the source as received) sets Content-Language itself.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Content-Language"):
            response["Content-Language"] = script_of_request(request)
        patch_vary_headers(response, ("Accept", "Accept-Language"))
        return response


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise (the API docs' assets), with its errors in the problem shape like every other error.

    WhiteNoise answers a method other than GET and HEAD with a bodiless 405, and a Range beyond the file with a
    bodiless 416; they keep their status and their Allow or Content-Range, and get a problem body.
    """

    @staticmethod
    def serve(static_file, request):
        response = WhiteNoiseMiddleware.serve(static_file, request)
        if response.status_code < 400:
            return response
        response.close()
        status = response.status_code
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            detail = f"Method {request.method!r} not allowed: static files are read with GET or HEAD."
        elif status == HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE:
            detail = f"The range {request.headers.get('Range', '')[:100]!r} is not within the file."
        else:
            detail = f"{HTTPStatus(status).phrase}."
        kept = {name: response[name] for name in ("Allow", "Content-Range") if response.has_header(name)}
        return problem(status, detail, headers=kept)
