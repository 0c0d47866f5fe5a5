"""The API's output formats: JSON (default), CSV, NDJSON and Excel, each written in the script the request asked for.

Every renderer passes the response data through `plan_api.scripts.convert_data` first, so any DRF view that
uses the default renderers honours `?script=` and Accept-Language. Error responses (4xx, 5xx) are always JSON
problem details, whatever format was asked for.

CSV (RFC 4180: CRLF line ends, fields quoted when needed; UTF-8 with a byte-order mark so that Excel reads the
Chinese text correctly) has one row per object, and flattens nesting thus:

    nested object          one column per field, named parent.field (chapter.number, chapter.title);
                           a nested object's `url` is left out (the row's own `url` stays)
    list of strings        the strings joined by a newline, inside one quoted cell (paragraphs, targets)
    list of numbers        joined by ";" (article_numbers: 1;2;3)
    list of objects        each object's identifier joined by ";", followed by ":count" when it has a count:
                           principles 3;4, initiatives on an article slug:count;…, mentions article:count;…
                           (a mention outside the articles is written as its place: "preamble:1", "chapter 3:2")
    null                   an empty cell; true/false as "true"/"false"

NDJSON (`application/x-ndjson`) has one JSON object per line, unflattened, exactly as in the JSON `results`.

Excel (`?format=xlsx`, an .xlsx workbook written by openpyxl) has one sheet with the CSV's header and rows, cell
for cell; only numbers are stored as numbers, so that a spreadsheet can sum and sort them, and every text is
stored as text (a cell beginning with `=` is never a formula).

On a collection all three are written whole (see plan_api.export), not paginated.

Every CSV of the API — collections, search results, terms and the data package's tables — is written by
csv_lines(), which writes each cell exactly as the text has it: a cell that begins with `=`, `+`, `-`, `@` or a
tab is not prefixed or altered for spreadsheets (see README, "For data journalists", for why and how to open
such a file safely).
"""

import codecs
import csv
import io
import json
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rest_framework import renderers
from rest_framework.serializers import BaseSerializer, ListSerializer

from plan_api.scripts import DEFAULT_SCRIPT, convert_data, script_of_request

BOM = codecs.BOM_UTF8.decode("utf-8")
CSV_MEDIA_TYPE = "text/csv"
NDJSON_MEDIA_TYPE = "application/x-ndjson"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The spreadsheet formats: one cell per value (no HTML, no nesting), downloaded as a file named for what it holds
# (NDJSON is read as a stream, not saved).
SPREADSHEET_FORMATS = ("csv", "xlsx")


def request_script(renderer_context):
    request = (renderer_context or {}).get("request")
    return script_of_request(request) if request is not None else DEFAULT_SCRIPT


def _is_error(renderer_context):
    response = (renderer_context or {}).get("response")
    return response is not None and response.status_code >= 400


class ScriptJSONRenderer(renderers.JSONRenderer):
    """JSON, with the text in the requested script."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if not _is_error(renderer_context):
            data = convert_data(data, request_script(renderer_context))
        return super().render(data, accepted_media_type, renderer_context)


class _TabularRenderer(renderers.BaseRenderer):
    charset = "utf-8"
    # plan_api.export streams a whole collection through renderers that have this set.
    streams = True

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if _is_error(renderer_context):
            return ScriptJSONRenderer().render(data, accepted_media_type, renderer_context)
        data = convert_data(data, request_script(renderer_context))
        rows = data["results"] if isinstance(data, dict) and isinstance(data.get("results"), list) else data
        rows = rows if isinstance(rows, list) else [rows]
        _set_disposition(renderer_context, self.format)
        content = self.lines(rows)
        return b"".join(content) if self.charset is None else "".join(content).encode(self.charset)


class CSVRenderer(_TabularRenderer):
    media_type = CSV_MEDIA_TYPE
    format = "csv"

    def lines(self, rows, columns=None):
        """The CSV text of rows (dicts as in JSON), as an iterator of strings: BOM and header first."""
        rows = iter(rows)
        if columns is None:
            rows = [flatten(row) for row in rows]
            columns = list(dict.fromkeys(key for row in rows for key in row))
        else:
            rows = (flatten(row) for row in rows)
        return csv_lines(columns, ([cell(row.get(column)) for column in columns] for row in rows))


def csv_lines(header, rows):
    """Every CSV plan-api writes, line by line: a byte-order mark and the header, then one line per row of cells.

    RFC 4180 (CRLF, a cell quoted only when it holds a comma, a quote or a line break); each cell exactly as
    given, whatever it begins with (this module's docstring).
    """
    writer = _LineWriter()
    yield BOM + writer.line(header)
    for row in rows:
        yield writer.line(row)


class NDJSONRenderer(_TabularRenderer):
    media_type = NDJSON_MEDIA_TYPE
    format = "ndjson"

    def lines(self, rows, columns=None):
        for row in rows:
            yield json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


class XLSXRenderer(_TabularRenderer):
    """An Excel workbook with the CSV's columns and rows (see the module docstring).

    openpyxl directly rather than drf-excel: drf-excel takes its columns from the view's serializer and flattens
    nesting its own way (nested URLs kept, lists joined by ", "), so its sheet would not match the CSV, and it
    needs a view with get_serializer() (the terms list has none). A workbook is a zip, written at the end:
    `lines()` yields it as one chunk, in write-only mode so that memory stays one row wide until then.
    """

    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None  # binary

    def lines(self, rows, columns=None):
        if columns is None:
            rows = [flatten(row) for row in rows]
            columns = list(dict.fromkeys(key for row in rows for key in row))
        else:
            rows = (flatten(row) for row in rows)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        sheet.append(columns)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, row.get(column)) for column in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        yield buffer.getvalue()


def _xlsx_cell(sheet, value):
    """A number stays a number; anything else is the CSV's text for it, stored as text: openpyxl would take a
    text that begins with `=` for a formula, which a spreadsheet would run."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = cell(value)
    if not text.startswith("="):
        return text
    stored = WriteOnlyCell(sheet, value=text)
    stored.data_type = "s"
    return stored


class _LineWriter:
    """One csv.writer reused for every row: it writes RFC 4180 lines (CRLF, minimal quoting)."""

    def __init__(self):
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, dialect="excel")

    def line(self, values):
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(values)
        return self.buffer.getvalue()


def flatten(obj, prefix=""):
    """One CSV row (column -> value) from a JSON object, by the rules in this module's docstring."""
    row = {}
    for key, value in obj.items():
        if prefix and key == "url":
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            row[name] = join_list(value)
        else:
            row[name] = value
    return row


def join_list(values):
    if all(isinstance(value, str) for value in values):
        return "\n".join(values)
    return ";".join(_token(value) if isinstance(value, dict) else cell(value) for value in values)


def _token(obj):
    if obj.get("slug"):
        ident = obj["slug"]
    elif "number" in obj:
        ident = cell(obj["number"])
    elif "place" in obj:
        if obj.get("article"):
            ident = cell(obj["article"]["number"])
        elif obj.get("chapter"):
            ident = f"chapter {obj['chapter']['number']}"
        else:
            ident = obj["place"]
    else:
        ident = "|".join(cell(value) for value in obj.values() if not isinstance(value, (dict, list)))
    if "count" in obj:
        ident += f":{obj['count']}"
    return ident


def cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def serializer_columns(serializer, prefix=""):
    """The CSV columns of a serializer's output, known before any row (so an empty export still has a header)."""
    columns = []
    for name, field in serializer.fields.items():
        if prefix and name == "url":
            continue
        if isinstance(field, BaseSerializer) and not isinstance(field, ListSerializer):
            columns.extend(serializer_columns(field, f"{prefix}{name}."))
        else:
            columns.append(f"{prefix}{name}")
    return columns


def export_filename(request, extension):
    """plan-collection[-script].ext, e.g. tianjin-15th-fyp-proposals-articles.csv (ASCII: non-ASCII is %-encoded)."""
    parts = [part for part in request.path.strip("/").split("/") if part]
    name = "-".join(parts[3:] if len(parts) > 3 and parts[2] == "plans" else parts[2:]) or "api"
    script = script_of_request(request)
    suffix = "" if script == DEFAULT_SCRIPT else f"-{script}"
    return quote(f"{name}{suffix}.{extension}", safe="-_.")


def set_download_name(response, request, extension):
    """A CSV or Excel file downloads under a name that says what it holds (NDJSON is read as a stream, not saved)."""
    if extension in SPREADSHEET_FORMATS:
        response["Content-Disposition"] = f'attachment; filename="{export_filename(request, extension)}"'


def _set_disposition(renderer_context, extension):
    response = renderer_context.get("response") if renderer_context else None
    request = renderer_context.get("request") if renderer_context else None
    if response is not None and request is not None:
        set_download_name(response, request, extension)


class PlainTextRenderer(renderers.BaseRenderer):
    """Lets a client that sends `Accept: text/plain` reach a plain-text view instead of getting a 406.

    Such a view returns its text as an HttpResponse, so this renderer only ever renders error bodies: it
    writes them as JSON, and the exception handler labels them application/problem+json.
    """

    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, str):
            return data.encode(self.charset)
        return json.dumps(data, ensure_ascii=False).encode(self.charset)
