from django.db import models


class PreparedResponse(models.Model):
    """A response rendered when its plan was loaded, with a placeholder origin (plan_api.prepared)."""

    key = models.CharField(max_length=64, primary_key=True, help_text="plan_api.prepared.prepared_key()")
    # The plan's slug, not a foreign key: plan_api is below the app that owns plans. The loader deletes a plan's
    # rows by it before preparing them again.
    plan = models.CharField(max_length=100, db_index=True)
    path = models.TextField()
    query = models.TextField(help_text="The query string it was rendered for.")
    accept_language = models.TextField(help_text="The Accept-Language it was rendered for, if any.")
    headers = models.TextField(help_text="The response's headers, a JSON list of [name, value].")
    body = models.BinaryField()
    streamed = models.BooleanField(help_text="The view streamed it (an export): served streamed, as the view does.")

    def __str__(self):
        return f"{self.path}?{self.query}"
