"""Whole-collection exports: `?format=csv`, `ndjson` or `xlsx` (or the matching Accept) on a collection.

An export is not paginated: it streams every object of the filtered, ordered collection, reading the
database a chunk at a time (a server-side cursor; prefetches run per chunk), so memory stays constant
however large the collection.
"""

from django.http import HttpResponse, StreamingHttpResponse
from rest_framework.settings import api_settings

from plan_api.pagination import positive_int_param
from plan_api.renderers import serializer_columns, set_download_name
from plan_api.scripts import convert_data, script_of_request

EXPORT_CHUNK_SIZE = 100


def table_response(request, rows, *, columns):
    """A list of rows (dicts, as in JSON) written whole by the request's CSV, NDJSON or Excel renderer: labelled with its
    media type and a CSV's header row even when there are no rows, which DRF's Response would not do (it drops
    the Content-Type of an empty body). For short lists that are computed whole anyway (a plan's top terms)."""
    renderer = request.accepted_renderer
    script = script_of_request(request)
    chunks = list(renderer.lines((convert_data(row, script) for row in rows), columns=columns))
    if renderer.charset is None:  # an Excel workbook is binary
        response = HttpResponse(b"".join(chunks), content_type=renderer.media_type)
    else:
        response = HttpResponse(
            "".join(chunks).encode(renderer.charset), content_type=f"{renderer.media_type}; charset={renderer.charset}"
        )
    set_download_name(response, request, renderer.format)
    return response


class UrlRequest:
    """A request as URL building sees it: without `?format=`, which DRF's reverse() would otherwise copy into
    every object URL. Object URLs are identifiers: the same in every format and script."""

    def __init__(self, request):
        self._wrapped = request
        self.GET = request.GET.copy()
        self.GET.pop(api_settings.URL_FORMAT_OVERRIDE, None)

    def __getattr__(self, name):
        return getattr(self._wrapped, name)


class ExportMixin:
    """Add to a list view: a streaming renderer (CSV, NDJSON) gets the whole collection instead of a page."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["request"] = UrlRequest(context["request"])
        return context

    def list(self, request, *args, **kwargs):
        renderer = request.accepted_renderer
        if not getattr(renderer, "streams", False):
            return super().list(request, *args, **kwargs)
        self._check_page_parameters(request)
        queryset = self.filter_queryset(self.get_queryset())
        columns = serializer_columns(self.get_serializer())
        lines = renderer.lines(self._export_rows(queryset), columns=columns)
        charset = f"; charset={renderer.charset}" if renderer.charset else ""  # an Excel workbook is binary
        response = StreamingHttpResponse(lines, content_type=f"{renderer.media_type}{charset}")
        set_download_name(response, request, renderer.format)
        return response

    def _check_page_parameters(self, request):
        """An export ignores `page` and `page_size`, but a malformed one is still the 400 the schema promises."""
        paginator = self.paginator
        if paginator is not None:
            positive_int_param(request, paginator.page_query_param)
            positive_int_param(request, paginator.page_size_query_param, maximum=paginator.max_page_size)

    def _export_rows(self, queryset):
        script = script_of_request(self.request)
        chunk = []
        for obj in queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            chunk.append(obj)
            if len(chunk) == EXPORT_CHUNK_SIZE:
                yield from self._serialize(chunk, script)
                chunk = []
        if chunk:
            yield from self._serialize(chunk, script)

    def _serialize(self, objects, script):
        for item in self.get_serializer(objects, many=True).data:
            yield convert_data(item, script)
