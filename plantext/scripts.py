"""The Chinese scripts a plan's text can be written in, and the conversion between them (OpenCC).

The texts are stored as received: a traditional-character copy made by mechanical conversion from the
simplified original, so they carry artefacts such as 關于, 制造, 干部. Four scripts are served:

    zh-Hant     the text as received (the default)
    zh-Hans     simplified, the script of the original publication (OpenCC t2s)
    zh-Hant-TW  traditional for Taiwan, converted from the simplified text (t2s then s2tw)
    zh-Hant-HK  traditional for Hong Kong, converted from the simplified text (t2s then s2hk)

The regional forms go through the simplified text because OpenCC's simplified-to-traditional conversion works
on phrases: 制造业 becomes 製造業 and 干部 becomes 幹部, where the received copy has the wrong characters.
They use s2tw and s2hk (character forms), not s2twp (which would also swap vocabulary, 信息 → 資訊): the words
stay the plan's own.

`normalize()` is the form that matching and counting compare: simplified, NFKC, lower case, one character for
one character, so that an offset in it points at the same character of the original.

Thread safety: an OpenCC converter is not documented as safe to share between threads, so every thread gets
its own converter for each configuration, made on first use and kept. No locks, no sharing.
"""

import threading
import unicodedata
from functools import lru_cache

import opencc

DEFAULT_SCRIPT = "zh-Hant"
SIMPLIFIED = "zh-Hans"
SCRIPTS = {
    "zh-Hant": "the text as received (traditional characters, mechanically converted)",
    "zh-Hans": "simplified characters, the script of the original publication",
    "zh-Hant-TW": "traditional characters as used in Taiwan, converted from the simplified text",
    "zh-Hant-HK": "traditional characters as used in Hong Kong, converted from the simplified text",
}
# OpenCC configurations applied in turn to the received text.
CONVERSIONS = {
    "zh-Hant": (),
    "zh-Hans": ("t2s",),
    "zh-Hant-TW": ("t2s", "s2tw"),
    "zh-Hant-HK": ("t2s", "s2hk"),
}
_local = threading.local()


def opencc_converter(config):
    """This thread's OpenCC converter for a configuration ("t2s", "s2tw", …)."""
    converters = _local.__dict__.setdefault("converters", {})
    found = converters.get(config)
    if found is None:
        found = converters[config] = opencc.OpenCC(config)
    return found


def _identity(text):
    return text


def converter(script):
    """A function str -> str that writes received text in `script` (KeyError for an unknown script)."""
    configs = CONVERSIONS[script]
    if not configs:
        return _identity

    def convert(text):
        for config in configs:
            text = opencc_converter(config).convert(text)
        return text

    return convert


def convert(text, script):
    """The received text written in `script`."""
    return converter(script)(text)


def to_simplified(text):
    """Any Chinese text (received, standard traditional or simplified) in simplified characters."""
    return opencc_converter("t2s").convert(text)


@lru_cache(maxsize=4096)
def _char_form(char):
    form = unicodedata.normalize("NFKC", char).lower()
    return form if len(form) == 1 else char.lower() if len(char.lower()) == 1 else char


def normalize(text):
    """The text in simplified characters, NFKC and lower case, of exactly the same length as the text."""
    converted = to_simplified(text)
    if len(converted) != len(text):
        # t2s maps character for character in practice; should a phrase ever change length, convert each
        # character alone so that offsets stay true.
        converted = "".join(c if len(c) == 1 else o for o, c in ((o, to_simplified(o)) for o in text))
    return "".join(_char_form(char) for char in converted)


# --- readings of a query in the plan's vocabulary -------------------------------------------------------------
# OpenCC's phrase profiles read Taiwan and Hong Kong vocabulary as the mainland's (軟體 → 软件, 網際網路 → 互联网).
# The input is first written in that region's characters (s2tw, s2hk), since the profiles match traditional text.
REGIONAL_PROFILES = (("s2tw", "tw2sp"), ("s2hk", "hk2sp"))


def regional_forms(text):
    """The text with Taiwan and Hong Kong vocabulary read as mainland words, normalised; each form differing from
    normalize(text) once. These are alternatives, never replacements: tw2sp also reads the mainland's own 整合,
    智慧, 支援 and 執行 as 集成, 智能, 支持 and 运行."""
    typed = normalize(text)
    forms = []
    for to_region, to_mainland in REGIONAL_PROFILES:
        form = normalize(opencc_converter(to_mainland).convert(opencc_converter(to_region).convert(text)))
        if form != typed and form not in forms:
            forms.append(form)
    return forms


def variant_form(text):
    """The character form a mechanically converted text has where t2s does not go back, normalised (着力 → 著力:
    t2s keeps 著, which is right in 显著); None when it is normalize(text) itself."""
    form = normalize(opencc_converter("s2tw").convert(text))
    return None if form == normalize(text) else form
