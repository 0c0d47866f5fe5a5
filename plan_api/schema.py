"""OpenAPI additions: the problem-details responses every operation can give."""

from django.conf import settings

PROBLEM_RESPONSES = {
    "400": "The request is malformed: a parameter is not valid (see `errors`), or a query value is too long.",
    "404": "No such object, plan or page.",
    "405": "The API is read-only: only GET, HEAD and OPTIONS are allowed.",
    "406": "None of the media types in `Accept` can be served.",
    "414": "The query string is too long.",
    "429": "Too many requests from this client; `Retry-After` says how many seconds to wait.",
    "503": "The database is unavailable or did not answer in time; `Retry-After` says when to try again.",
}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An RFC 9457 problem details object, served as application/problem+json.",
    "properties": {
        "type": {"type": "string", "description": "Always about:blank: `title` says what went wrong."},
        "title": {"type": "string", "description": "The HTTP status phrase."},
        "status": {"type": "integer", "description": "The HTTP status code."},
        "detail": {"type": "string", "description": "What went wrong, in words meant for a person."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "For invalid parameters: each parameter's messages.",
        },
    },
    "required": ["type", "title", "status", "detail"],
}

RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}
CACHE_HEADERS = {
    "ETag": {"schema": {"type": "string"}, "description": "Strong validator: a hash of the dataset version and the response."},
    "Last-Modified": {"schema": {"type": "string"}, "description": "When the plan data shown was loaded."},
    "Cache-Control": {"schema": {"type": "string"}, "description": "public, max-age=… (seconds)."},
}


def add_problem_responses(result, generator, request, public):
    """Document, on every operation, the problem responses that middleware, routing and throttling can give.

    Also documents the length cap on query values, the caching headers of successful responses and the bodiless 304 that answers a
    conditional request.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in ("get", "head"):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "string":
                    schema.setdefault("maxLength", settings.MAX_QUERY_VALUE_LENGTH)
            responses = operation.setdefault("responses", {})
            for status, description in PROBLEM_RESPONSES.items():
                response = responses.setdefault(status, {"description": description})
                response.setdefault("content", {}).update(problem)
                if status in ("429", "503"):
                    response.setdefault("headers", {}).update(RETRY_AFTER)
            responses.setdefault("304", {"description": "Not modified: the client's copy (If-None-Match, If-Modified-Since) is current."})
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(CACHE_HEADERS)
    return result
