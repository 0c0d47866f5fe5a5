"""Reads from a read replica when DATABASE_REPLICA_URLS names some: one database per request, chosen once.

Replicas lag a little behind the primary, each by its own amount. If each query picked a replica, one
response could join rows of two versions of a plan, and the response cache could store old rows under the
new version it read elsewhere. So ReadOneDatabaseMiddleware picks one alias when a request comes in (a
replica at random, skipping any whose connections failed lately), and every read of that request goes there,
the response cache's read of the plans' versions included (plan_api/response_cache.py), until the response
has been sent (a streamed export reads as it goes). Outside a request (the loader, management commands) reads
go to the primary, as do all writes and migrations: a plan loads in one transaction on the primary, so a
replica shows either the old or the new version of it, never half.
"""

import contextvars
import random

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver

from plan_api.dependencies import dependency

PRIMARY = "default"
# What a request writes and reads back at once (the admin's sessions and users, its login attempts) stays on
# the primary, where no lag can hide it.
PRIMARY_ONLY_APPS = {"admin", "auth", "sessions", "axes"}
_read_alias = contextvars.ContextVar("plan_api_read_alias", default=None)


def replicas():
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


def read_alias():
    """The database this request reads from; the primary outside a request."""
    return _read_alias.get() or PRIMARY


def choose_read_alias():
    candidates = replicas()
    healthy = [alias for alias in candidates if not dependency(f"database {alias}").down]
    return random.choice(healthy or candidates) if candidates else PRIMARY


class ReadOneDatabaseMiddleware:
    """Pick the one database this request reads from (above the response cache, which reads versions).

    A request that names its database (`read_alias`: the loader's, which must see its own transaction) reads
    that one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _read_alias.set(getattr(request, "read_alias", None) or choose_read_alias())
        return self.get_response(request)


@receiver(request_finished)
def _forget_read_alias(**kwargs):
    # Sent when the server closes the response, after the last byte of a streamed one.
    _read_alias.set(None)


class ReplicaRouter:
    """Reads go to the request's database (ReadOneDatabaseMiddleware); writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        if model is not None and model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        return read_alias()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
