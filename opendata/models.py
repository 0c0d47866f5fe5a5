from django.db import models

from articles.models import Place


class Publication(models.Model):
    """How a plan is published as open data."""

    plan = models.OneToOneField("articles.Plan", on_delete=models.CASCADE, related_name="publication")
    license = models.CharField(max_length=100, help_text="SPDX identifier of the licence of the plan's data.")
    # Where the issuer published the plan, when metadata.json names it ("official_publication": {title, url}).
    official_title = models.TextField(blank=True, default="")
    official_url = models.URLField(max_length=500, blank=True, default="")

    def __str__(self):
        return f"{self.plan_id}:{self.license or 'no licence'}"


class Term(models.Model):
    """A word of the plan as segmented by jieba, with how often it occurs.

    `key` (the simplified form) identifies it, so that counts do not depend on the script; `text` is the word as
    it is written in the received text (the form that occurs most often there).
    """

    plan = models.ForeignKey("articles.Plan", on_delete=models.CASCADE, related_name="terms")
    key = models.CharField(max_length=100)
    text = models.CharField(max_length=100)
    length = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "-count", "key"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="term_unique_key")]

    def __str__(self):
        return f"{self.plan_id}:{self.key}"


class TermOccurrence(models.Model):
    """How often a term occurs in one place: the preamble, a chapter's heading and intro, an article, the closing."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="occurrences")
    place = models.CharField(max_length=10, choices=Place.choices)
    # An article's occurrences also name its chapter, so that a chapter's count is one filter.
    chapter = models.ForeignKey(
        "articles.Chapter", on_delete=models.CASCADE, null=True, related_name="term_occurrences"
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, null=True, related_name="term_occurrences"
    )
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["term", "id"]

    def __str__(self):
        return f"{self.term_id}:{self.place}:{self.count}"
