from plan_api.exceptions import problem


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
