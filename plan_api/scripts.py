"""Which Chinese script a response is written in, and the conversion of a response's text into it.

The texts are stored as received: a traditional-character copy made by mechanical conversion from the simplified
original (so it has artefacts such as 關于, 制造, 干部). A client picks a script with `?script=` (a BCP 47 tag) or,
when that is absent, with `Accept-Language`:

    zh-Hant     the text as received (the default)
    zh-Hans     simplified, the script of the original publication (OpenCC t2s)
    zh-Hant-TW  traditional for Taiwan, converted from the simplified text (OpenCC t2s then s2tw)
    zh-Hant-HK  traditional for Hong Kong, converted from the simplified text (OpenCC t2s then s2hk)

The regional forms go through the simplified text because OpenCC's simplified-to-traditional conversion works
on phrases: 制造业 becomes 製造業 and 干部 becomes 幹部, where the received copy has the wrong characters.
They use s2tw and s2hk (character forms), not s2twp (which would also swap vocabulary, 信息 → 資訊): the words
stay the plan's own.

Only human text is converted. Identifiers and URLs never change with the script: a value is left alone when
its key is in IDENTIFIER_KEYS. `convert_data(data, script)` is the one step every output (JSON, CSV, NDJSON,
the data package) goes through.
"""

import re
from functools import lru_cache
from itertools import zip_longest

import opencc
from django.utils.translation.trans_real import parse_accept_lang_header

DEFAULT_SCRIPT = "zh-Hant"
SCRIPTS = {
    "zh-Hant": "the text as received (traditional characters, mechanically converted)",
    "zh-Hans": "simplified characters, the script of the original publication",
    "zh-Hant-TW": "traditional characters as used in Taiwan, converted from the simplified text",
    "zh-Hant-HK": "traditional characters as used in Hong Kong, converted from the simplified text",
}
SCRIPT_PARAM = "script"
# OpenCC configurations applied in turn to the received text.
_CONVERSIONS = {
    "zh-Hant": (),
    "zh-Hans": ("t2s",),
    "zh-Hant-TW": ("t2s", "s2tw"),
    "zh-Hant-HK": ("t2s", "s2hk"),
}
# Keys whose values are identifiers, codes or URLs, in any response of the API: never converted.
IDENTIFIER_KEYS = frozenset({
    "url", "next", "previous", "links", "path", "slug", "plan", "kind", "place", "version", "sha256", "hash",
    "filename", "script", "format", "type", "license", "as_received",
})  # fmt: skip


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


@lru_cache(maxsize=None)
def _converter(config):
    return opencc.OpenCC(config)


def converter(script):
    """A function str -> str that writes received text in `script`."""
    steps = [_converter(config) for config in _CONVERSIONS[script]]
    if not steps:
        return _identity

    def run(text):
        for step in steps:
            text = step.convert(text)
        return text

    def convert(text):
        return _convert_marked(text, run) if "<mark>" in text else run(text)

    return convert


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


def _identity(text):
    return text


def convert_text(text, script):
    return converter(script)(text)


def convert_data(data, script, *, skip=IDENTIFIER_KEYS):
    """Convert every human-text string in a response's data (dicts, lists, strings), leaving identifiers alone."""
    convert = converter(script)
    if convert is _identity:
        return data
    return _walk(data, convert, skip)


def _walk(value, convert, skip):
    if isinstance(value, str):
        return convert(value) if not value.isascii() else value
    if isinstance(value, dict):
        return {key: (item if key in skip else _walk(item, convert, skip)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(item, convert, skip) for item in value]
    return value
