from django.utils.cache import patch_vary_headers

from plan_api.exceptions import problem
from plan_api.scripts import script_of_request


class RejectMalformedQueryMiddleware:
    """Answer 400 to a request whose path or query holds a NUL byte.

    PostgreSQL refuses NUL bytes in text, so such a value would otherwise reach the database as an error.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return problem(400, "The path contains a NUL byte.")
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return problem(400, f"Query parameter {name!r} contains a NUL byte.", errors={name: ["contains a NUL byte"]})
        return self.get_response(request)


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
