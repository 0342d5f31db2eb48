"""Background jobs of the cases app: large payout sheets are built by the worker."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from payouts.models import PayoutSheet
from reliefdesk.jobs import job_progress
from reliefdesk.models import Job

EXPORT_KIND = "payout_sheet_export"


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_payout_sheet(job: Job) -> None:
    """Write the sheet's spreadsheet as its starter (scope and role are checked again as him)."""
    from payouts.services import sheet_export, sheet_export_filename

    sheet = PayoutSheet.objects.get(pk=job.params["sheet_id"])
    path = export_dir() / f"job-{job.pk}-{sheet.number}.xlsx"
    job_progress(job, 0, total=sheet.row_count, message=_("Writing the spreadsheet…"))
    result = sheet_export(sheet=sheet, actor=job.created_by, path=path,
                          progress=lambda done: job_progress(job, done))
    Job.objects.filter(pk=job.pk).update(result_file=str(path), result_name=sheet_export_filename(sheet),
                                         done=result.row_count,
                                         message=_("%(rows)d rows, %(total)s yuan.")
                                         % {"rows": result.row_count, "total": f"{result.total:,.2f}"})


HANDLERS = {EXPORT_KIND: export_payout_sheet}
