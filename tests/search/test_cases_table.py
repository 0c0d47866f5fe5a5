"""The case table and the alias files agree with the text (tests/search/README.md): derive_cases.py's check."""

import json

from tests.search import derive_cases


def test_every_case_and_alias_agrees_with_the_text():
    doc = derive_cases.Document(derive_cases.DEFAULT_SOURCE.read_text(encoding="utf-8"))
    alias_files = [derive_cases.GENERAL_ALIASES, derive_cases.PLAN_ALIASES]
    assert derive_cases.check_alias_files(doc, alias_files) == []
    cases = json.loads(derive_cases.DEFAULT_CASES.read_text(encoding="utf-8"))
    assert derive_cases.check(doc, cases, derive_cases.load_aliases(alias_files)) == []
