"""Reads from a read replica when DATABASE_REPLICA_URLS names some; everything else from the primary."""

import random

from django.conf import settings
from django.db import connections


class ReplicaRouter:
    """Send reads to a random replica (aliases replica1, replica2, …) and writes and migrations to `default`.

    Replicas lag a little behind the primary; the API is read-only and a plan loads in one transaction, so a
    reader sees either the old or the new version of a plan, never half of it.
    """

    def __init__(self):
        self.replicas = [alias for alias in settings.DATABASES if alias.startswith("replica")]

    def db_for_read(self, model, **hints):
        # Inside a transaction on the primary (the loader), read what that transaction wrote.
        if not self.replicas or connections["default"].in_atomic_block:
            return "default"
        return random.choice(self.replicas)

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
