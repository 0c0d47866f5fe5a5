"""Build a plan's search entries from its built data; called by the ingest pipeline in its transaction.

Three tables, all from `plantext.passages.plan_passages(data)`, the one walk over the plan's text:

- one SearchEntry per article, chapter, goal, principle and initiative: title and body, their normalised forms
  (for snippets, with no OpenCC at query time) and a tsvector of both (search.text.index_positions), where a
  query's readings are matched as typed;
- one SearchPassage per sentence of an entry, with its paragraph and a tsvector of its own, where the words of
  a segmented query are looked for close together (a sentence, not a paragraph: article 4's first paragraph
  is one 1,200-character block; the clause rule then works inside the sentence);
- one SearchLexicon per plan: its aliases and dictionary words, which a query is read with;
- SearchImpact rows: for each term (character, pair of characters, jieba word) that several of the plan's
  documents hold, and each alias of the alias files that a query reads as one term with other readings, the
  documents that match it best first with the score a query for it gives them.
"""

from collections import defaultdict

from django.db import connection

from plantext.passages import ARTICLE, CHAPTER, plan_passages
from plantext.scripts import normalize
from plantext.segment import tokenizer
from plantext.sentences import sentence_spans
from search.aliases import alias_map
from search.interpret import Lexicon, interpret
from search.models import SearchEntry, SearchImpact, SearchLexicon, SearchPassage
from search.selectors import leave_out_absent_readings
from search.text import RANK_WEIGHTS, TIE_BREAK, chain, index_positions, tsvector_literal

# A term held by at least this many of a plan's documents gets its ranked list (SearchImpact): a search for it
# across many plans then ranks each plan's first page of it, not every match. At 1,001 plans a word held by 7
# documents of each (科创) took 80 ms to rank at query time and takes 22 ms through its rankings; from 8 down to 3,
# a plan has 6,277 rows instead of 2,674 (0.9 MB instead of 0.5 MB).
IMPACT_MIN_DOCUMENTS = 3


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


def _sentences(type_, title_norm, body_norm):
    """(paragraph, is_title, normalised sentence) of a document.

    Articles, goals and principles start their body with their title (the lead sentence), which is that
    paragraph's first sentence; a chapter's heading is its paragraph 0; an initiative is its name.
    """
    if type_ == SearchEntry.Type.INITIATIVE:
        yield None, True, title_norm
        return
    if type_ == SearchEntry.Type.CHAPTER:
        yield 0, True, title_norm
    numbered = type_ in (SearchEntry.Type.ARTICLE, SearchEntry.Type.CHAPTER)
    for number, paragraph in enumerate(body_norm.split("\n") if body_norm else [], start=1):
        for index, (start, end) in enumerate(sentence_spans(paragraph)):
            is_title = type_ != SearchEntry.Type.CHAPTER and number == 1 and index == 0
            yield (number if numbered else None), is_title, paragraph[start:end]


def index_plan(plan, data):
    """Replace the plan's search entries, passages and lexicon with fresh ones made from its built data; returns
    how many entries.

    The title is weighted A and the body D, so that a title hit outranks a body hit. The segmenter knows
    the plan's dictionary (its initiative names and key terms), in the normalised form the index uses.
    """
    words = sorted({normalize(word) for word in data["dictionary"]})
    segmenter = tokenizer(words)
    SearchEntry.objects.filter(plan=plan).delete()
    SearchImpact.objects.filter(plan=plan).delete()
    SearchLexicon.objects.update_or_create(plan=plan, defaults={"aliases": data.get("aliases", []), "words": words})
    documents = list(_documents(data))
    rows = []
    for type_, number, slug, title, body in documents:
        title_norm, body_norm = normalize(title), normalize(body)
        lexemes = index_positions([(title, "A"), (body, "D")], segmenter=segmenter)
        rows.append(
            (plan.pk, type_, number, slug, title, body, title_norm, body_norm, len(title) + len(body))
            + (tsvector_literal(lexemes),)
        )
    table, passages = SearchEntry._meta.db_table, SearchPassage._meta.db_table
    # Raw SQL because the ORM has no way to write a tsvector from its text form (`::tsvector`).
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (plan_id, type, number, slug, title, body, title_norm, body_norm, size, vector) "
            "SELECT * FROM unnest(%s::bigint[], %s::text[], %s::int[], %s::text[], %s::text[], %s::text[], "
            "%s::text[], %s::text[], %s::int[], %s::tsvector[]) RETURNING id, type, number, slug",
            [list(column) for column in zip(*rows, strict=True)],
        )
        ids = {(type_, number, slug): id_ for id_, type_, number, slug in cursor.fetchall()}
        sentences = []
        for row in rows:
            entry_id = ids[row[1], row[2], row[3]]
            type_, title_norm, body_norm = row[1], row[6], row[7]
            for paragraph, is_title, text in _sentences(type_, title_norm, body_norm):
                lexemes = index_positions([(text, "D")], segmenter=segmenter)
                if lexemes:
                    sentences.append((entry_id, plan.pk, type_, paragraph, is_title, text, tsvector_literal(lexemes)))
        cursor.execute(
            f"INSERT INTO {passages} (entry_id, plan_id, type, paragraph, title, text, vector) "
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::int[], %s::bool[], %s::text[], "
            "%s::tsvector[])",
            [list(column) for column in zip(*sentences, strict=True)],
        )
        lexicon = Lexicon(aliases=alias_map(data.get("aliases", [])), words=frozenset(words), tokenizer=segmenter)
        ranked = _index_impacts(cursor, plan, _alias_queries(cursor, plan, lexicon))
    SearchLexicon.objects.filter(plan=plan).update(ranked=ranked)
    return len(rows)


def _alias_queries(cursor, plan, lexicon):
    """{key: tsquery} of the aliases of the plan's lexicon that a query reads as one term with other readings and no
    words apart (民企 → 民营企业, 自贸区 → 自由贸易试验区…): search.interpret.Interpretation.ranking_key, with the
    readings the plan does not hold left out as a search of the plan leaves them out."""
    queries = [interpret(alias, lexicon) for alias in lexicon.aliases]
    leave_out_absent_readings(
        [t for query in queries for group in query.groups for t in group], [plan.pk], None, cursor=cursor
    )
    found = {}
    for query in queries:
        key = query.ranking_key()
        if key is not None:
            found.setdefault(*key)
    return found


def _index_impacts(cursor, plan, aliases):
    """The plan's SearchImpact rows: for every lexeme of its index held by IMPACT_MIN_DOCUMENTS documents or more,
    and every alias query (`aliases`, {key: tsquery}) that some document matches, the documents that match it as a
    query would (search.text.chain) in the order a search ranks them, per type and for all types. Returns the
    terms (keys) ranked."""
    entries, impacts = SearchEntry._meta.db_table, SearchImpact._meta.db_table
    # ts_stat() takes the query that yields the vectors as text; the plan's id is an integer.
    cursor.execute(
        "SELECT word FROM ts_stat(%s) WHERE ndoc >= %s ORDER BY word",
        [f"SELECT vector FROM {entries} WHERE plan_id = {int(plan.pk)}", IMPACT_MIN_DOCUMENTS],
    )
    lexemes = {word: chain(word) for (word,) in cursor.fetchall()}
    queries = {**aliases, **lexemes}
    terms = list(queries)
    weights = "{" + ",".join(str(w) for w in RANK_WEIGHTS) + "}"
    order = "score DESC, e.type, e.number, e.slug"
    # Raw SQL: a ranked aggregate per term in one statement, which the ORM cannot say.
    cursor.execute(
        f"""
        WITH ranked AS (
            SELECT t.term, e.id, e.type, e.number, e.slug,
                   ts_rank_cd(%s::float4[], e.vector, t.query)::float8 + %s / (1 + e.size) AS score
            FROM unnest(%s::text[], %s::tsquery[]) AS t(term, query)
            JOIN {entries} e ON e.plan_id = %s AND e.vector @@ t.query
        )
        INSERT INTO {impacts} (plan_id, term, type, entries, scores)
        SELECT %s, term, kind, array_agg(id ORDER BY {order}), array_agg(score ORDER BY {order})
        FROM (SELECT ranked.*, '' AS kind FROM ranked UNION ALL SELECT ranked.*, type AS kind FROM ranked) e
        GROUP BY term, kind
        RETURNING term
        """,
        [weights, TIE_BREAK, terms, list(queries.values()), plan.pk, plan.pk],
    )
    return sorted({term for (term,) in cursor.fetchall()})  # the terms with a ranking: an alias may match nothing
