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

from django.db import connection, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Application, Member
from cases.selectors.intake import applications_visible_to
from cases.validators import normalise_card_number
from cases.workflow import APPLICATION
from funds.awards import Award
from funds.errors import LedgerRefused
from funds.ledger import NewEntry, ledger_post_many
from funds.models import Fund, LedgerEntry
from funds.selectors import funds_visible_to
from payouts.exports import COPY_MARK, CopyOf, write_payout_sheet
from payouts.models import ExportLog, Payout, PayoutSheet, PayoutSheetLine
from payouts.selectors import payout_sheets_visible_to, payouts_visible_to
from payouts.workflow import PAYOUT, PAYOUT_SHEET
from reliefdesk.counters import counter_take
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import record_event
from reliefdesk.importing import ImportFileError, cell_text, open_table
from reliefdesk.masking import mask_card
from reliefdesk.models import District, Role
from reliefdesk.money import ZERO, quantize_money, to_decimal
from reliefdesk.registry import Registry
from reliefdesk.scope import get_or_404, require_role

FINANCE_ROLES = (Role.FINANCE,)
RESULT_PAID = "成功"
RESULT_FAILED = "失败"
LIVE_SHEET_STATES = (PayoutSheet.Status.DRAFT, PayoutSheet.Status.EXPORTED)


def _lock_sheet(sheet: PayoutSheet, actor) -> PayoutSheet:
    """The sheet row locked, if the actor may see it (404 otherwise, as for any outsider)."""
    from django.http import Http404

    locked = payout_sheets_visible_to(user=actor).select_for_update(of=("self",)).filter(pk=sheet.pk).first()
    if locked is None:
        raise Http404(_("No such record."))
    return locked


def _lock_payouts(payouts: Iterable, actor) -> list[Payout]:
    """Lock the payouts in id order (no deadlock between two finance clerks); unknown ids are 404."""
    from django.http import Http404

    ids = sorted({p.pk if isinstance(p, Payout) else int(p) for p in payouts})
    if not ids:
        raise DomainError(_("Select at least one payout."), field="payouts")
    locked = list(payouts_visible_to(user=actor).select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    if len(locked) != len(ids):
        raise Http404(_("No such record."))
    return locked


def _lock_applications(payouts: list[Payout]) -> dict[int, Application]:
    ids = sorted({p.application_id for p in payouts if p.application_id is not None})
    if not ids:
        return {}
    return {a.pk: a for a in Application.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


# --- Awards become payouts --------------------------------------------------

def payout_from_award(*, award: Award, card_number: str | None = None, bank_name: str | None = None,
                      reissue_of: Payout | None = None) -> Payout:
    """The one place a payout is built: payee, ID, card and bank come from the award (a reissue: a new card).

    An award of an application pays the application of its batch; any other kind (``award.source_kind``,
    a cycle line) is named by kind and id, with the number, category and approval title it carries.
    """
    card = card_number if card_number is not None else award.card_number
    bank = bank_name if bank_name is not None else award.bank_name
    common = {"fund_id": award.fund_id, "district_id": award.district_id, "station_id": award.station_id,
              "amount": quantize_money(award.amount), "payee_name": award.payee_name,
              "payee_id_number": award.payee_id_number, "card_number": card, "bank_name": bank,
              "reissue_of": reissue_of}
    if award.source_kind:
        if award.source_id is None or not award.reference:
            raise ValueError("an award of another kind than an application needs its source id and reference")
        return Payout(source=award.source_kind, source_id=award.source_id, reference=award.reference,
                      aid_category_id=award.category_id, approval_title=award.approval_title, **common)
    if not isinstance(award.source, Application):
        raise TypeError(f"payouts are built from approved applications, not {type(award.source).__name__}")
    return Payout(application=award.source, batch=award.approval, reference=award.source.reference,
                  aid_category_id=award.source.category_id, approval_title=award.approval.title,
                  **common)


def payout_create_for_awards(*, awards: Iterable[Award], actor) -> list[Payout]:
    """A pending payout for each approved award, in one INSERT (the approval holds the transaction)."""
    return Payout.objects.bulk_create([payout_from_award(award=award) for award in awards])


# The columns, in order, that the SELECT given to payouts_create_from_select yields for each payout.
PAYOUT_SELECT_COLUMNS = ("source_id", "fund_id", "district_id", "station_id", "amount", "payee_name",
                         "payee_id_number", "card_number", "bank_name", "reference", "aid_category_id",
                         "approval_title")


def payouts_create_from_select(*, source: str, select_sql: str, params) -> int:
    """Pending payouts for many approved records of another kind in one INSERT … SELECT.

    The set-based twin of :func:`payout_from_award` for a whole approval (a cycle of 100,000 lines):
    ``select_sql`` yields :data:`PAYOUT_SELECT_COLUMNS` in that order, the payee, ID, card and bank copied
    from the frozen approved record. The caller holds the transaction; returns how many were created.
    """
    if not source:
        raise ValueError("payouts of applications are built by payout_from_award")
    columns = ", ".join(PAYOUT_SELECT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Payout._meta.db_table} (source, status, bank_reference, failure_reason, created_at, "
            f"{columns}) SELECT %s, %s, '', '', %s, {columns} FROM ("
            + select_sql + f") AS q ({columns})",
            [source, Payout.Status.PENDING, timezone.now(), *params])
        return cursor.rowcount


def award_of(*, payout: Payout) -> Award:
    """The award a payout pays (a reissue pays the same award again)."""
    return Award(source=payout.application, approval=payout.batch, fund_id=payout.fund_id,
                 district_id=payout.district_id, station_id=payout.station_id, amount=payout.amount,
                 payee_name=payout.payee_name, payee_id_number=payout.payee_id_number,
                 card_number=payout.card_number, bank_name=payout.bank_name, source_kind=payout.source,
                 source_id=payout.source_id, reference=payout.reference, category_id=payout.aid_category_id,
                 approval_title=payout.approval_title)


# Who hears that payouts of another kind than applications were paid or failed (a cycle becomes paid once
# every line is): source kind → receive(payouts=[...], actor=...), registered by the app that made them.
PAYOUT_OUTCOME_RECEIVERS: Registry[Callable] = Registry("payout outcome receiver")


def register_payout_outcome_receivers(receivers: dict[str, Callable]) -> None:
    PAYOUT_OUTCOME_RECEIVERS.update(receivers)


def _tell_sources(payouts: list[Payout], actor) -> None:
    by_kind: dict[str, list[Payout]] = {}
    for payout in payouts:
        if payout.source:
            by_kind.setdefault(payout.source, []).append(payout)
    for kind, mine in by_kind.items():
        receive = PAYOUT_OUTCOME_RECEIVERS.get(kind)
        if receive is not None:
            receive(payouts=mine, actor=actor)


def payout_sheet_key(*, district: District, year: int) -> str:
    return f"payout_sheet:{district.pk}:{year}"


def payout_sheet_number_allocate(*, district: District, year: int) -> str:
    """SY-BF-2022-0001: per district and year, gap-free (reliefdesk.counters)."""
    sequence = counter_take(key=payout_sheet_key(district=district, year=year))
    return f"{district.code}-BF-{year}-{sequence:04d}"


def payout_sheet_create(*, actor, fund: Fund, payouts: Iterable) -> PayoutSheet:
    """Put pending payouts of one fund and one district into a new numbered sheet.

    A city-wide fund's payouts go into the sheet of their district (one district per sheet: each district's
    finance sends its own file to the bank).
    """
    require_role(actor, *FINANCE_ROLES)
    with transaction.atomic():
        fund = funds_visible_to(user=actor).filter(pk=fund.pk).first()
        if fund is None:
            from django.http import Http404

            raise Http404(_("No such record."))
        locked = _lock_payouts(payouts, actor)
        wrong_fund = [p for p in locked if p.fund_id != fund.pk]
        if wrong_fund:
            raise DomainError(_("A sheet holds the payouts of one fund only; %(count)d selected payouts belong to "
                                "another fund.") % {"count": len(wrong_fund)}, field="payouts")
        districts = {p.district_id for p in locked}
        if len(districts) > 1:
            raise DomainError(_("A sheet holds the payouts of one district only; these belong to %(count)d "
                                "districts.") % {"count": len(districts)}, field="payouts")
        district = District.objects.get(pk=fund.district_id or districts.pop())
        not_pending = [p for p in locked if p.status != Payout.Status.PENDING]
        if not_pending:
            raise TransitionNotAllowed(
                _("Only pending payouts can go into a sheet; %(count)d selected payouts are already in a sheet, "
                  "paid or failed.") % {"count": len(not_pending)}, field="payouts")
        total = quantize_money(sum((p.amount for p in locked), ZERO))
        sheet = PayoutSheet.objects.create(
            number=payout_sheet_number_allocate(district=district, year=timezone.localdate().year),
            fund=fund, district=district, created_by=actor, row_count=len(locked), total=total,
        )
        PayoutSheetLine.objects.bulk_create(
            [PayoutSheetLine(sheet=sheet, payout=p, position=i) for i, p in enumerate(locked, start=1)]
        )
        record_event(sheet, actor=actor, action="payout_sheet.created", to_status=sheet.status,
                     data={"rows": len(locked), "total": str(total)})
        PAYOUT.apply_many(locked, "put_in_sheet", actor=actor, data_for=lambda p: {"sheet": sheet.number})
    return sheet


def payout_sheet_cancel(*, sheet: PayoutSheet, actor, reason: str) -> PayoutSheet:
    """Withdraw a sheet the bank has not paid from: its payouts go back to pending."""
    require_role(actor, *FINANCE_ROLES)
    reason = (reason or "").strip()
    with transaction.atomic():
        sheet = _lock_sheet(sheet, actor)
        PAYOUT_SHEET.check(sheet, "cancel", actor=actor, reason=reason)
        payout_ids = list(sheet.lines.filter(released=False).values_list("payout_id", flat=True))
        payouts = list(Payout.objects.select_for_update().filter(pk__in=payout_ids).order_by("pk"))
        recorded = [p for p in payouts if p.status in (Payout.Status.PAID, Payout.Status.FAILED)]
        if recorded:
            raise TransitionNotAllowed(
                _("%(count)d payouts of this sheet are already recorded as paid or failed; the sheet cannot be "
                  "cancelled.") % {"count": len(recorded)})
        sheet.lines.filter(released=False).update(released=True)
        PAYOUT_SHEET.apply(sheet, "cancel", actor=actor, reason=reason)
        PAYOUT.apply_many(payouts, "release", actor=actor, reason_for=lambda p: reason,
                          data_for=lambda p: {"sheet": sheet.number})
    return sheet


@dataclass(frozen=True)
class ExportResult:
    path: str
    filename: str
    row_count: int
    total: Decimal


def payout_sheet_export_filename(*, sheet: PayoutSheet, copy: CopyOf | None = None) -> str:
    return f"拨付清单_{sheet.number}_{COPY_MARK}{copy.ordinal}.xlsx" if copy else f"拨付清单_{sheet.number}.xlsx"


def _copy_of(sheet: PayoutSheet) -> CopyOf | None:
    """None for the first export; after it, which copy the next download is."""
    logs = ExportLog.objects.filter(sheet=sheet).aggregate(count=Count("id"), first=Min("created_at"))
    return CopyOf(ordinal=logs["count"], first_exported_at=logs["first"]) if logs["count"] else None


def _refuse_recorded_sheet(sheet: PayoutSheet) -> None:
    if sheet.status == PayoutSheet.Status.CLOSED:
        raise TransitionNotAllowed(_(
            "Every payout of sheet %(number)s is recorded as paid or failed, so its bank spreadsheet is not "
            "given out again: the bank could execute it a second time. The sheet page lists each payout and "
            "its result.") % {"number": sheet.number}, code="recorded")


def payout_sheet_export(*, sheet: PayoutSheet, actor, path: str | os.PathLike | None = None,
                 progress: Callable[[int], None] | None = None) -> ExportResult:
    """Write the bank's spreadsheet to ``path`` (a temporary file if None) and log who took it.

    Full ID and card numbers leave the system here, so only finance may do it
    and every export is logged. Exporting again gives the same rows, in a file
    named and marked (汇总) as a copy; a sheet whose payouts are all recorded
    (closed) gives no file at all, so nothing the bank could execute again
    leaves the system after the money moved.
    """

    require_role(actor, *FINANCE_ROLES)
    if path is None:
        import tempfile

        handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
        handle.close()
        path = handle.name
    # The file is written outside the transaction: a background job's progress
    # must be visible while it runs, and the lines of a live sheet never change.
    sheet = get_or_404(payout_sheets_visible_to(user=actor), pk=sheet.pk)
    _refuse_recorded_sheet(sheet)
    PAYOUT_SHEET.check(sheet, _export_action(sheet), actor=actor)
    copy = _copy_of(sheet)
    rows, total = write_payout_sheet(sheet, path, actor=actor, copy=copy, progress=progress)
    with transaction.atomic():
        sheet = _lock_sheet(sheet, actor)
        try:
            _refuse_recorded_sheet(sheet)
            action = PAYOUT_SHEET.check(sheet, _export_action(sheet), actor=actor).action
        except TransitionNotAllowed:
            Path(path).unlink(missing_ok=True)
            raise
        locked_copy = _copy_of(sheet)
        if locked_copy != copy:
            # Another download went first while this file was written: this one is (another) copy.
            copy = locked_copy
            rows, total = write_payout_sheet(sheet, path, actor=actor, copy=copy)
        ExportLog.objects.create(sheet=sheet, user=actor, row_count=rows, total=total)
        if action == "export":
            PAYOUT_SHEET.apply(sheet, "export", actor=actor, data={"rows": rows, "total": str(total)})
        else:
            record_event(sheet, actor=actor, action="payout_sheet.exported_again",
                         data={"rows": rows, "total": str(total), "copy": copy.ordinal if copy else 0})
    return ExportResult(path=str(path), filename=payout_sheet_export_filename(sheet=sheet, copy=copy),
                        row_count=rows, total=total)


def _export_action(sheet: PayoutSheet) -> str:
    return "export" if sheet.status == PayoutSheet.Status.DRAFT else "export_again"


def _check_recordable(payouts: list[Payout]) -> dict[int, PayoutSheet]:
    """Every payout is in an exported sheet and not yet recorded; returns each payout's live sheet."""
    lines = (PayoutSheetLine.objects.filter(payout__in=payouts, released=False).select_related("sheet"))
    sheet_of = {line.payout_id: line.sheet for line in lines}
    not_in_sheet = [p for p in payouts if p.status != Payout.Status.IN_SHEET]
    if not_in_sheet:
        raise TransitionNotAllowed(
            _("Only payouts in a sheet can be recorded as paid or failed; not in a sheet: %(refs)s.")
            % {"refs": ", ".join(p.reference for p in not_in_sheet[:5])}, field="payouts")
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
        if "close" in PAYOUT_SHEET.allowed_actions(sheet, user=actor) and not open_lines:
            PAYOUT_SHEET.apply(sheet, "close", actor=actor)


def _references(payouts: list[Payout]) -> dict[int, str]:
    """payout id → the number it carries (the application's, a cycle line's): loaded, else in one query."""
    if all(p.reference for p in payouts):
        return {p.pk: p.reference for p in payouts}
    return dict(Payout.objects.filter(pk__in=[p.pk for p in payouts]).values_list("pk", "reference"))


def payout_post_debits(*, payouts: list[Payout], actor, booked_on: dt.date) -> dict[int, int]:
    """One ledger debit for each payout, refused as a whole if one is already booked; payout id → entry id.

    The caller links each payout to its debit in the same transaction (a paid payout without its
    debit, or two payouts on one debit, is refused by the database).
    """
    booked = [p for p in payouts if p.ledger_entry_id]
    if booked:
        raise LedgerRefused(_("%(count)d of these payouts are already booked in the ledger.") % {"count": len(booked)},
                            code="payout_booked")
    references = _references(payouts)
    city_wide = set(Fund.objects.filter(pk__in={p.fund_id for p in payouts}, district__isnull=True)
                    .values_list("pk", flat=True))
    ids = ledger_post_many(entries=[
        NewEntry(fund_id=p.fund_id, kind=LedgerEntry.Kind.PAYOUT, amount=-p.amount, booked_on=booked_on,
                 description=" ".join(part for part in ("拨付", references.get(p.pk, ""), p.payee_name) if part),
                 # A city-wide fund pays from the part of the payout's district.
                 district_id=p.district_id if p.fund_id in city_wide else None)
        for p in payouts
    ], actor=actor)
    return {p.pk: entry_id for p, entry_id in zip(payouts, ids)}


def _record_paid(entries: list[tuple[Payout, str]], *, actor, paid_on: dt.date) -> None:
    """Mark locked payouts paid, each with its bank reference: one ledger debit each, cases paid.

    Set-based: the same handful of statements for one payout or ten thousand.
    """
    payouts = [p for p, _ref in entries]
    bank_reference = {p.pk: reference for p, reference in entries}
    debits = payout_post_debits(payouts=payouts, actor=actor, booked_on=paid_on)
    PAYOUT.apply_many(payouts, "pay", actor=actor,
                      columns={"paid_on": "date", "bank_reference": "text", "ledger_entry_id": "bigint"},
                      values_for=lambda p: (paid_on, bank_reference[p.pk], debits[p.pk]),
                      data_for=lambda p: {"bank_reference": bank_reference[p.pk], "paid_on": paid_on.isoformat(),
                                          "amount": str(p.amount)})
    for payout in payouts:
        payout.paid_on, payout.bank_reference, payout.ledger_entry_id = paid_on, bank_reference[payout.pk], \
            debits[payout.pk]
    applications = _lock_applications(payouts)
    payout_of = {p.application_id: p for p in payouts}
    paid_at = timezone.now()
    APPLICATION.apply_many(list(applications.values()), "mark_paid", actor=actor,
                           columns={"paid_at": "timestamptz"}, values_for=lambda a: (paid_at,),
                           data_for=lambda a: {"payout": payout_of[a.pk].pk, "amount": str(payout_of[a.pk].amount),
                                               "bank_reference": bank_reference[payout_of[a.pk].pk]})
    _tell_sources(payouts, actor)


def _record_failed(entries: list[tuple[Payout, str]], *, actor) -> None:
    """Mark locked payouts failed with the bank's reason; their cases become payment_failed."""
    payouts = [p for p, _reason in entries]
    reason_of = {p.pk: reason for p, reason in entries}
    PAYOUT.apply_many(payouts, "fail", actor=actor, columns={"failure_reason": "text"},
                      values_for=lambda p: (reason_of[p.pk],), reason_for=lambda p: reason_of[p.pk])
    for payout in payouts:
        payout.failure_reason = reason_of[payout.pk]
    applications = _lock_applications(payouts)
    payout_of = {p.application_id: p for p in payouts}
    APPLICATION.apply_many(list(applications.values()), "mark_failed", actor=actor,
                           reason_for=lambda a: reason_of[payout_of[a.pk].pk],
                           data_for=lambda a: {"payout": payout_of[a.pk].pk})
    _tell_sources(payouts, actor)


def payout_mark_paid(*, payouts: Iterable, actor, paid_on: dt.date, bank_reference: str) -> list[Payout]:
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


def payout_mark_failed(*, payouts: Iterable, actor, reason: str) -> list[Payout]:
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

    require_role(actor, *FINANCE_ROLES)
    card_number = normalise_card_number(card_number)
    bank_name = (bank_name or "").strip()
    if not card_number:
        raise DomainError(_("The card number is required."), field="card_number")
    if not bank_name:
        raise DomainError(_("The bank is required."), field="bank_name")
    with transaction.atomic():
        (old,) = _lock_payouts([payout], actor)
        PAYOUT.check(old, "reissue", actor=actor)
        if Payout.objects.filter(reissue_of=old).exists():
            raise TransitionNotAllowed(_("This payout has already been reissued."))
        application = _lock_applications([old]).get(old.application_id)
        new = payout_from_award(award=award_of(payout=old), card_number=card_number, bank_name=bank_name,
                                reissue_of=old)
        new.save()
        record_event(new, actor=actor, action="payout.reissued", to_status=new.status,
                     data={"reissue_of": old.pk, "old_card": old.card_number[-4:], "new_card": card_number[-4:]})
        if application is not None:
            APPLICATION.apply(application, "reissue", actor=actor, data={"payout": new.pk, "reissue_of": old.pk})
    return new


def payouts_apply_member_card(*, actor, member: Member, payouts: Iterable) -> list[Payout]:
    """Put the member's current card and bank on his pending payouts (finance's explicit step).

    Only payouts of this member that are pending and in no live sheet change; each gets a history row with
    the card it had and the one it has now (last four digits). Anything else refuses the whole request.
    """
    require_role(actor, *FINANCE_ROLES)
    with transaction.atomic():
        locked = _lock_payouts(payouts, actor)
        member = Member.objects.select_for_update().get(pk=member.pk)
        if not member.card_number or not member.bank_name:
            raise DomainError(_("The member has no card and bank on file to apply."))
        others = [p.pk for p in locked if p.application_id is None or p.application.member_id != member.pk]
        if others:
            raise DomainError(_("These payouts are not this member's: %(ids)s.")
                              % {"ids": ", ".join(f"#{pk}" for pk in others)}, field="payouts")
        in_sheet = set(PayoutSheetLine.objects.filter(payout__in=locked, released=False)
                       .values_list("payout_id", flat=True))
        closed = [p for p in locked if p.status != Payout.Status.PENDING or p.pk in in_sheet]
        if closed:
            raise TransitionNotAllowed(
                _("Only pending payouts outside any live sheet take a new card; not: %(refs)s.")
                % {"refs": ", ".join(f"{p.reference} ({p.get_status_display()})" for p in closed)})
        changed = [p for p in locked if (p.card_number, p.bank_name) != (member.card_number, member.bank_name)]
        for payout in changed:
            old_card, old_bank = payout.card_number, payout.bank_name
            payout.card_number, payout.bank_name = member.card_number, member.bank_name
            payout.save(update_fields=["card_number", "bank_name"])
            record_event(payout, actor=actor, action="payout.card_updated",
                         data={"member": member.pk, "old_card": mask_card(old_card),
                               "new_card": mask_card(member.card_number), "old_bank": old_bank,
                               "new_bank": member.bank_name})
        return changed


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


def _parse_result_file(path) -> ResultImport:
    """Every row of the bank's file (reliefdesk.importing reads it as every import does)."""
    report = ResultImport(rows=[])
    try:
        table = open_table(path, columns=RESULT_COLUMNS, required=REQUIRED_RESULT_COLUMNS)
    except ImportFileError as exc:
        report.file_errors.append(exc.message)
        return report
    for number, values in table.rows:
        row = ResultRow(line=number, reference=cell_text(table.cell(values, "reference")),
                        result=cell_text(table.cell(values, "result")),
                        bank_reference=cell_text(table.cell(values, "bank_reference")),
                        reason=cell_text(table.cell(values, "reason")))
        raw_amount = table.cell(values, "amount")
        if cell_text(raw_amount):
            try:
                row.amount = quantize_money(to_decimal(raw_amount))
            except (InvalidOperation, ValueError):
                row.errors.append(_("The amount “%(value)s” is not a number.") % {"value": cell_text(raw_amount)})
        report.rows.append(row)
    if not report.rows:
        report.file_errors.append(_("The file has no result rows."))
    return report


def _check_result_rows(report: ResultImport, sheet: PayoutSheet, actor) -> None:
    lines = {line.payout.reference: line.payout
             for line in sheet.lines.filter(released=False).select_related("payout")}
    references = {r.reference for r in report.rows}
    known = set(applications_visible_to(user=actor).filter(reference__in=references)
                .values_list("reference", flat=True))
    known |= set(payouts_visible_to(user=actor).filter(reference__in=references).values_list("reference", flat=True))
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


RESULT_FOLDER = "payout-results"


def payout_sheet_import_results(*, sheet: PayoutSheet, actor, file, commit: bool = False,
                                paid_on: dt.date | None = None,
                                progress: Callable[[str], None] | None = None) -> ResultImport:
    """Check the bank's result file against the sheet; with ``commit``, apply every row or none.

    Rows already recorded with the same result (and, when paid, the same bank
    reference) are skipped, so importing the same file twice changes nothing.
    The commit is set-based: the same number of statements for ten rows or
    ten thousand (tests/payouts/test_import.py counts them).
    """
    require_role(actor, *FINANCE_ROLES)
    paid_on = paid_on or timezone.localdate()
    if paid_on > timezone.localdate():
        raise DomainError(_("The payment date cannot be in the future."), field="paid_on")
    report = _parse_result_file(file)
    if progress:
        progress(_("%(rows)d rows read.") % {"rows": len(report.rows)})
    with transaction.atomic():
        sheet = _lock_sheet(sheet, actor)
        PAYOUT_SHEET.check(sheet, "import_results", actor=actor)
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
        if progress:
            progress(_("Every row checked; recording…"))
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

