"""OpenAPI post-processing: the error answers every operation can give, in the problem-details shape."""

PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details (application/problem+json).",
    "properties": {
        "type": {"type": "string", "description": "Always about:blank."},
        "title": {"type": "string", "description": "The HTTP status phrase."},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What is wrong, in plain words."},
        "errors": {
            "type": "object",
            "description": "For a 400: each offending parameter with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["type", "title", "status", "detail"],
}


def _problem(description):
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def add_problem_responses(result, generator, request, public):
    """Document 400, 404 and 406 where an operation can answer them (drf-spectacular postprocessing hook)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    for item in result["paths"].values():
        for operation in item.values():
            parameters = operation.get("parameters", [])
            responses = operation["responses"]
            if any(p["in"] == "query" and p["name"] != "format" for p in parameters):
                responses.setdefault("400", _problem("A query parameter is malformed or out of range."))
            if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
                responses.setdefault("404", _problem("No such plan, object or page."))
            responses.setdefault("406", _problem("None of the media types in the Accept header can be served."))
    return result
