"""Prepare a plan's most asked-for responses when it is loaded (plan_api.prepared says how they are served).

For the plan's own detail and each of its collections — chapters, articles, principles, goals, initiatives —
this renders:

- every object's detail;
- every page of the collection as it is paged by default, and its CSV and NDJSON exports;
- the list for each value of the facets that select a part of the plan (FACETS: the articles of a chapter, the
  goals of a horizon, the initiatives of a kind or a chapter);
- the plan's term list and source text;

each in every script, asked for either way: `?script=` (all four tags) or Accept-Language (one tag for each of the
three scripts other than the default), besides the bare request. Anything else (another page size, an ordering,
two filters together, an Excel workbook, the data package) is answered by its view, as before.
"""

import json
import re

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.db.models import F
from django.urls import reverse
from django.utils.module_loading import import_string

from articles.loader import LoadError
from articles.models import Article, Chapter
from indicators.models import Goal, Initiative, Mention, Principle
from plan_api.canonical import canonical_request
from plan_api.models import PreparedResponse
from plan_api.pagination import PageNumberPagination
from plan_api.prepared import PLACEHOLDER_ORIGIN, PreparingRequest, prepared_key
from plan_api.response_cache import version_of
from plantext.scripts import DEFAULT_SCRIPT, SCRIPTS

# An Accept-Language that picks each script other than the default (plan_api.scripts.script_for_language).
ACCEPT_LANGUAGES = {"zh-Hans": "zh-CN", "zh-Hant-TW": "zh-TW", "zh-Hant-HK": "zh-HK"}
API_VERSION = "v1"
EXPORTS = ("csv", "ndjson")
BATCH = 200
# A URL with a query string in a body (a page's next and previous links): the body shows how it was asked for.
_LINK_WITH_QUERY = re.compile(re.escape(PLACEHOLDER_ORIGIN).encode() + rb"[^\s\",]*\?")


class PrepareError(LoadError):
    """A view did not answer 200 to a request the loader prepares: the load is rolled back."""


def prepare_plan(plan):
    """Replace the plan's prepared responses with new ones (in the caller's transaction); return how many."""
    PreparedResponse.objects.filter(plan=plan.slug).delete()
    if not settings.PREPARE_ON_LOAD:
        return 0
    handler = BaseHandler()
    handler.load_middleware()
    # Read here, in the loader's transaction (the cache's copy is not yet current), by the selector the response
    # cache keys on.
    versions = import_string(settings.DATASET_VERSIONS)()
    rows = []
    for path, query in plan_requests(plan):
        version, _ = version_of(path, versions)
        for script in SCRIPTS:
            rows.extend(_prepare(handler, plan, version, path, query, script))
    return len(PreparedResponse.objects.bulk_create(rows, batch_size=BATCH))


def _prepare(handler, plan, version, path, query, script):
    """The rows for one request in one script, asked for each way: by `?script=` and by its other form (the bare
    request for the default script, Accept-Language for the others). The other form is rendered only when the
    body shows how it was asked for; otherwise it gets the same bytes."""
    first = (_join(query, "" if script == DEFAULT_SCRIPT else f"script={script}"), None)
    other = (_join(query, f"script={script}"), None) if script == DEFAULT_SCRIPT else (query, ACCEPT_LANGUAGES[script])
    row = _render(handler, plan, version, path, *first)
    if row is None:
        return []
    if _LINK_WITH_QUERY.search(row.body):
        again = _render(handler, plan, version, path, *other)
        return [row, again] if again is not None else [row]
    request = PreparingRequest(path, *other)
    return [row, _row(plan, version, request, row.headers, row.body, row.streamed)]


def _join(*queries):
    return "&".join(query for query in queries if query)


def _render(handler, plan, version, path, query, accept_language):
    request = PreparingRequest(path, query, accept_language)
    response = handler.get_response(request)
    if response.status_code != 200:
        raise PrepareError(f"preparing {path}?{query}: the view answered {response.status_code}")
    if request.captured is None:
        return None  # not a response the response cache would keep either
    headers, body, streamed = request.captured
    return _row(plan, version, request, json.dumps(headers, ensure_ascii=False), body, streamed)


def _row(plan, version, request, headers, body, streamed):
    return PreparedResponse(
        key=prepared_key(version, request.path, canonical_request(request)),
        plan=plan.slug,
        path=request.path,
        query=request.META["QUERY_STRING"],
        accept_language=request.META.get("HTTP_ACCEPT_LANGUAGE", ""),
        headers=headers,
        body=body,
        streamed=streamed,
    )


# The filters whose every value selects a part of the plan: (collection, parameter) -> the values in the plan.
FACETS = {
    ("articles", "chapter"): lambda plan: Chapter.objects.filter(plan=plan).values_list("number", flat=True),
    ("goals", "horizon"): lambda plan: Goal.objects.filter(plan=plan).values_list("horizon", flat=True),
    ("initiatives", "kind"): lambda plan: Initiative.objects.filter(plan=plan).values_list("kind", flat=True),
    ("initiatives", "chapter"): lambda plan: (
        Mention.objects.filter(initiative__plan=plan).exclude(chapter=None).values_list(F("chapter__number"), flat=True)
    ),
}
COLLECTIONS = {
    "chapters": (Chapter, "number"),
    "articles": (Article, "number"),
    "principles": (Principle, "number"),
    "goals": (Goal, "number"),
    "initiatives": (Initiative, "slug"),
}


def plan_requests(plan):
    """(path, query) of every request prepared for the plan (the module docstring lists them)."""
    slug = plan.slug
    yield _path("plan-detail", plan=slug), ""
    yield _path("plan-source", plan=slug), ""
    yield _path("term-list", plan=slug), ""
    page_size = PageNumberPagination.page_size
    for collection, (model, lookup) in COLLECTIONS.items():
        view = collection[:-1]
        list_path = _path(f"{view}-list", plan=slug)
        lookups = list(model.objects.filter(plan=plan).values_list(lookup, flat=True))
        yield list_path, ""
        for page in range(2, (len(lookups) - 1) // page_size + 2):
            yield list_path, f"page={page}"
        for export in EXPORTS:
            yield list_path, f"format={export}"
        for value in lookups:
            yield _path(f"{view}-detail", plan=slug, **{lookup: value}), ""
    for (collection, parameter), values in FACETS.items():
        list_path = _path(f"{collection[:-1]}-list", plan=slug)
        for value in sorted(set(values(plan))):
            yield list_path, f"{parameter}={value}"


def _path(name, **kwargs):
    return reverse(name, kwargs={"version": API_VERSION, **kwargs})
