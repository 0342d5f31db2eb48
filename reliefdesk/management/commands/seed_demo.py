"""Load the demo data. Idempotent: a second run changes nothing."""
from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app's demo module has seed(stdout); they run in this order.
DEMO_MODULES = (
    "reliefdesk.demo",
    "funds.demo",
    "cases.demo",
    "cases.demo_review",
    "cases.demo_payouts",
    "donations.demo",
)


class Command(BaseCommand):
    help = "Load the demo districts, stations, users, funds, rules, applications and donations."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run with production settings (DJANGO_ENV=production).")
        for module_name in DEMO_MODULES:
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            with transaction.atomic():
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
