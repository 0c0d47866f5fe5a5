"""What a GET asks for, in canonical form: the representation it negotiates and the query parameters its view
recognises.

Two requests that ask for the same thing in different words — `Accept: */*`, no Accept or
`Accept: application/json`; `Accept-Language: zh-CN` or `zh-SG`; parameters in another order, `script=zh-hans`
for `script=zh-Hans`, or with a parameter the view never reads — have one canonical form. The response cache
(plan_api.response_cache) keys on it, and pagination links (plan_api.pagination) are built from the same canonical
parameters, so that equal keys always mean equal bytes.

What a view recognises is derived from the view itself, without importing any app (plan_api is below them):

- `format` and `script`, which every view negotiates (plan_api.negotiation);
- its pagination class's page parameters (on a list);
- each filter backend's: a FilterSet's filters, OrderingFilter's `ordering`, DRF's SearchFilter's `search`, or
  whatever a backend's own `recognised_parameters(view_class)` says (search's `q` backend does);
- and a `query_parameters` attribute for what a view reads by itself: on the class, or on a function view
  through the @query_parameters decorator.

A view none of this can describe (a plain Django view without `query_parameters`, a filter backend of unknown
kind) is taken to read every parameter and the raw Accept and Accept-Language headers.
"""

import functools
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import Http404
from django.urls import Resolver404, resolve
from django.utils.http import parse_header_parameters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import APIException
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from plan_api.scripts import SCRIPT_PARAM, UnknownScript, parse_script, script_of_request

EVERY = None  # a view that may read any parameter


def query_parameters(*names):
    """Declare the query parameters a function view reads itself (`format` and `script` go without saying)."""

    def declare(view):
        view.query_parameters = frozenset(names)
        return view

    return declare


@functools.cache
def recognised_parameters(view_class, action=None, declared=None):
    """The names of the query parameters a DRF view class reads for `action` (a viewset's, or None), or EVERY."""
    names = {api_settings.URL_FORMAT_OVERRIDE, SCRIPT_PARAM}
    names |= set(declared if declared is not None else getattr(view_class, "query_parameters", ()))
    paginator = getattr(view_class, "pagination_class", None)
    if paginator is not None and action in (None, "list"):  # a detail is never paginated
        names |= {name for name in (paginator.page_query_param, paginator.page_size_query_param) if name}
    for backend in getattr(view_class, "filter_backends", ()):
        more = _backend_parameters(backend, view_class)
        if more is EVERY:
            return EVERY
        names |= more
    return frozenset(names)


def view_parameters(view):
    """recognised_parameters() of a view instance (a paginator's view)."""
    return recognised_parameters(type(view), getattr(view, "action", None))


def _backend_parameters(backend, view_class):
    own = getattr(backend, "recognised_parameters", None)
    if own is not None:
        return set(own(view_class))
    if issubclass(backend, DjangoFilterBackend):
        return _filterset_parameters(view_class)
    if issubclass(backend, OrderingFilter):
        return {backend.ordering_param}
    if issubclass(backend, SearchFilter):
        return {backend.search_param}
    return EVERY


def _filterset_parameters(view_class):
    filterset = getattr(view_class, "filterset_class", None)
    if filterset is None:
        fields = getattr(view_class, "filterset_fields", None) or ()
        return set(fields) if isinstance(fields, (list, tuple)) else EVERY
    names = set()
    for name, declared in filterset.base_filters.items():
        suffixes = getattr(declared.field.widget, "suffixes", None)  # a range filter reads name_min, name_max
        names |= {f"{name}_{suffix}" if suffix else name for suffix in suffixes} if suffixes else {name}
    return names


def canonical_query(query, recognised):
    """[(name, value)] of the recognised parameters of a QueryDict, sorted by name; a repeated parameter keeps its
    values in the order given (the last may be the one used); `script` is written as its canonical tag."""
    items = []
    for name in sorted(query):
        if recognised is not EVERY and name not in recognised:
            continue
        for value in query.getlist(name):
            items.append((name, _canonical_script(value) if name == SCRIPT_PARAM else value))
    return items


def _canonical_script(value):
    try:
        return parse_script(value)
    except UnknownScript:
        return value


def canonical_media_type(accepted):
    """The media type DRF's negotiation accepted, without the client's `q` and with its parameters in order."""
    try:
        media_type, params = parse_header_parameters(accepted)
    except ValueError:
        return accepted
    params.pop("q", None)
    return ";".join([media_type.lower(), *(f"{key}={value}" for key, value in sorted(params.items()))])


@dataclass(frozen=True)
class CanonicalRequest:
    """A request in canonical form: what its response can depend on besides the path, host and data."""

    representation: str  # the negotiated format and media type, or the raw Accept of a view that says nothing
    script: str  # the negotiated script, or the raw Accept-Language of a view that says nothing
    query: str  # the recognised parameters, urlencoded
    # The view's throttle classes: not part of the request's form, but what a response made without running the
    # view must still pass (plan_api.prepared).
    throttles: tuple = field(default=(), compare=False)

    def parts(self):
        return [self.representation, self.script, self.query]


# canonical_request() of recent requests, by what it reads of them; emptied when it holds MEMO_SIZE.
MEMO_SIZE = 4096
_memo = {}


def canonical_request(request):
    """The canonical form of a Django request, or None when no view answers it with a 200 as asked: the path
    resolves to no view, or the negotiation fails (the view will answer 400 or 406).

    It depends only on the path, the query string, Accept and Accept-Language (and the URLconf): a request
    asked again in the same words is not resolved and negotiated again.
    """
    meta = request.META
    asked = (
        request.path_info,
        meta.get("QUERY_STRING", ""),
        meta.get("HTTP_ACCEPT", ""),
        meta.get("HTTP_ACCEPT_LANGUAGE", ""),
        getattr(request, "urlconf", None),
    )
    try:
        return _memo[asked]
    except KeyError:
        pass
    canonical = _canonical_request(request)
    if len(_memo) >= MEMO_SIZE:
        _memo.clear()
    _memo[asked] = canonical
    return canonical


def _canonical_request(request):
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    declared = getattr(match.func, "query_parameters", None)
    if view_class is None or not issubclass(view_class, APIView):
        query = canonical_query(request.GET, declared)
        accept = request.META.get("HTTP_ACCEPT", "")
        return CanonicalRequest(
            f"raw:{accept}", f"raw:{request.META.get('HTTP_ACCEPT_LANGUAGE', '')}", urlencode(query)
        )
    actions = getattr(match.func, "actions", None) or {}
    action = actions.get(request.method.lower()) or actions.get("get")
    initkwargs = getattr(match.func, "initkwargs", None) or {}
    renderer_classes = initkwargs.get("renderer_classes", view_class.renderer_classes)
    negotiation_class = initkwargs.get("content_negotiation_class", view_class.content_negotiation_class)
    try:
        renderer, accepted = negotiation_class().select_renderer(
            Request(request), [renderer() for renderer in renderer_classes], match.kwargs.get("format")
        )
    except (APIException, Http404):
        return None
    recognised = recognised_parameters(view_class, action, declared)
    return CanonicalRequest(
        f"{renderer.format}:{canonical_media_type(accepted)}",
        script_of_request(request),
        urlencode(canonical_query(request.GET, recognised)),
        tuple(initkwargs.get("throttle_classes", view_class.throttle_classes)),
    )
