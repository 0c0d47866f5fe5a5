from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.loader import LoadError
from ingest.pipeline import load_all


class Command(BaseCommand):
    help = "Load the generated fixtures of every plan folder (or those named) into the database, idempotently."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="plans to load (default: all)")

    def handle(self, *args, slugs, **options):
        try:
            results = load_all(settings.PLAN_FIXTURES_DIR, slugs)
        except LoadError as exc:
            raise CommandError(str(exc)) from None
        for result in results:
            counts = ", ".join(f"{n} {name}" for name, n in result.counts.items())
            self.stdout.write(f"{result.slug}: {result.status} (version {result.version[:12]}; {counts})")
