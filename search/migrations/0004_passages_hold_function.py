"""search_passages_hold(query, plans, types): whether some sentence of these plans and types (NULL: all) matches the
tsquery, found through the sentences' GIN index whatever the planner would guess.

A plain `EXISTS (… WHERE vector @@ query)` lets PostgreSQL choose a sequential scan that stops at the first match,
which it expects early for a tsquery whose words are common: for a reading that no sentence holds (着力, which the
converted text writes 著力) that read every sentence, 0.9 s at 1,001 plans. The function's own setting turns
sequential scans off for its statement only; PostgreSQL restores it when the function returns.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION search_passages_hold(query tsquery, plans bigint[], types text[]) RETURNS boolean
LANGUAGE sql STABLE
SET enable_seqscan = off
AS $$
    SELECT EXISTS (
        SELECT 1 FROM search_searchpassage s
        WHERE s.vector @@ query
          AND (plans IS NULL OR s.plan_id = ANY(plans))
          AND (types IS NULL OR s.type = ANY(types))
    )
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_impact_term_help"),
    ]

    operations = [migrations.RunSQL(CREATE, "DROP FUNCTION search_passages_hold(tsquery, bigint[], text[])")]
