from django.db import models
from django.db.models.functions import Coalesce


def _count_per_plan(model):
    """COUNT(*) of a model's rows for the outer plan, as a correlated subquery (0 when it has none)."""
    rows = model.objects.filter(plan=models.OuterRef("pk")).order_by().values("plan")
    return Coalesce(models.Subquery(rows.annotate(n=models.Count("*")).values("n")), 0)


class PlanQuerySet(models.QuerySet):
    def with_counts(self):
        # One subquery per collection: COUNT(DISTINCT …) over joins of all five collections would
        # multiply their rows (12 × 52 × 6 × 8 × 119 = 3.5 million for the first plan, 18 s a request).
        from indicators.models import Goal, Initiative, Principle  # noqa: PLC0415 - indicators imports articles

        return self.annotate(
            chapter_count=_count_per_plan(Chapter),
            article_count=_count_per_plan(Article),
            principle_count=_count_per_plan(Principle),
            goal_count=_count_per_plan(Goal),
            initiative_count=_count_per_plan(Initiative),
        )


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
    updated_at = models.DateTimeField()

    objects = PlanQuerySet.as_manager()

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


class Place(models.TextChoices):
    """Where in a plan's text something occurs (an initiative's mention, a term's occurrence)."""

    PREAMBLE = "preamble"
    CHAPTER = "chapter"  # a chapter's heading and intro
    ARTICLE = "article"
    CLOSING = "closing"


class PlanScopedQuerySet(models.QuerySet):
    """For rows that belong to one plan."""

    def in_plan(self, slug):
        return self.filter(plan__slug=slug)


class Chapter(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chapters")
    number = models.PositiveSmallIntegerField()
    numeral = models.CharField(max_length=10)
    title = models.TextField()
    intro = models.JSONField(default=list)
    line = models.PositiveIntegerField()

    objects = PlanScopedQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="chapter_unique_number")]

    def __str__(self):
        return f"{self.plan_id}:{self.numeral}"


class ArticleQuerySet(PlanScopedQuerySet):
    def mentioning(self, initiative_slug):
        return self.filter(mentions__initiative__slug=initiative_slug).distinct()


class Article(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="articles")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    paragraphs = models.JSONField(default=list)
    line_start = models.PositiveIntegerField()
    line_end = models.PositiveIntegerField()

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="article_unique_number")]

    def __str__(self):
        return f"{self.plan_id}:{self.number}"
