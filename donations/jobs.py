"""Large donation imports run by the background worker, with progress on the job page."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from donations.imports import donation_import_commit, donation_import_validate
from donations.models import DonationImport
from reliefdesk.jobs import job_progress


def _reporter(job, *, label: str):
    def report(done: int, total: int | None) -> None:
        job_progress(job, done, total, message=f"{label} {done}")

    return report


def run_validate(job) -> None:
    imp = DonationImport.objects.get(pk=job.params["import_id"])
    imp = donation_import_validate(imp=imp, progress=_reporter(job, label=_("Rows checked:")))
    job_progress(job, imp.rows_total, imp.rows_total, message=str(imp.get_status_display()))


def run_commit(job) -> None:
    imp = DonationImport.objects.get(pk=job.params["import_id"])
    actor = get_user_model().objects.get(pk=job.created_by_id)
    imp = donation_import_commit(imp=imp, actor=actor, confirm=job.params.get("confirm", True),
                                 repeats_confirmed=job.params.get("repeats_confirmed", False),
                                 progress=_reporter(job, label=_("Rows imported:")))
    job_progress(job, imp.rows_ok, imp.rows_ok, message=str(imp.get_status_display()))


HANDLERS = {"donation_import_validate": run_validate, "donation_import_commit": run_commit}
