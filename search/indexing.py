"""Build a plan's search entries from its rows in the database; called by the loader in its transaction."""

from django.db import connection

from articles.models import Article, Chapter
from indicators.models import Goal, Initiative, Principle
from search.models import SearchEntry
from search.text import dictionary_words, index_positions, tokenizer, tsvector_literal


def _documents(plan):
    """(type, number, slug, title, body) for every searchable object of the plan."""
    for article in Article.objects.filter(plan=plan).order_by("number"):
        yield SearchEntry.Type.ARTICLE, article.number, None, article.title, "\n".join(article.paragraphs)
    for chapter in Chapter.objects.filter(plan=plan).order_by("number"):
        yield SearchEntry.Type.CHAPTER, chapter.number, None, chapter.title, "\n".join(chapter.intro)
    for goal in Goal.objects.filter(plan=plan).order_by("number"):
        yield SearchEntry.Type.GOAL, goal.number, None, goal.title, goal.text
    for principle in Principle.objects.filter(plan=plan).order_by("number"):
        yield SearchEntry.Type.PRINCIPLE, principle.number, None, principle.title, principle.text
    for initiative in Initiative.objects.filter(plan=plan).order_by("position"):
        yield SearchEntry.Type.INITIATIVE, None, initiative.slug, initiative.name, ""


def index_plan(plan):
    """Replace the plan's search entries with fresh ones; returns how many were written.

    The title is weighted A and the body D, so that a title hit outranks a body hit.
    """
    segmenter = tokenizer(dictionary_words(plan.dictionary))
    SearchEntry.objects.filter(plan=plan).delete()
    rows = []
    for type_, number, slug, title, body in _documents(plan):
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
