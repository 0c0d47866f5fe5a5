"""The OpenAPI description of what every operation shares: the `script` parameter, Accept-Language,
Content-Language, the CSV, NDJSON and Excel bodies, and the error answers in the problem-details shape; and the
postprocessing that makes the document good for client generators (named enums, a plain version)."""

from django.conf import settings
from drf_spectacular import openapi
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import OpenApiParameter

from plan_api.renderers import CSV_MEDIA_TYPE, NDJSON_MEDIA_TYPE, XLSX_MEDIA_TYPE
from plan_api.scripts import DEFAULT_SCRIPT, SCRIPT_PARAM, SCRIPTS

SCRIPT_DESCRIPTION = (
    "The script of the text in the response, a BCP 47 tag: "
    + "; ".join(f"`{tag}` {meaning}" for tag, meaning in SCRIPTS.items())
    + ". When absent, Accept-Language decides. Identifiers and URLs never change with the script."
)

# A schema with a `title` is named: name_enums() makes it the component of that name, referenced wherever it occurs.
SCRIPT_SCHEMA = {"title": "Script", "type": "string", "enum": list(SCRIPTS)}
# The formats of every collection and object (DEFAULT_RENDERER_CLASSES); a view with other renderers (the source
# text) gets its own enum, named after its path.
FORMATS = ["csv", "json", "ndjson", "xlsx"]

SCRIPT_PARAMETER = OpenApiParameter(SCRIPT_PARAM, SCRIPT_SCHEMA, OpenApiParameter.QUERY, description=SCRIPT_DESCRIPTION)
ACCEPT_LANGUAGE_PARAMETER = OpenApiParameter(
    "Accept-Language",
    str,
    OpenApiParameter.HEADER,
    description="Chooses the script when `script` is absent: zh-CN, zh-SG, zh-Hans → zh-Hans; zh-TW → zh-Hant-TW; "
    "zh-HK, zh-MO → zh-Hant-HK; anything else → zh-Hant (the text as received).",
)
CONTENT_LANGUAGE_HEADER = OpenApiParameter(
    "Content-Language",
    type=SCRIPT_SCHEMA,
    location=OpenApiParameter.HEADER,
    response=True,
    description=f"The script the response's text is written in ({DEFAULT_SCRIPT} unless asked otherwise).",
)

TEXT_BODIES = {
    CSV_MEDIA_TYPE: "CSV (RFC 4180, UTF-8 with a byte-order mark), one row per object; nested fields flattened "
    "(see README, 'For data journalists'). On a collection: the whole filtered collection, not paginated.",
    NDJSON_MEDIA_TYPE: "Newline-delimited JSON: one object per line, as in the JSON body. On a collection: the "
    "whole filtered collection, not paginated.",
    XLSX_MEDIA_TYPE: "An Excel workbook (.xlsx) with one sheet holding the CSV's columns and rows; numbers as numbers. "
    "On a collection: the whole filtered collection, not paginated.",
}
BINARY_BODIES = {XLSX_MEDIA_TYPE}


class AutoSchema(openapi.AutoSchema):
    def get_override_parameters(self):
        return [
            SCRIPT_PARAMETER,
            ACCEPT_LANGUAGE_PARAMETER,
            CONTENT_LANGUAGE_HEADER,
            *super().get_override_parameters(),
        ]

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        response = super()._get_response_for_code(serializer, status_code, media_types, direction)
        for media_type, body in response.get("content", {}).items():
            if media_type in TEXT_BODIES:
                body["schema"] = {"type": "string", "description": TEXT_BODIES[media_type]}
                if media_type in BINARY_BODIES:
                    body["schema"]["contentMediaType"] = media_type  # OpenAPI 3.1's way to say "binary"
        return response

    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            if parameter["name"] != "format":
                continue
            formats = parameter["schema"]["enum"]
            if sorted(formats) == FORMATS:
                name = "Format"
                parameter["description"] = (
                    "The response format (default json; also chosen by Accept). csv, ndjson and xlsx (an Excel "
                    "workbook with the CSV's columns) on a collection return the whole filtered collection, not a page."
                )
            else:
                segment = next(part for part in reversed(self.path.split("/")) if part and not part.startswith("{"))
                name = f"{segment.title()}Format"
            parameter["schema"] = {"title": name, "type": "string", "enum": sorted(formats)}
        return parameters


PROBLEM_RESPONSES = {
    "400": "The request is malformed: a parameter is not valid (see `errors`), or a query value is too long.",
    "404": "No such object, plan or page.",
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

NO_NUL = "^[^\\u0000]*$"
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait before retrying."}}
CACHE_HEADERS = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "Strong validator: a hash of the dataset version and the response.",
    },
    "Last-Modified": {"schema": {"type": "string"}, "description": "When the plan data shown was loaded."},
    "Cache-Control": {"schema": {"type": "string"}, "description": "public, max-age=… (seconds)."},
}


def plain_version(result, generator, request, public):
    """`info.version` as set (1.0.0), without the " (v1)" drf-spectacular appends for a versioned request: a
    generated client takes it as its package version, which must be a valid one (PEP 440, semver)."""
    result["info"]["version"] = spectacular_settings.VERSION
    return result


def name_enums(result, generator, request, public):
    """One named component per enum that operations share, so that a generated client has one type for each.

    A parameter's or response header's enum with a `title` (the script, the format, each collection's
    ordering) becomes the component of that name, referenced wherever it occurs; an untitled one whose values are
    those of a component (a filter on a field the responses carry: an initiative's `kind`, a search result's
    `type`) refers to that component. Runs after drf-spectacular's postprocess_schema_enums, which names the
    enums of the responses.
    """
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    by_values = {frozenset(schema["enum"]): name for name, schema in schemas.items() if "enum" in schema}

    def named(schema):
        if not isinstance(schema, dict) or "enum" not in schema:
            return schema
        if "title" in schema:
            name, component = schema["title"], {key: value for key, value in schema.items() if key != "title"}
            if schemas.setdefault(name, component) != component:
                raise ValueError(f"two different enums are named {name}: {schemas[name]} and {component}")
        else:
            name = by_values.get(frozenset(schema["enum"]))
            if name is None:
                return schema
        return {"$ref": f"#/components/schemas/{name}"}

    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "array":
                    schema["items"] = named(schema.get("items"))
                else:
                    parameter["schema"] = named(schema)
            for response in operation.get("responses", {}).values():
                for header in response.get("headers", {}).values():
                    header["schema"] = named(header.get("schema"))
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result


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
                if schema.get("type") == "array" and parameter.get("in") == "query":
                    schema = schema.get("items", {})
                if parameter.get("in") in ("query", "path") and schema.get("type") == "string" and "enum" not in schema:
                    # RejectMalformedQueryMiddleware refuses NUL bytes anywhere in the path or the query.
                    schema.setdefault("pattern", NO_NUL)
                if parameter.get("in") == "query" and schema.get("type") == "string":
                    schema.setdefault("maxLength", settings.MAX_QUERY_VALUE_LENGTH)
            responses = operation.setdefault("responses", {})
            can_miss = any(p["in"] == "path" or p["name"] == "page" for p in operation.get("parameters", []))
            for status, description in PROBLEM_RESPONSES.items():
                if status == "404" and not can_miss:
                    continue
                response = responses.setdefault(status, {"description": description})
                response.setdefault("content", {}).update(problem)
                if status in ("429", "503"):
                    response.setdefault("headers", {}).update(RETRY_AFTER)
            responses.setdefault(
                "304", {"description": "Not modified: the client's copy (If-None-Match, If-Modified-Since) is current."}
            )
            for status, response in responses.items():
                if status.startswith("2"):
                    response.setdefault("headers", {}).update(CACHE_HEADERS)
    return result
