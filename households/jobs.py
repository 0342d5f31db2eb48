"""Large civil-affairs lists checked and imported by the background worker, with progress on the job page."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from households.models import CivilRoster
from households.services.roster import civil_roster_commit, civil_roster_validate
from reliefdesk.jobs import job_progress


def _reporter(job, *, label: str):
    def report(done: int, total: int | None) -> None:
        job_progress(job, done, total, message=f"{label} {done}")

    return report


def run_validate(job) -> None:
    roster = CivilRoster.objects.get(pk=job.params["roster_id"])
    roster = civil_roster_validate(roster=roster, progress=_reporter(job, label=_("Rows checked:")))
    job_progress(job, roster.rows_total, roster.rows_total, message=str(roster.get_status_display()))


def run_commit(job) -> None:
    roster = CivilRoster.objects.get(pk=job.params["roster_id"])
    actor = get_user_model().objects.get(pk=job.created_by_id)
    roster = civil_roster_commit(roster=roster, actor=actor, progress=_reporter(job, label=_("Rows imported:")))
    job_progress(job, roster.rows_ok, roster.rows_ok, message=str(roster.get_status_display()))


HANDLERS = {"civil_roster_validate": run_validate, "civil_roster_commit": run_commit}
