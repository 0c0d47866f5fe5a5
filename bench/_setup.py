"""Shared start-up for bench scripts: Django settings, the database migrated and every plan loaded."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plan_api.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from ingest.pipeline import load_all

    call_command("migrate", verbosity=0, interactive=False)
    load_all(settings.PLAN_FIXTURES_DIR)
