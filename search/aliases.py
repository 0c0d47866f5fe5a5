"""The alias files: curated, reviewed names that readers type for the wording a plan uses.

`fixtures/aliases.tsv` holds general policy vocabulary shared by every plan, `fixtures/<plan>/aliases.tsv` the
names news uses for things in that plan (tests/search/README.md, "How to add an alias"). Format: UTF-8, `#`
comment lines, a header `alias<TAB>target<TAB>note`, then one alias per line; an alias with two targets takes
two lines. Both cells in simplified characters (Latin letters as usually written); the target is the wording as
a plan writes it. Pure functions: the builder checks the files and puts them in the plan's built data, the
loader stores them, and a query reads them (search.interpret).
"""

from pathlib import Path

from plantext.scripts import normalize, to_simplified

HEADER = ["alias", "target", "note"]
GENERAL = "general"
PLAN = "plan"


class AliasError(ValueError):
    """An alias file is malformed or an alias's target occurs nowhere; the message names the file and line."""


def read_alias_file(path, *, source):
    """[{alias, target, note, source, line}] from one alias file (none if it does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    entries, header_seen, seen = [], False, {}
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path}:{number}"
        cells = line.split("\t")
        if not header_seen:
            if cells != HEADER:
                raise AliasError(f"{where}: the header must be alias<TAB>target<TAB>note")
            header_seen = True
            continue
        if len(cells) != 3 or not all(cell and cell.strip() == cell for cell in cells):
            raise AliasError(f"{where}: expected three non-empty tab-separated cells (alias, target, note)")
        alias, target, note = cells
        if to_simplified(alias) != alias or to_simplified(target) != target:
            raise AliasError(f"{where}: {alias} -> {target} is not in simplified characters")
        if normalize(alias) == normalize(target):
            raise AliasError(f"{where}: alias and target are the same")
        key = (normalize(alias), normalize(target))
        if key in seen:
            raise AliasError(f"{where}: {alias} -> {target} repeats line {seen[key]}")
        seen[key] = number
        entries.append({"alias": alias, "target": target, "note": note, "source": source, "line": number})
    if not header_seen:
        raise AliasError(f"{path}: no header line (alias<TAB>target<TAB>note)")
    return entries


def check_targets(entries, path, texts):
    """Raise AliasError for the first entry whose target occurs in none of the texts (normalised)."""
    for entry in entries:
        target = normalize(entry["target"])
        if not any(target in text for text in texts):
            raise AliasError(
                f"{path}:{entry['line']}: the target {entry['target']!r} of {entry['alias']!r} does not occur in "
                + ("this plan's text" if entry["source"] == PLAN else "any plan's text")
            )


def alias_map(entries):
    """{normalised alias: (normalised targets…)} for search.interpret.Lexicon."""
    aliases = {}
    for entry in entries:
        targets = aliases.setdefault(normalize(entry["alias"]), [])
        target = normalize(entry["target"])
        if target not in targets:
            targets.append(target)
    return {alias: tuple(targets) for alias, targets in aliases.items()}
