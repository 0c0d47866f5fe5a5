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
    read_errata,
    read_metadata,
    read_source,
    read_terms,
    rebuild_source,
)
from indicators.builder import build_indicators, read_initiatives


def read_plan_folder(folder):
    """Read the curated inputs and the source bytes of one plan folder."""
    metadata = read_metadata(folder)
    return {
        "metadata": metadata,
        "source": read_source(folder, metadata),
        "errata": read_errata(folder),
        "initiatives": read_initiatives(folder),
        "terms": read_terms(folder),
    }


def build_plan(*, metadata, source, errata, initiatives, terms):
    """Turn one plan's inputs into the plain data that the loader takes to the database."""
    document, corrected_text = build_document(metadata=metadata, source=source, errata=errata)
    indicators = build_indicators(document, metadata=metadata, initiatives=initiatives, corrected_text=corrected_text)
    dictionary = check_terms(terms, corrected_text)
    return {
        **document,
        **indicators,
        "dictionary": sorted(set(dictionary) | {entry["name"] for entry in initiatives}),
    }


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
