"""Build a plan's search entries from its built data; called by the ingest pipeline in its transaction."""

from collections import defaultdict

from django.db import connection

from plantext.passages import ARTICLE, CHAPTER, plan_passages
from plantext.scripts import normalize
from plantext.segment import tokenizer
from search.models import SearchEntry
from search.text import index_positions, tsvector_literal


def _documents(data):
    """(type, number, slug, title, body) for every searchable object of the plan, from its passages."""
    paragraphs = defaultdict(list)  # (place, number) -> texts; a chapter's heading is its paragraph 0
    for passage in plan_passages(data):
        if passage.place == ARTICLE:
            paragraphs[ARTICLE, passage.article].append(passage.text)
        elif passage.place == CHAPTER:
            paragraphs[CHAPTER, passage.chapter].append(passage.text)
    for article in data["articles"]:
        body = paragraphs[ARTICLE, article["number"]]
        yield SearchEntry.Type.ARTICLE, article["number"], None, article["title"], "\n".join(body)
    for chapter in data["chapters"]:
        heading, *intro = paragraphs[CHAPTER, chapter["number"]]
        yield SearchEntry.Type.CHAPTER, chapter["number"], None, heading, "\n".join(intro)
    for goal in data["goals"]:
        yield SearchEntry.Type.GOAL, goal["number"], None, goal["title"], goal["text"]
    for principle in data["principles"]:
        yield SearchEntry.Type.PRINCIPLE, principle["number"], None, principle["title"], principle["text"]
    for initiative in data["initiatives"]:
        yield SearchEntry.Type.INITIATIVE, None, initiative["slug"], initiative["name"], ""


def index_plan(plan, data):
    """Replace the plan's search entries with fresh ones made from its built data; returns how many.

    The title is weighted A and the body D, so that a title hit outranks a body hit. The segmenter knows
    the plan's dictionary (its initiative names and key terms), in the normalised form the index uses.
    """
    segmenter = tokenizer(normalize(word) for word in data["dictionary"])
    SearchEntry.objects.filter(plan=plan).delete()
    rows = []
    for type_, number, slug, title, body in _documents(data):
        lexemes = index_positions([(title, "A"), (body, "D")], segmenter=segmenter)
        rows.append((plan.pk, type_, number, slug, title, body, tsvector_literal(lexemes)))
    # Raw SQL because the ORM has no way to write a tsvector from its text form (`::tsvector`).
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {SearchEntry._meta.db_table} (plan_id, type, number, slug, title, body, vector) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s::tsvector)",
            rows,
        )
    return len(rows)
