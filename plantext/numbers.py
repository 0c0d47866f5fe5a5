"""Numbers written the other way: the Arabic digits a reader types and the Chinese numerals a plan writes.

Plans write years digit by digit in Chinese (二〇三五年) or in ASCII (2025年), and small counts positionally (三十年).
`number_forms()` gives a text's other spellings, for matching; no arithmetic beyond that.
"""

import re

CHINESE_DIGITS = "〇一二三四五六七八九"
_ASCII_NUMBER = re.compile(r"(?<![0-9a-z])[0-9]+(?![0-9a-z])")
_CHINESE_YEAR = re.compile(f"[{CHINESE_DIGITS}]{{4}}")


def chinese_number(n):
    """Positional Chinese numeral for 0 < n < 100 (30 → 三十, 12 → 十二, 5 → 五)."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else CHINESE_DIGITS[tens] + "十")) + (
        CHINESE_DIGITS[ones] if ones else ""
    )


def _ascii_to_chinese(match):
    digits = match.group(0)
    if len(digits) == 4:  # a year, digit by digit
        return "".join(CHINESE_DIGITS[int(c)] for c in digits)
    n = int(digits)
    return chinese_number(n) if 0 < n < 100 and not digits.startswith("0") else digits


def number_forms(text):
    """The (normalised, lower-case) text with its numbers written the other way: ASCII years digit by digit
    (2035 → 二〇三五), other ASCII numbers below 100 positionally (30 → 三十), Chinese four-digit years in ASCII
    (二〇二五 → 2025). Forms equal to the text are left out."""
    forms = []
    for form in (
        _ASCII_NUMBER.sub(_ascii_to_chinese, text),
        _CHINESE_YEAR.sub(lambda m: "".join(str(CHINESE_DIGITS.index(c)) for c in m.group(0)), text),
    ):
        if form != text and form not in forms:
            forms.append(form)
    return forms
