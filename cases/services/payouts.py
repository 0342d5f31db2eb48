"""Payouts and payout sheets: the writes finance makes after approval.

A payout is pending until finance puts it in a numbered sheet (拨付清单),
which is exported for the bank. The bank's answer is recorded by hand or by
importing its result file: paid (one ledger debit, the case becomes paid) or
failed (the case becomes payment_failed until a new payout with a corrected
card is issued). A payout is in at most one live sheet; the database refuses
a second one, so nobody is paid twice.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Application, ExportLog, Payout, PayoutSheet, PayoutSheetLine
from cases.workflow import apply_transition
from funds.models import Fund
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import bulk_record_events, record_event
from reliefdesk.models import District, Role
from reliefdesk.money import ZERO, quantize_money, to_decimal
from reliefdesk.scope import get_scoped_or_404, require_role, scope_queryset

FINANCE_ROLES = (Role.FINANCE,)
RESULT_PAID = "成功"
RESULT_FAILED = "失败"
LIVE_SHEET_STATES = (PayoutSheet.Status.DRAFT, PayoutSheet.Status.EXPORTED)


def _lock_sheet(sheet: PayoutSheet, actor) -> PayoutSheet:
    """The sheet row locked, if the actor may see it (404 otherwise, as for any outsider)."""
    from django.http import Http404

    locked = scope_queryset(PayoutSheet.objects.select_for_update(), actor, station=None).filter(pk=sheet.pk).first()
    if locked is None:
        raise Http404(_("No such record."))
    return locked


def _lock_payouts(payouts: Iterable, actor) -> list[Payout]:
    """Lock the payouts in id order (no deadlock between two finance clerks); unknown ids are 404."""
    from django.http import Http404

    ids = sorted({p.pk if isinstance(p, Payout) else int(p) for p in payouts})
    if not ids:
        raise DomainError(_("Select at least one payout."), field="payouts")
    locked = list(scope_queryset(Payout.objects.select_for_update(), actor).filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise Http404(_("No such record."))
    return locked


def _lock_applications(payouts: list[Payout]) -> dict[int, Application]:
    ids = sorted({p.application_id for p in payouts})
    return {a.pk: a for a in Application.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _next_sheet_number(district: District, year: int) -> str:
    """SY-BF-2022-0001: per district and year. The caller holds the district row lock."""
    prefix = f"{district.code}-BF-{year}-"
    numbers = PayoutSheet.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max((int(n[len(prefix):]) for n in numbers if n[len(prefix):].isdigit()), default=0)
    return f"{prefix}{last + 1:04d}"


def sheet_create(*, actor, fund: Fund, payouts: Iterable) -> PayoutSheet:
    """Put pending payouts of one fund into a new numbered sheet."""
    require_role(actor, *FINANCE_ROLES)
    with transaction.atomic():
        fund = scope_queryset(Fund.objects.all(), actor, station=None).filter(pk=fund.pk).first()
        if fund is None or fund.district_id is None:
            from django.http import Http404

            raise Http404(_("No such record."))
        # Serialises numbering per district: two clerks never get the same number.
        district = District.objects.select_for_update().get(pk=fund.district_id)
        locked = _lock_payouts(payouts, actor)
        wrong_fund = [p for p in locked if p.fund_id != fund.pk]
        if wrong_fund:
            raise DomainError(_("A sheet holds the payouts of one fund only; %(count)d selected payouts belong to "
                                "another fund.") % {"count": len(wrong_fund)}, field="payouts")
        not_pending = [p for p in locked if p.status != Payout.Status.PENDING]
        if not_pending:
            raise TransitionNotAllowed(
                _("Only pending payouts can go into a sheet; %(count)d selected payouts are already in a sheet, "
                  "paid or failed.") % {"count": len(not_pending)}, field="payouts")
        total = quantize_money(sum((p.amount for p in locked), ZERO))
        sheet = PayoutSheet.objects.create(
            number=_next_sheet_number(district, timezone.localdate().year),
            fund=fund, district=district, created_by=actor, row_count=len(locked), total=total,
        )
        PayoutSheetLine.objects.bulk_create(
            [PayoutSheetLine(sheet=sheet, payout=p, position=i) for i, p in enumerate(locked, start=1)]
        )
        Payout.objects.filter(pk__in=[p.pk for p in locked]).update(status=Payout.Status.IN_SHEET)
        for p in locked:
            p.status = Payout.Status.IN_SHEET
        record_event(sheet, actor=actor, action="payout_sheet.created", to_status=sheet.status,
                     data={"rows": len(locked), "total": str(total)})
        bulk_record_events(locked, actor=actor, action="payout.in_sheet", from_status=Payout.Status.PENDING,
                           to_status=Payout.Status.IN_SHEET, data={"sheet": sheet.number})
    return sheet


def sheet_cancel(*, sheet: PayoutSheet, actor, reason: str) -> PayoutSheet:
    """Withdraw a sheet the bank has not paid from: its payouts go back to pending."""
    require_role(actor, *FINANCE_ROLES)
    reason = (reason or "").strip()
    with transaction.atomic():
        sheet = _lock_sheet(sheet, actor)
        if sheet.status not in LIVE_SHEET_STATES:
            raise TransitionNotAllowed(_("This sheet is %(status)s and cannot be cancelled.")
                                       % {"status": sheet.get_status_display()})
        if not reason:
            raise DomainError(_("A reason is required."), field="reason")
        payout_ids = list(sheet.lines.filter(released=False).values_list("payout_id", flat=True))
        payouts = list(Payout.objects.select_for_update().filter(pk__in=payout_ids).order_by("pk"))
        recorded = [p for p in payouts if p.status in (Payout.Status.PAID, Payout.Status.FAILED)]
        if recorded:
            raise TransitionNotAllowed(
                _("%(count)d payouts of this sheet are already recorded as paid or failed; the sheet cannot be "
                  "cancelled.") % {"count": len(recorded)})
        sheet.lines.filter(released=False).update(released=True)
        Payout.objects.filter(pk__in=payout_ids).update(status=Payout.Status.PENDING)
        from_status = sheet.status
        sheet.status = PayoutSheet.Status.CANCELLED
        sheet.cancelled_reason = reason
        sheet.save(update_fields=["status", "cancelled_reason"])
        record_event(sheet, actor=actor, action="payout_sheet.cancelled", from_status=from_status,
                     to_status=sheet.status, reason=reason)
        bulk_record_events(payouts, actor=actor, action="payout.released", from_status=Payout.Status.IN_SHEET,
                           to_status=Payout.Status.PENDING, reason=reason, data={"sheet": sheet.number})
    return sheet


@dataclass(frozen=True)
class ExportResult:
    path: str
    filename: str
    row_count: int
    total: Decimal


def sheet_export_filename(sheet: PayoutSheet) -> str:
    return f"拨付清单_{sheet.number}.xlsx"


def sheet_export(*, sheet: PayoutSheet, actor, path: str | os.PathLike | None = None,
                 progress: Callable[[int], None] | None = None) -> ExportResult:
    """Write the bank's spreadsheet to ``path`` (a temporary file if None) and log who took it.

    Full ID and card numbers leave the system here, so only finance may do it
    and every export is logged. Exporting again gives the same rows.
    """
    from cases.exports import write_payout_sheet

    require_role(actor, *FINANCE_ROLES)
    if path is None:
        import tempfile

        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
        handle.close()
        path = handle.name
    # The file is written outside the transaction: a background job's progress
    # must be visible while it runs, and the lines of a live sheet never change.
    sheet = get_scoped_or_404(PayoutSheet.objects.select_related("fund"), actor, station=None, pk=sheet.pk)
    if sheet.status == PayoutSheet.Status.CANCELLED:
        raise TransitionNotAllowed(_("A cancelled sheet cannot be exported."))
    rows, total = write_payout_sheet(sheet, path, actor=actor, progress=progress)
    with transaction.atomic():
        sheet = _lock_sheet(sheet, actor)
        if sheet.status == PayoutSheet.Status.CANCELLED:
            Path(path).unlink(missing_ok=True)
            raise TransitionNotAllowed(_("A cancelled sheet cannot be exported."))
        ExportLog.objects.create(sheet=sheet, user=actor, row_count=rows, total=total)
        if sheet.status == PayoutSheet.Status.DRAFT:
            sheet.status = PayoutSheet.Status.EXPORTED
            sheet.save(update_fields=["status"])
            record_event(sheet, actor=actor, action="payout_sheet.exported", from_status=PayoutSheet.Status.DRAFT,
                         to_status=sheet.status, data={"rows": rows, "total": str(total)})
        else:
            record_event(sheet, actor=actor, action="payout_sheet.exported_again",
                         data={"rows": rows, "total": str(total)})
    return ExportResult(path=str(path), filename=sheet_export_filename(sheet), row_count=rows, total=total)


def _check_recordable(payouts: list[Payout]) -> dict[int, PayoutSheet]:
    """Every payout is in an exported sheet and not yet recorded; returns each payout's live sheet."""
    lines = (PayoutSheetLine.objects.filter(payout__in=payouts, released=False).select_related("sheet"))
    sheet_of = {line.payout_id: line.sheet for line in lines}
    not_in_sheet = [p for p in payouts if p.status != Payout.Status.IN_SHEET]
    if not_in_sheet:
        raise TransitionNotAllowed(
            _("Only payouts in a sheet can be recorded as paid or failed; not in a sheet: %(refs)s.")
            % {"refs": ", ".join(p.application.reference for p in not_in_sheet[:5])}, field="payouts")
    unexported = sorted({sheet_of[p.pk].number for p in payouts if sheet_of[p.pk].status != PayoutSheet.Status.EXPORTED})
    if unexported:
        raise TransitionNotAllowed(
            _("Sheet %(numbers)s has not been exported to the bank yet; export it before recording results.")
            % {"numbers": ", ".join(unexported)}, field="payouts")
    return sheet_of


def _close_finished_sheets(sheets: Iterable[PayoutSheet], actor) -> None:
    for sheet in {s.pk: s for s in sheets}.values():
        sheet = PayoutSheet.objects.select_for_update().get(pk=sheet.pk)
        open_lines = sheet.lines.filter(released=False, payout__status=Payout.Status.IN_SHEET).exists()
        if sheet.status == PayoutSheet.Status.EXPORTED and not open_lines:
            sheet.status = PayoutSheet.Status.CLOSED
            sheet.save(update_fields=["status"])
            record_event(sheet, actor=actor, action="payout_sheet.closed", from_status=PayoutSheet.Status.EXPORTED,
                         to_status=sheet.status)


def _record_paid(entries: list[tuple[Payout, str]], *, actor, paid_on: dt.date) -> None:
    """Mark locked payouts paid, each with its bank reference: one ledger debit each, cases paid."""
    from funds.ledger import bulk_post_payout_debits

    payouts = [p for p, _ref in entries]
    applications = _lock_applications(payouts)
    paid_at = timezone.now()
    for payout, reference in entries:
        payout.status = Payout.Status.PAID
        payout.paid_on = paid_on
        payout.bank_reference = reference
        payout.save(update_fields=["status", "paid_on", "bank_reference"])
        record_event(payout, actor=actor, action="payout.paid", from_status=Payout.Status.IN_SHEET,
                     to_status=Payout.Status.PAID, data={"bank_reference": reference, "paid_on": paid_on.isoformat(),
                                                         "amount": str(payout.amount)})
        application = applications[payout.application_id]
        application.paid_at = paid_at
        apply_transition(application, "mark_paid", actor=actor, update_fields=("paid_at",),
                         data={"payout": payout.pk, "amount": str(payout.amount), "bank_reference": reference})
    bulk_post_payout_debits(payouts=payouts, actor=actor, booked_on=paid_on)


def _record_failed(entries: list[tuple[Payout, str]], *, actor) -> None:
    applications = _lock_applications([p for p, _reason in entries])
    for payout, reason in entries:
        payout.status = Payout.Status.FAILED
        payout.failure_reason = reason
        payout.save(update_fields=["status", "failure_reason"])
        record_event(payout, actor=actor, action="payout.failed", from_status=Payout.Status.IN_SHEET,
                     to_status=Payout.Status.FAILED, reason=reason)
        apply_transition(applications[payout.application_id], "mark_failed", actor=actor, reason=reason,
                         data={"payout": payout.pk})


def payouts_mark_paid(*, payouts: Iterable, actor, paid_on: dt.date, bank_reference: str) -> list[Payout]:
    """Record that the bank paid these payouts (by hand, several at once)."""
    require_role(actor, *FINANCE_ROLES)
    bank_reference = (bank_reference or "").strip()
    if not bank_reference:
        raise DomainError(_("The bank reference is required."), field="bank_reference")
    if paid_on is None or paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."), field="paid_on")
    with transaction.atomic():
        locked = _lock_payouts(payouts, actor)
        sheet_of = _check_recordable(locked)
        _record_paid([(p, bank_reference) for p in locked], actor=actor, paid_on=paid_on)
        _close_finished_sheets(sheet_of.values(), actor)
    return locked


def payouts_mark_failed(*, payouts: Iterable, actor, reason: str) -> list[Payout]:
    """Record that the bank could not pay these payouts (wrong card, closed account...)."""
    require_role(actor, *FINANCE_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A reason is required."), field="reason")
    with transaction.atomic():
        locked = _lock_payouts(payouts, actor)
        sheet_of = _check_recordable(locked)
        _record_failed([(p, reason) for p in locked], actor=actor)
        _close_finished_sheets(sheet_of.values(), actor)
    return locked


def payout_reissue(*, payout: Payout, actor, card_number: str, bank_name: str) -> Payout:
    """Pay a failed payout again with a corrected card: a new payout; the failed one stays as it was."""
    from cases.validators import normalise_card_number

    require_role(actor, *FINANCE_ROLES)
    card_number = normalise_card_number(card_number)
    bank_name = (bank_name or "").strip()
    if not card_number:
        raise DomainError(_("The card number is required."), field="card_number")
    if not bank_name:
        raise DomainError(_("The bank is required."), field="bank_name")
    with transaction.atomic():
        (old,) = _lock_payouts([payout], actor)
        if old.status != Payout.Status.FAILED:
            raise TransitionNotAllowed(_("Only a failed payout can be reissued; this one is %(status)s.")
                                       % {"status": old.get_status_display()})
        if Payout.objects.filter(reissue_of=old).exists():
            raise TransitionNotAllowed(_("This payout has already been reissued."))
        application = _lock_applications([old])[old.application_id]
        new = Payout.objects.create(
            application=old.application, fund_id=old.fund_id, batch_id=old.batch_id, district_id=old.district_id,
            station_id=old.station_id, amount=old.amount, payee_name=old.payee_name,
            payee_id_number=old.payee_id_number, card_number=card_number, bank_name=bank_name, reissue_of=old,
        )
        record_event(new, actor=actor, action="payout.reissued", to_status=new.status,
                     data={"reissue_of": old.pk, "old_card": old.card_number[-4:], "new_card": card_number[-4:]})
        apply_transition(application, "reissue", actor=actor, data={"payout": new.pk, "reissue_of": old.pk})
    return new


# --- The bank's result file -------------------------------------------------

RESULT_COLUMNS = {
    "reference": "申请编号",
    "result": "结果",
    "bank_reference": "银行流水号",
    "reason": "失败原因",
    "amount": "金额(元)",
}
REQUIRED_RESULT_COLUMNS = ("reference", "result")


@dataclass
class ResultRow:
    line: int
    reference: str
    result: str
    bank_reference: str = ""
    reason: str = ""
    amount: Decimal | None = None
    payout: Payout | None = None
    errors: list[str] = field(default_factory=list)
    already_recorded: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def paid(self) -> bool:
        return self.result == RESULT_PAID


@dataclass
class ResultImport:
    rows: list[ResultRow]
    file_errors: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def bad_rows(self) -> list[ResultRow]:
        return [r for r in self.rows if r.errors]

    @property
    def new_rows(self) -> list[ResultRow]:
        return [r for r in self.rows if not r.errors and not r.already_recorded]

    @property
    def already_rows(self) -> list[ResultRow]:
        return [r for r in self.rows if not r.errors and r.already_recorded]

    @property
    def valid(self) -> bool:
        return not self.file_errors and not self.bad_rows

    @property
    def paid_count(self) -> int:
        return sum(1 for r in self.new_rows if r.paid)

    @property
    def failed_count(self) -> int:
        return sum(1 for r in self.new_rows if not r.paid)

    @property
    def paid_total(self) -> Decimal:
        return quantize_money(sum((r.payout.amount for r in self.new_rows if r.paid), ZERO))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_result_file(file) -> ResultImport:
    from reliefdesk.xlsx import read_rows

    report = ResultImport(rows=[])
    try:
        rows = iter(read_rows(file))
        header = next(rows, None)
    except Exception:  # openpyxl raises many kinds for a file that is not xlsx
        report.file_errors.append(_("This file is not an Excel workbook (.xlsx)."))
        return report
    if header is None:
        report.file_errors.append(_("The file is empty."))
        return report
    titles = [_text(h) for h in header]
    positions = {key: titles.index(title) for key, title in RESULT_COLUMNS.items() if title in titles}
    missing = [RESULT_COLUMNS[key] for key in REQUIRED_RESULT_COLUMNS if key not in positions]
    if missing:
        report.file_errors.append(_("The first row must name the columns; missing: %(columns)s.")
                                  % {"columns": "、".join(missing)})
        return report

    def cell(values, key):
        index = positions.get(key)
        return values[index] if index is not None and index < len(values) else None

    for number, values in enumerate(rows, start=2):
        if not any(_text(v) for v in values):
            continue
        row = ResultRow(line=number, reference=_text(cell(values, "reference")), result=_text(cell(values, "result")),
                        bank_reference=_text(cell(values, "bank_reference")), reason=_text(cell(values, "reason")))
        raw_amount = cell(values, "amount")
        if _text(raw_amount):
            try:
                row.amount = quantize_money(to_decimal(raw_amount))
            except (InvalidOperation, ValueError):
                row.errors.append(_("The amount “%(value)s” is not a number.") % {"value": _text(raw_amount)})
        report.rows.append(row)
    if not report.rows:
        report.file_errors.append(_("The file has no result rows."))
    return report


def _check_result_rows(report: ResultImport, sheet: PayoutSheet, actor) -> None:
    lines = {line.payout.application.reference: line.payout
             for line in sheet.lines.filter(released=False).select_related("payout__application")}
    references = {r.reference for r in report.rows}
    known = set(scope_queryset(Application.objects.filter(reference__in=references), actor)
                .values_list("reference", flat=True))
    seen: dict[str, int] = {}
    for row in report.rows:
        if not row.reference:
            row.errors.append(_("The application number is empty."))
            continue
        if row.reference in seen:
            row.errors.append(_("Application %(ref)s appears twice (also on row %(line)d).")
                              % {"ref": row.reference, "line": seen[row.reference]})
            continue
        seen[row.reference] = row.line
        payout = lines.get(row.reference)
        if payout is None:
            if row.reference in known:
                row.errors.append(_("Application %(ref)s is not in this sheet.") % {"ref": row.reference})
            else:
                row.errors.append(_("Unknown application number %(ref)s.") % {"ref": row.reference})
            continue
        row.payout = payout
        if row.result not in (RESULT_PAID, RESULT_FAILED):
            row.errors.append(_("The result must be %(paid)s (success) or %(failed)s (failure), not “%(value)s”.")
                              % {"paid": RESULT_PAID, "failed": RESULT_FAILED, "value": row.result})
            continue
        if row.amount is not None and row.amount != payout.amount:
            row.errors.append(_("The amount %(file)s differs from the payout's %(payout)s.")
                              % {"file": row.amount, "payout": payout.amount})
        if row.paid and not row.bank_reference:
            row.errors.append(_("A paid row needs the bank reference (%(column)s).")
                              % {"column": RESULT_COLUMNS["bank_reference"]})
        if not row.paid and not row.reason:
            row.errors.append(_("A failed row needs the reason (%(column)s).") % {"column": RESULT_COLUMNS["reason"]})
        if row.errors:
            continue
        if payout.status == Payout.Status.PAID:
            if row.paid and payout.bank_reference == row.bank_reference:
                row.already_recorded = True
            else:
                row.errors.append(_("Application %(ref)s is already paid (bank reference %(bank_ref)s).")
                                  % {"ref": row.reference, "bank_ref": payout.bank_reference})
        elif payout.status == Payout.Status.FAILED:
            if not row.paid:
                row.already_recorded = True
            else:
                row.errors.append(_("Application %(ref)s is already recorded as failed; reissue it instead.")
                                  % {"ref": row.reference})


def sheet_import_results(*, sheet: PayoutSheet, actor, file, commit: bool = False,
                         paid_on: dt.date | None = None) -> ResultImport:
    """Check the bank's result file against the sheet; with ``commit``, apply every row or none.

    Rows already recorded with the same result (and, when paid, the same bank
    reference) are skipped, so importing the same file twice changes nothing.
    """
    require_role(actor, *FINANCE_ROLES)
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."), field="paid_on")
    report = _parse_result_file(file)
    with transaction.atomic():
        sheet = _lock_sheet(sheet, actor)
        if sheet.status not in (PayoutSheet.Status.EXPORTED, PayoutSheet.Status.CLOSED):
            raise TransitionNotAllowed(_("Results can only be imported for an exported sheet; this one is "
                                         "%(status)s.") % {"status": sheet.get_status_display()})
        if report.file_errors:
            return report
        if commit:
            # Lock before checking, so the check and the writes see the same rows.
            list(Payout.objects.select_for_update().filter(sheet_lines__sheet=sheet, sheet_lines__released=False)
                 .order_by("pk"))
        _check_result_rows(report, sheet, actor)
        if not commit:
            return report
        if not report.valid:
            raise DomainError(_("The file has %(count)d rows with errors; nothing was recorded.")
                              % {"count": len(report.bad_rows)})
        paid = [(r.payout, r.bank_reference) for r in report.new_rows if r.paid]
        failed = [(r.payout, r.reason) for r in report.new_rows if not r.paid]
        if paid:
            _record_paid(paid, actor=actor, paid_on=paid_on)
        if failed:
            _record_failed(failed, actor=actor)
        if paid or failed:
            record_event(sheet, actor=actor, action="payout_sheet.results_imported",
                         data={"paid": len(paid), "failed": len(failed), "skipped": len(report.already_rows)})
        _close_finished_sheets([sheet], actor)
        report.committed = True
    return report


def result_upload_dir() -> Path:
    from django.conf import settings

    path = Path(settings.MEDIA_ROOT) / "payout-results"
    path.mkdir(parents=True, exist_ok=True)
    return path
