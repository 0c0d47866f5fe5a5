from django.db import models


class Plan(models.Model):
    """One plan document, addressed by its slug."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.TextField()
    subtitle = models.TextField()
    issuer = models.CharField(max_length=200)
    adopted_on = models.DateField()
    adopted_by = models.TextField()
    region = models.CharField(max_length=200)
    period_start = models.PositiveSmallIntegerField()
    period_end = models.PositiveSmallIntegerField()
    preamble = models.JSONField(default=list)
    closing = models.JSONField(default=list)
    source_filename = models.CharField(max_length=200)
    source_sha256 = models.CharField(max_length=64)
    dictionary = models.JSONField(default=list, help_text="Words the segmenter must keep whole.")
    version = models.CharField(max_length=64, help_text="sha256 of the generated fixture that was loaded.")
    updated_at = models.DateTimeField(help_text="When anything served for this plan last changed.")
    counts = models.JSONField(default=dict, help_text="How many objects of each collection the plan has.")

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug


class PlanSource(models.Model):
    """The source text exactly as received, errata and all.

    Kept apart from Plan so that the many queries that join a row to its plan (for its slug) stay small.
    """

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, primary_key=True, related_name="source_file")
    text = models.TextField()

    def __str__(self):
        return f"{self.plan_id}:source"


class Erratum(models.Model):
    """A corrupted span of the source as received, and its correction."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="errata")
    number = models.PositiveSmallIntegerField()
    line = models.PositiveIntegerField()
    column = models.PositiveIntegerField()
    article_number = models.PositiveSmallIntegerField(null=True)
    as_received = models.TextField()
    correction = models.TextField()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="erratum_unique_number")]

    def __str__(self):
        return f"{self.plan_id}:erratum {self.number}"


class Place(models.TextChoices):
    """Where in a plan's text something occurs (an initiative's mention, a term's occurrence)."""

    PREAMBLE = "preamble"
    CHAPTER = "chapter"  # a chapter's heading and intro
    ARTICLE = "article"
    CLOSING = "closing"


class Chapter(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField()
    numeral = models.CharField(max_length=10)
    title = models.TextField()
    intro = models.JSONField(default=list)
    line = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="chapter_unique_number")]

    def __str__(self):
        return f"{self.plan_id}:{self.numeral}"


class Article(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="articles")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    paragraphs = models.JSONField(default=list)
    line_start = models.PositiveIntegerField()
    line_end = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="article_unique_number")]

    def __str__(self):
        return f"{self.plan_id}:{self.number}"
