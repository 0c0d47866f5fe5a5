from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.loader import LoadError
from ingest.pipeline import load_all


class Command(BaseCommand):
    help = (
        "Derive every plan's search index, term counts and counts again from its fixture, and invalidate its "
        "cached responses (or only the plans named); loading a changed plan already does this."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="plan slugs (default: every plan)")

    def handle(self, *args, slugs, **options):
        try:
            results = load_all(settings.PLAN_FIXTURES_DIR, slugs, force=True)
        except LoadError as exc:
            raise CommandError(str(exc)) from None
        for result in results:
            self.stdout.write(f"{result.slug}: {result.status} (version {result.version[:12]})")
