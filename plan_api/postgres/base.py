"""Django's PostgreSQL backend behind a circuit breaker (plan_api/dependencies.py), one per database alias.

A database that refuses connections fails at once, but one that accepts and never answers holds each
connection attempt for DATABASE_CONNECT_TIMEOUT (libpq's minimum is 2 s). After a failed attempt the alias is
not tried again for DEPENDENCY_RETRY_SECONDS: connecting fails at once with OperationalError (a 503 for the
client), and the response cache keeps serving what it has. DATABASES uses this ENGINE (settings.py sets it).

A persistent connection is checked before each request uses it (CONN_HEALTH_CHECKS) without a round trip to the
server: see DatabaseWrapper.is_usable.
"""

import select

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

    def is_usable(self):
        """Whether the connection still works, read off its socket instead of Django's `SELECT 1` round trip.

        A server that ended the connection (a restart, a terminated backend) has sent its last message and
        closed it, so the socket reads as ready; an idle connection that works has nothing to read (every
        answer to a query has been read, and plan-api listens to no notifications).
        """
        if self.connection is None or self.connection.closed:
            return False
        try:
            ready, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not ready
