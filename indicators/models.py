from django.db import models

from articles.models import Place


class Principle(models.Model):
    plan = models.ForeignKey("articles.Plan", on_delete=models.CASCADE, related_name="principles")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="principles")
    number = models.PositiveSmallIntegerField()
    title = models.TextField()
    text = models.TextField()

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="principle_unique_number")]

    def __str__(self):
        return f"{self.plan_id}:principle {self.number}"


class Goal(models.Model):
    plan = models.ForeignKey("articles.Plan", on_delete=models.CASCADE, related_name="goals")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField()
    horizon = models.PositiveSmallIntegerField(help_text="The year by which the goal is to be reached.")
    title = models.TextField()
    text = models.TextField()
    targets = models.JSONField(default=list)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="goal_unique_number")]

    def __str__(self):
        return f"{self.plan_id}:goal {self.number}"


class Initiative(models.Model):
    class Kind(models.TextChoices):
        ACTION = "action"
        PROJECT = "project"
        PROGRAMME = "programme"
        STRATEGY = "strategy"
        PLATFORM = "platform"
        ZONE = "zone"
        FUND = "fund"
        BRAND = "brand"
        EVENT = "event"
        SLOGAN = "slogan"

    plan = models.ForeignKey("articles.Plan", on_delete=models.CASCADE, related_name="initiatives")
    slug = models.SlugField(max_length=100)
    name = models.TextField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(help_text="Order of first occurrence in the text.")

    class Meta:
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "slug"], name="initiative_unique_slug")]

    def __str__(self):
        return f"{self.plan_id}:{self.slug}"


class Mention(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="mentions")
    place = models.CharField(max_length=10, choices=Place.choices)
    chapter = models.ForeignKey("articles.Chapter", on_delete=models.CASCADE, null=True, related_name="mentions")
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, null=True, related_name="mentions")
    count = models.PositiveIntegerField()

    class Meta:
        ordering = ["initiative", "id"]

    def __str__(self):
        return f"{self.initiative_id}:{self.place}:{self.count}"
