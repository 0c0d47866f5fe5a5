from django.conf import settings
from django.db import DatabaseError

from plan_api.exceptions import database_unavailable, is_database_unavailable, problem


class RejectMalformedQueryMiddleware:
    """Answer 400 to a request whose path or query holds a NUL byte, or whose query is absurdly long.

    PostgreSQL refuses NUL bytes in text, so such a value would otherwise reach the database as an error.
    The length caps (MAX_QUERY_STRING_LENGTH, MAX_QUERY_VALUE_LENGTH) keep a search term or filter from
    costing the database more than a reader could mean.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return problem(400, "The path contains a NUL byte.")
        query_length = len(request.META.get("QUERY_STRING", ""))
        if query_length > settings.MAX_QUERY_STRING_LENGTH:
            return problem(
                414, f"The query string is {query_length} characters long; at most {settings.MAX_QUERY_STRING_LENGTH} are accepted."
            )
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return problem(400, f"Query parameter {name!r} contains a NUL byte.", errors={name: ["contains a NUL byte"]})
            if any(len(value) > settings.MAX_QUERY_VALUE_LENGTH for value in values):
                message = f"must be at most {settings.MAX_QUERY_VALUE_LENGTH} characters long"
                return problem(400, f"Invalid {name}: {message}", errors={name: [message]})
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
            return database_unavailable()
        return None
