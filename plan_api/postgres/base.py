"""Django's PostgreSQL backend behind a circuit breaker (plan_api/dependencies.py), one per database alias.

A database that refuses connections fails at once, but one that accepts and never answers holds each
connection attempt for DATABASE_CONNECT_TIMEOUT (libpq's minimum is 2 s). After a failed attempt the alias is
not tried again for DEPENDENCY_RETRY_SECONDS: connecting fails at once with OperationalError (a 503 for the
client), and the response cache keeps serving what it has. DATABASES uses this ENGINE (settings.py sets it).
"""

import psycopg
from django.db.backends.postgresql import base

from plan_api.dependencies import dependency


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        breaker = dependency(f"database {self.alias}")
        if not breaker.available():
            raise psycopg.OperationalError(
                f"database {self.alias} not tried: it failed less than DEPENDENCY_RETRY_SECONDS ago"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.OperationalError as error:
            breaker.failed(error)
            raise
        breaker.succeeded()
        return connection
