from django.db import migrations

# The throttle's counts when no Redis is configured (plan_api/throttling.py): one row per client and rate, the
# client's "theoretical arrival time" in milliseconds. UNLOGGED: counts are worth nothing after a crash, and
# skipping the write-ahead log makes the one write per request cheap (nor are they copied to replicas).
CREATE = """
CREATE UNLOGGED TABLE plan_api_throttle (
    key text PRIMARY KEY,
    tat double precision NOT NULL,
    allowed boolean NOT NULL
)
"""


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunSQL(CREATE, "DROP TABLE plan_api_throttle")]
