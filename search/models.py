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
    vector = SearchVectorField()

    class Meta:
        ordering = ["plan", "type", "number", "slug"]
        indexes = [
            GinIndex(fields=["vector"], name="search_entry_vector"),
            models.Index(fields=["plan", "type"], name="search_entry_plan_type"),
        ]

    def __str__(self):
        return f"{self.plan_id}:{self.type}:{self.number or self.slug}"
