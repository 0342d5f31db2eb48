"""Background jobs of payouts: large payout sheets are built, and large bank result files recorded, by the worker."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from payouts.models import PayoutSheet
from payouts.services import RESULT_FOLDER, payout_sheet_import_results, payout_sheet_export
from reliefdesk.importing import staged_path
from reliefdesk.jobs import job_progress
from reliefdesk.models import Job
from reliefdesk.money import format_money

EXPORT_KIND = "payout_sheet_export"
RESULTS_KIND = "payout_sheet_results_commit"


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_payout_sheet(job: Job) -> None:
    """Write the sheet's spreadsheet as its starter (scope and role are checked again as him)."""
    sheet = PayoutSheet.objects.get(pk=job.params["sheet_id"])
    path = export_dir() / f"job-{job.pk}-{sheet.number}.xlsx"
    job_progress(job, 0, total=sheet.row_count, message=_("Writing the spreadsheet…"))
    result = payout_sheet_export(sheet=sheet, actor=job.created_by, path=path,
                          progress=lambda done: job_progress(job, done))
    Job.objects.filter(pk=job.pk).update(result_file=str(path), result_name=result.filename,
                                         done=result.row_count,
                                         message=_("%(rows)d rows, %(total)s yuan.")
                                         % {"rows": result.row_count, "total": format_money(result.total)})


def commit_results(job: Job) -> None:
    """Record a checked bank result file as its starter: every row or none, with the phases on the job page."""
    sheet = PayoutSheet.objects.get(pk=job.params["sheet_id"])
    path = staged_path(folder=RESULT_FOLDER, token=job.params["token"], prefix=f"{sheet.pk}-")
    if path is None:
        raise FileNotFoundError(_("The checked file is no longer available; upload it again."))
    report = payout_sheet_import_results(sheet=sheet, actor=job.created_by, file=path, commit=True,
                                         paid_on=dt.date.fromisoformat(job.params["paid_on"]),
                                         progress=lambda message: job_progress(job, 0, message=message))
    path.unlink(missing_ok=True)
    job_progress(job, len(report.rows), total=len(report.rows),
                 message=_("Recorded %(paid)d paid and %(failed)d failed; %(skipped)d rows were already "
                           "recorded.") % {"paid": report.paid_count, "failed": report.failed_count,
                                           "skipped": len(report.already_rows)})


HANDLERS = {EXPORT_KIND: export_payout_sheet, RESULTS_KIND: commit_results}
