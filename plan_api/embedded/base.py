"""Django's PostgreSQL backend for the embedded server: it starts (or joins) the server on first connection.

DATABASES uses it (ENGINE "plan_api.embedded") when DATABASE_URL is not set; see plan_api/embedded_db.py.
"""

from django.db.backends.postgresql import base

from plan_api import embedded_db


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        host, port = embedded_db.ensure_running()
        self.settings_dict["HOST"], self.settings_dict["PORT"] = host, port
        return super().get_connection_params()
