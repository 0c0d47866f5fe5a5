from django.db import models


class Ingestion(models.Model):
    """What the ingest pipeline last did for a plan: with which code release its derived data was made.

    Derived data (the search index, the term counts, the collection counts) depends on the code as well as on
    the fixture: a plan loaded by an older release is derived again on the next load.
    """

    plan = models.OneToOneField("articles.Plan", on_delete=models.CASCADE, primary_key=True, related_name="ingestion")
    release = models.CharField(max_length=64, help_text="The code release that derived the plan's data.")
    finished_at = models.DateTimeField()

    def __str__(self):
        return f"{self.plan_id}:{self.release}"
