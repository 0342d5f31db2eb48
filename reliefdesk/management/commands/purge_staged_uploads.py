"""Delete checked uploads never committed nor cancelled (run daily, e.g. from cron)."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from reliefdesk.importing import purge_staged


class Command(BaseCommand):
    help = "Delete staged uploads (checked bank result files) older than STAGED_UPLOAD_MAX_AGE seconds."

    def add_arguments(self, parser):
        parser.add_argument("--max-age", type=int, default=None,
                            help=f"seconds (default STAGED_UPLOAD_MAX_AGE, now {settings.STAGED_UPLOAD_MAX_AGE})")

    def handle(self, *args, max_age=None, **options):
        removed = purge_staged(max_age=max_age)
        self.stdout.write(f"{removed} staged upload(s) deleted.")
