"""The OpenAPI description of what every operation shares: the `script` parameter, Accept-Language,
Content-Language, the CSV and NDJSON bodies, and the error answers in the problem-details shape."""

from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiParameter

from plan_api.renderers import CSV_MEDIA_TYPE, NDJSON_MEDIA_TYPE
from plan_api.scripts import DEFAULT_SCRIPT, SCRIPT_PARAM, SCRIPTS

SCRIPT_DESCRIPTION = (
    "The script of the text in the response, a BCP 47 tag: "
    + "; ".join(f"`{tag}` {meaning}" for tag, meaning in SCRIPTS.items())
    + ". When absent, Accept-Language decides. Identifiers and URLs never change with the script."
)

SCRIPT_PARAMETER = OpenApiParameter(
    SCRIPT_PARAM, str, OpenApiParameter.QUERY, enum=list(SCRIPTS), description=SCRIPT_DESCRIPTION
)
ACCEPT_LANGUAGE_PARAMETER = OpenApiParameter(
    "Accept-Language",
    str,
    OpenApiParameter.HEADER,
    description="Chooses the script when `script` is absent: zh-CN, zh-SG, zh-Hans → zh-Hans; zh-TW → zh-Hant-TW; "
    "zh-HK, zh-MO → zh-Hant-HK; anything else → zh-Hant (the text as received).",
)
CONTENT_LANGUAGE_HEADER = OpenApiParameter(
    "Content-Language",
    type={"type": "string", "enum": list(SCRIPTS), "default": DEFAULT_SCRIPT},
    location=OpenApiParameter.HEADER,
    response=True,
    description="The script the response's text is written in.",
)

TEXT_BODIES = {
    CSV_MEDIA_TYPE: "CSV (RFC 4180, UTF-8 with a byte-order mark), one row per object; nested fields flattened "
    "(see README, 'For data journalists'). On a collection: the whole filtered collection, not paginated.",
    NDJSON_MEDIA_TYPE: "Newline-delimited JSON: one object per line, as in the JSON body. On a collection: the "
    "whole filtered collection, not paginated.",
}


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self):
        return [SCRIPT_PARAMETER, ACCEPT_LANGUAGE_PARAMETER, CONTENT_LANGUAGE_HEADER, *super().get_override_parameters()]

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, body in response.get("content", {}).items():
            if media_type in TEXT_BODIES:
                body["schema"] = {"type": "string", "description": TEXT_BODIES[media_type]}
        return response

    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            if parameter["name"] == "format" and "csv" in parameter["schema"].get("enum", []):
                parameter["description"] = (
                    "The response format (default json; also chosen by Accept). csv and ndjson on a collection "
                    "return the whole filtered collection, not a page."
                )
        return parameters



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
