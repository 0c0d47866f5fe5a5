from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from articles.builder import BuildError, plan_folders
from ingest.build import build_all


class Command(BaseCommand):
    help = "Regenerate fixtures/<plan>/generated/plan.json from each plan folder's source text and curated inputs."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="plan folders to build (default: all)")

    def handle(self, *args, slugs, **options):
        folders = [f for f in plan_folders(settings.PLAN_FIXTURES_DIR) if not slugs or f.name in slugs]
        if not folders:
            raise CommandError(f"no plan folders under {settings.PLAN_FIXTURES_DIR}")
        try:
            built = build_all(settings.PLAN_FIXTURES_DIR, [folder.name for folder in folders])
        except BuildError as exc:
            raise CommandError(str(exc)) from None
        for target, data in built:
            self.stdout.write(
                f"{data['plan']['slug']}: {len(data['chapters'])} chapters, {len(data['articles'])} articles, "
                f"{len(data['principles'])} principles, {len(data['goals'])} goals, "
                f"{len(data['initiatives'])} initiatives -> {target}"
            )
