"""search_ranked_page(term, kinds, ranked, start, lim): a page of a one-term search from the term's precomputed
rankings (SearchImpact) in the plans `ranked`, when those plans are all the search reads and nothing is excluded:
the commonest search there is (search.selectors._impact_page).

The statement is the one _impact_page sends for other cases, without their parts. Sent as it is, PostgreSQL parses
and plans it for every request, which took longer than running it (0.3 ms of planning for 0.2 ms of execution,
more when the server's caches are cold). Inside a PL/pgSQL function it is planned once per connection and kept;
the function's own setting makes PostgreSQL keep a generic plan, which it would otherwise set aside for planning
each call anew on its estimates, and which suits every term and set of plans alike (an index read of the term's
rankings, each ranking's first `start + lim` documents, the page, then those documents' rows by their keys).
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION search_ranked_page(p_term text, p_kinds text[], p_ranked bigint[], p_start integer, p_limit integer)
RETURNS TABLE (
    id bigint, plan_id bigint, type varchar, number smallint, slug varchar, title text, body text, title_norm text,
    body_norm text, size integer, score double precision, plan_slug varchar
)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
BEGIN
    RETURN QUERY
    SELECT x.id, x.plan_id, x.type, x.number, x.slug, x.title, x.body, x.title_norm, x.body_norm, x.size,
           page.score, page.plan
    FROM (
        -- Within a plan (and type) a ranking is already in search order (score, type, number, slug): its position
        -- breaks ties there.
        SELECT u.id, u.score, p.slug AS plan, NULLIF(i.type, '') AS kind, u.position
        FROM search_searchimpact i JOIN articles_plan p ON p.id = i.plan_id,
             LATERAL unnest(i.entries[1:p_start + p_limit], i.scores[1:p_start + p_limit])
                 WITH ORDINALITY AS u(id, score, position)
        WHERE i.term = p_term AND i.type = ANY(p_kinds) AND i.plan_id = ANY(p_ranked)
        ORDER BY u.score DESC, p.slug, NULLIF(i.type, ''), u.position
        OFFSET p_start LIMIT p_limit
    ) page JOIN search_searchentry x ON x.id = page.id
    ORDER BY page.score DESC, page.plan, page.kind, page.position;
END
$$
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_passages_hold_function"),
    ]

    operations = [
        migrations.RunSQL(CREATE, "DROP FUNCTION search_ranked_page(text, text[], bigint[], integer, integer)")
    ]
