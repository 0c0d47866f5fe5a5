"""The code release this process runs: a short hash that changes whenever the code or its pins change.

Cached responses and derived data carry it, so that a deploy never serves what an older release made (a
response cache shared through Redis outlives a deploy). RELEASE from the environment wins (a deploy may name
its release, e.g. a git commit); otherwise it is the sha256 of every source file that shapes a response —
the Python modules, templates and static files of the project's packages, and the pinned requirements — so
that every worker of one deploy computes the same value without git.
"""

import hashlib
import os
from functools import cache
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGES = ("plantext", "plan_api", "articles", "indicators", "search", "opendata", "web", "ingest")
SUFFIXES = {".py", ".html", ".css", ".js", ".svg", ".txt", ".json"}


@cache
def release():
    named = os.environ.get("RELEASE", "").strip()
    if named:
        return named
    digest = hashlib.sha256()
    files = [BASE_DIR / "requirements.txt"]
    for package in PACKAGES:
        files.extend(path for path in (BASE_DIR / package).rglob("*") if path.suffix in SUFFIXES and path.is_file())
    for path in sorted(files):
        if "__pycache__" in path.parts or not path.exists():
            continue
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]
