"""The builder, whole: a plan folder in, `generated/plan.json` out.

`articles.builder` makes the plan's document (plan, chapters, articles) from its source text and errata;
`indicators.builder` finds the principles, goals and initiatives in it; this module reads the folder, puts
the two together with the segmenter's dictionary, checks that the result rebuilds the source byte for byte,
and writes it deterministically. Pure, apart from reading the folder and writing the one file.
"""

import json
from pathlib import Path

from articles.builder import (
    GENERATED,
    BuildError,
    build_document,
    check_terms,
    plan_folders,
    read_errata,
    read_metadata,
    read_source,
    read_terms,
    rebuild_source,
)
from indicators.builder import build_indicators, read_initiatives
from plantext.passages import plan_passages
from plantext.scripts import normalize
from search.aliases import GENERAL, PLAN, AliasError, check_targets, read_alias_file

ALIASES = "aliases.tsv"  # a plan folder's own aliases; the one beside the plan folders holds the general ones


def read_plan_folder(folder):
    """Read the curated inputs and the source bytes of one plan folder."""
    folder = Path(folder)
    metadata = read_metadata(folder)
    return {
        "metadata": metadata,
        "source": read_source(folder, metadata),
        "errata": read_errata(folder),
        "initiatives": read_initiatives(folder),
        "terms": read_terms(folder),
        "aliases": _read_aliases(folder / ALIASES, source=PLAN),
    }


def _read_aliases(path, *, source):
    try:
        return read_alias_file(path, source=source)
    except AliasError as exc:
        raise BuildError(str(exc)) from None


def build_plan(*, metadata, source, errata, initiatives, terms, aliases=()):
    """Turn one plan's inputs into the plain data that the loader takes to the database.

    `aliases` are the plan's own (its folder's aliases.tsv): each target must occur in its text.
    """
    document, corrected_text = build_document(metadata=metadata, source=source, errata=errata)
    indicators = build_indicators(document, metadata=metadata, initiatives=initiatives, corrected_text=corrected_text)
    dictionary = check_terms(terms, corrected_text)
    try:
        check_targets(aliases, f"{metadata['slug']}/{ALIASES}", [normalize(corrected_text)])
    except AliasError as exc:
        raise BuildError(str(exc)) from None
    return {
        **document,
        **indicators,
        "dictionary": sorted(set(dictionary) | {entry["name"] for entry in initiatives}),
        "aliases": [{key: entry[key] for key in ("alias", "target", "note")} for entry in aliases],
    }


def plan_text(data):
    """A plan's corrected text as search reads it (normalised), from its built data: every passage."""
    return "\n".join(normalize(passage.text) for passage in plan_passages(data))


def read_general_aliases(root, texts):
    """The general alias file beside the plan folders (fixtures/aliases.tsv), each target checked to occur in at
    least one of the plans' texts (normalised); BuildError naming the file and line otherwise."""
    path = Path(root) / ALIASES
    entries = _read_aliases(path, source=GENERAL)
    try:
        check_targets(entries, path, texts)
    except AliasError as exc:
        raise BuildError(str(exc)) from None
    return entries


def build_all(root, slugs=()):
    """Build every plan folder under root (or those named) and check the general aliases against every plan's
    text; returns [(path written, data)]."""
    built, texts = [], []
    for folder in plan_folders(root):
        if not slugs or folder.name in slugs:
            target, data = build_plan_folder(folder)
            built.append((target, data))
        else:
            data = build_plan(**read_plan_folder(folder))
        texts.append(plan_text(data))
    read_general_aliases(root, texts)
    return built


def dump(data):
    """Serialise built data deterministically."""
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def build_plan_folder(folder):
    """Build one plan folder and write generated/plan.json; return the path and the built data."""
    folder = Path(folder)
    inputs = read_plan_folder(folder)
    data = build_plan(**inputs)
    if data["plan"]["slug"] != folder.name:
        raise BuildError(f"{folder / 'metadata.json'}: slug {data['plan']['slug']!r} differs from the folder name")
    if rebuild_source(data).encode("utf-8") != inputs["source"]:
        raise BuildError(f"{folder}: the structured data does not reproduce the source text")
    target = folder / GENERATED
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(dump(data))
    return target, data
