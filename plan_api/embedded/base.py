"""Django's PostgreSQL backend for the embedded server: it starts (or joins) the server on first connection.

DATABASES uses it (ENGINE "plan_api.embedded") when DATABASE_URL is not set; see plan_api/embedded_db.py. Like
every alias, it connects through the circuit breaker of plan_api.postgres.
"""

from plan_api import embedded_db
from plan_api.postgres import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        host, port = embedded_db.ensure_running()
        self.settings_dict["HOST"], self.settings_dict["PORT"] = host, port
        return super().get_connection_params()
