from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class SearchEntry(models.Model):
    """One searchable document (an article, chapter, goal, principle or initiative) with its index terms.

    The loader writes these rows with the plan's other rows (search/indexing.py); requests only read them.
    `title` and `body` are the original text, kept for snippets; `vector` holds the normalised index terms.
    """

    class Type(models.TextChoices):
        ARTICLE = "article"
        CHAPTER = "chapter"
        GOAL = "goal"
        PRINCIPLE = "principle"
        INITIATIVE = "initiative"

    plan = models.ForeignKey("articles.Plan", on_delete=models.CASCADE, related_name="search_entries")
    type = models.CharField(max_length=10, choices=Type.choices)
    number = models.PositiveSmallIntegerField(null=True, help_text="Articles, chapters, goals and principles.")
    # NULL, not "", for the types that have no slug: the API shows them as null.
    slug = models.SlugField(max_length=100, null=True, help_text="Initiatives.")  # noqa: DJ001
    title = models.TextField()
    body = models.TextField()
    # Normalised at load time, so that a snippet needs no OpenCC at query time.
    title_norm = models.TextField(default="")
    body_norm = models.TextField(default="")
    size = models.PositiveIntegerField(default=0, help_text="Characters of title and body: what breaks ties in rank.")
    vector = SearchVectorField()

    class Meta:
        ordering = ["plan", "type", "number", "slug"]
        indexes = [
            GinIndex(fields=["vector"], name="search_entry_vector"),
            models.Index(fields=["plan", "type"], name="search_entry_plan_type"),
        ]

    def __str__(self):
        return f"{self.plan_id}:{self.type}:{self.number or self.slug}"


class SearchPassage(models.Model):
    """One sentence of a searchable document, with its own index terms: where words typed together are looked
    for close together, and the paragraph a hit names.

    `text` is the sentence normalised (plantext.scripts.normalize) as matching compares it; `paragraph` counts
    from 1 within the document's body as the data package does (0 for a chapter's heading, which is its title);
    `title` marks the sentence that is the document's title or lead.
    """

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="passages")
    # Denormalised from the entry, so that a search filters passages without a join.
    plan = models.ForeignKey("articles.Plan", on_delete=models.CASCADE, related_name="+")
    type = models.CharField(max_length=10, choices=SearchEntry.Type.choices)
    paragraph = models.PositiveSmallIntegerField(null=True)
    title = models.BooleanField(default=False)
    text = models.TextField()
    vector = SearchVectorField()

    class Meta:
        ordering = ["entry", "id"]
        indexes = [
            GinIndex(fields=["vector"], name="search_passage_vector"),
            models.Index(fields=["plan", "type"], name="search_passage_plan_type"),
        ]

    def __str__(self):
        return f"{self.entry_id}:{self.paragraph}"


class SearchLexicon(models.Model):
    """What a query is read with for one plan: its aliases (the general file's and its own, each with where it
    came from) and its dictionary words. Written by the loader from the plan's built data."""

    plan = models.OneToOneField("articles.Plan", on_delete=models.CASCADE, primary_key=True, related_name="+")
    aliases = models.JSONField(help_text="[{alias, target, note, source}] from the alias files.")
    words = models.JSONField(help_text="The plan's dictionary words, normalised (plantext.scripts.normalize).")
    ranked = models.JSONField(
        default=list, help_text="The terms that have a precomputed ranking (SearchImpact) in this plan."
    )

    def __str__(self):
        return f"{self.plan_id}"


class SearchImpact(models.Model):
    """The documents of one plan that hold a term several of them hold (or that match an alias of the alias files),
    best first: what lets a search for the term rank only the documents that can reach the page instead of every
    match (search.selectors.RankedEntries; search.interpret.Interpretation.ranking_key).

    One row per (plan, term, type) and one for all types (`type` ""): the documents' ids, types and scores (the
    very `ts_rank_cd` a query for the term computes) in the order a search lists them within the plan.
    """

    plan = models.ForeignKey("articles.Plan", on_delete=models.CASCADE, related_name="+")
    term = models.TextField(
        help_text="The normalised term, as a query's typed reading; for an alias, the tsquery of its readings."
    )
    type = models.CharField(max_length=10, blank=True, help_text='A SearchEntry type, or "" for all types.')
    entries = ArrayField(models.BigIntegerField())
    scores = ArrayField(models.FloatField())

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "type", "plan"], name="search_impact_term_type_plan")]

    def __str__(self):
        return f"{self.plan_id}:{self.term}:{self.type}"
