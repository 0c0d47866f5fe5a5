from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.models import Plan
from search.indexing import index_plan


class Command(BaseCommand):
    help = "Rebuild the search entries of every plan (or the plans named); loading a plan already does this."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="plan slugs (default: every plan)")

    def handle(self, *args, slugs, **options):
        plans = Plan.objects.filter(slug__in=slugs) if slugs else Plan.objects.all()
        missing = set(slugs) - {plan.slug for plan in plans}
        if missing:
            raise CommandError(f"no plan with slug {', '.join(sorted(missing))}")
        for plan in plans:
            with transaction.atomic():
                count = index_plan(plan)
            self.stdout.write(f"{plan.slug}: {count} search entries")
