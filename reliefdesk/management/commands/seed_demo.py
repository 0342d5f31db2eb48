"""Load the demo data. Idempotent: a second run changes nothing."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reliefdesk.demo import DEMO_LOADERS


class Command(BaseCommand):
    help = "Load the demo districts, stations, users, funds, rules, applications and donations."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with production settings (DJANGO_ENV=production).")
        # Each app registered its loaders in AppConfig.ready(); apps load in INSTALLED_APPS order.
        for seed in DEMO_LOADERS.values():
            with transaction.atomic():
                seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
