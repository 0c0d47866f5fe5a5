"""The plan page's downloads, each with its size in bytes: the very bytes its link returns.

Each size is measured by running the API view the link points to, in process, on a copy of the page's request
(same host and scheme, so the same absolute URLs in the rows; the page's script), without throttling: a page
view is one request of the reader's, not twenty. The page is then kept by the response cache like any other,
so this runs once per plan version and script, not on every view of the page.
"""

import copy
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse

from articles.api.views import ChapterViewSet, plan_source
from indicators.api.views import ArticleViewSet, GoalViewSet, InitiativeViewSet, PrincipleViewSet
from opendata.api.views import datapackage_view, term_list_view
from plan_api.scripts import DEFAULT_SCRIPT, SCRIPT_PARAM

# (name, route, view) for each collection, in the plan page's order; every one has CSV, Excel and NDJSON.
COLLECTIONS = (
    ("chapters", "chapter-list", ChapterViewSet.as_view({"get": "list"}, throttle_classes=())),
    ("articles", "article-list", ArticleViewSet.as_view({"get": "list"}, throttle_classes=())),
    ("principles", "principle-list", PrincipleViewSet.as_view({"get": "list"}, throttle_classes=())),
    ("goals", "goal-list", GoalViewSet.as_view({"get": "list"}, throttle_classes=())),
    ("initiatives", "initiative-list", InitiativeViewSet.as_view({"get": "list"}, throttle_classes=())),
    ("terms", "term-list", term_list_view.cls.as_view(throttle_classes=())),
)
FORMATS = ("csv", "xlsx", "ndjson")
SOURCE_VIEW = plan_source.cls.as_view(throttle_classes=())
DATAPACKAGE_VIEW = datapackage_view.cls.as_view(throttle_classes=())
# The sizes this process measured or read last: a few plan versions × four scripts × the hosts it answers to.
_measured = OrderedDict()
MEASURED_KEPT = 64


@dataclass(frozen=True)
class Download:
    name: str  # chapters, articles, …, source, datapackage
    format: str  # csv, xlsx, ndjson, txt, zip
    url: str  # the API's URL, relative to the site
    size: int  # bytes


def plan_downloads(request, plan, script):
    """Every download of a plan, in the page's script (the source text is always as received)."""
    key = f"downloads:{plan.slug}:{plan.version}:{plan.updated_at.timestamp()}:{script}:{request.scheme}:{request.get_host()}"
    downloads = _measured.get(key) or _cache_get(key)
    if downloads is None:
        downloads = measure_downloads(request, plan.slug, script)
        _cache_set(key, downloads)
    _measured[key] = downloads
    _measured.move_to_end(key)
    while len(_measured) > MEASURED_KEPT:
        _measured.popitem(last=False)
    return downloads


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # a cache away (Redis down) is a miss: measure again
        return None


def _cache_set(key, value):
    try:
        cache.set(key, value, settings.RESPONSE_CACHE_TIMEOUT)
    except Exception:  # as above: the page is still served
        pass


def measure_downloads(request, plan_slug, script):
    """Run every download's view and measure its bytes (see the module docstring)."""
    kwargs = {"version": "v1", "plan": plan_slug}
    downloads = [_download(request, "source", "txt", reverse("plan-source", kwargs=kwargs), SOURCE_VIEW, kwargs, {})]
    for name, route, view in COLLECTIONS:
        for format_ in FORMATS:
            query = {"format": format_, **_script(script)}
            downloads.append(_download(request, name, format_, reverse(route, kwargs=kwargs), view, kwargs, query))
    url = reverse("plan-datapackage", kwargs=kwargs)
    downloads.append(_download(request, "datapackage", "zip", url, DATAPACKAGE_VIEW, kwargs, _script(script)))
    return downloads


def _script(script):
    return {} if script == DEFAULT_SCRIPT else {SCRIPT_PARAM: script}


def _download(request, name, format_, path, view, kwargs, query):
    inner = copy.copy(request)
    inner.path = inner.path_info = path
    inner.GET = QueryDict(mutable=True)
    inner.GET.update(query)
    inner.GET._mutable = False
    inner.META = {**request.META, "QUERY_STRING": inner.GET.urlencode(), "HTTP_ACCEPT": "*/*"}
    for cached in ("_plan_api_script", "_accept", "accepted_types"):
        inner.__dict__.pop(cached, None)
    response = view(inner, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200:
        raise RuntimeError(f"{path}?{inner.GET.urlencode()} answered {response.status_code}")
    size = sum(len(chunk) for chunk in response.streaming_content) if response.streaming else len(response.content)
    url = path + (f"?{inner.GET.urlencode()}" if query else "")
    return Download(name, format_, url, size)
