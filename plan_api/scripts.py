"""Which Chinese script a response is written in, and the conversion of a response's data into it.

A client picks a script (see plantext.scripts for the four, and why the regional ones go through simplified
characters) with `?script=` (a BCP 47 tag) or, when that is absent, with `Accept-Language`.

Only human text is converted. Identifiers and URLs never change with the script: a value is left alone when
its key is in IDENTIFIER_KEYS. `convert_data(data, script)` is the one step every output (JSON, CSV, NDJSON,
the data package) goes through.
"""

import re
from itertools import zip_longest

from django.utils.translation.trans_real import parse_accept_lang_header

from plantext.scripts import CONVERSIONS, DEFAULT_SCRIPT, SCRIPTS, converter

SCRIPT_PARAM = "script"
# Keys whose values are identifiers, codes or URLs, in any response of the API: never converted.
IDENTIFIER_KEYS = frozenset(
    {
        "url",
        "next",
        "previous",
        "links",
        "path",
        "slug",
        "plan",
        "kind",
        "place",
        "version",
        "sha256",
        "hash",
        "filename",
        "script",
        "format",
        "type",
        "license",
        "as_received",
    }
)


class UnknownScript(ValueError):
    pass


def parse_script(value):
    """The canonical tag for a `script` value (case-insensitive, `_` accepted for `-`); UnknownScript if none."""
    wanted = value.strip().replace("_", "-").lower()
    for tag in SCRIPTS:
        if tag.lower() == wanted:
            return tag
    raise UnknownScript(f"unknown script {value[:50]!r}; use one of {', '.join(SCRIPTS)}")


def script_for_language(tag):
    """The script for one Accept-Language tag, or None when the tag is not Chinese."""
    subtags = tag.lower().replace("_", "-").split("-")
    if subtags[0] != "zh":
        return None
    rest = set(subtags[1:])
    if rest & {"cn", "sg", "hans"}:
        return "zh-Hans"
    if "tw" in rest:
        return "zh-Hant-TW"
    if rest & {"hk", "mo"}:
        return "zh-Hant-HK"
    return DEFAULT_SCRIPT


def script_from_accept_language(header):
    """The script for an Accept-Language header: its most preferred Chinese tag decides; no Chinese tag, zh-Hant."""
    for tag, _quality in parse_accept_lang_header(header or ""):
        script = script_for_language(tag)
        if script:
            return script
    return DEFAULT_SCRIPT


def negotiate_script(query_value, accept_language):
    """The script for a request: `?script=` if given (UnknownScript if bad), else Accept-Language."""
    if query_value is not None:
        return parse_script(query_value)
    return script_from_accept_language(accept_language)


def script_of_request(request, *, strict=False):
    """The script a Django or DRF request asks for; with strict=False a bad `script` falls back to the default."""
    cached = getattr(request, "_plan_api_script", None)
    if cached:
        return cached
    try:
        script = negotiate_script(request.GET.get(SCRIPT_PARAM), request.META.get("HTTP_ACCEPT_LANGUAGE"))
    except UnknownScript:
        if strict:
            raise
        return DEFAULT_SCRIPT
    request._plan_api_script = script
    return script


def response_converter(script):
    """A function str -> str that writes received text in `script`, keeping a search snippet's <mark> tags."""
    convert = converter(script)
    if not CONVERSIONS[script]:
        return convert

    def convert_marked_or_plain(text):
        return _convert_marked(text, convert) if "<mark>" in text else convert(text)

    return convert_marked_or_plain


MARK_TAG = re.compile(r"</?mark>")


def _convert_marked(text, run):
    """Convert a search snippet as one text, then put its <mark> tags back where they were.

    Converting around the tags would split phrases: OpenCC turns 制造业 into 製造業, but 制<mark>造业 into
    制<mark>造業. The conversions keep the text's length almost always; where one does not, the tags' offsets
    would no longer hold, and the text is converted around them instead.
    """
    pieces, tags = MARK_TAG.split(text), MARK_TAG.findall(text)
    plain = "".join(pieces)
    converted = run(plain)
    if len(converted) != len(plain):
        return run(text)
    out, start = [], 0
    for piece, tag in zip_longest(pieces, tags, fillvalue=""):
        out.append(converted[start : start + len(piece)])
        out.append(tag)
        start += len(piece)
    return "".join(out)


def convert_data(data, script, *, skip=IDENTIFIER_KEYS):
    """Convert every human-text string in a response's data (dicts, lists, strings), leaving identifiers alone."""
    if not CONVERSIONS[script]:
        return data
    return _walk(data, response_converter(script), skip)


def _walk(value, convert, skip):
    if isinstance(value, str):
        return convert(value) if not value.isascii() else value
    if isinstance(value, dict):
        return {key: (item if key in skip else _walk(item, convert, skip)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(item, convert, skip) for item in value]
    return value
