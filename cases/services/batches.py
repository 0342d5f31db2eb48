"""Approval batches: assemble verified cases, run the public notice, approve after the meeting.

Approval is all or nothing: every case of the batch is frozen and gets its
payout in one transaction with bulk statements, so a batch of ten thousand
cases costs the same handful of queries as a batch of three.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, F, Sum, TextField, Value, When
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Application, Batch
from cases.selectors.batches import batches_visible_to
from cases.selectors.intake import applications_visible_to
from cases.services.review import application_lock
from cases.workflow import APPLICATION, BATCH
from funds.awards import Award, awards_hand_over
from funds.models import Fund
from funds.selectors import fund_position, funds_visible_to
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import bulk_record_events, record_event
from reliefdesk.models import Role
from reliefdesk.money import ZERO, format_money, quantize_money
from reliefdesk.scope import district_of, get_or_404, require_role
from reliefdesk.notice import meeting_check, notice_end

S = Application.Status
B = Batch.Status

# Snapshots per UPDATE statement when approving: a batch of a thousand cases is one
# statement; the largest batches (tens of thousands) stay within a few.
SNAPSHOT_CHUNK = 20000


def batch_lock(batch: Batch | int, actor, *roles: str) -> Batch:
    require_role(actor, *roles)
    pk = batch.pk if isinstance(batch, Batch) else batch
    return get_or_404(batches_visible_to(user=actor).select_for_update(of=("self",)), pk=pk)


def batch_create(*, actor, fund: Fund, title: str, district=None) -> Batch:
    """A draft batch of ``fund``: its district's, or for a city-wide fund the reviewer's district (an
    administrator names it); its cases are approved against that district's part of the fund."""
    require_role(actor, Role.REVIEWER)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("A batch needs a title."), field="title")
    with transaction.atomic():
        fund = get_or_404(funds_visible_to(user=actor), pk=fund.pk)
        own = district_of(actor)
        if fund.district_id is not None:
            district = fund.district
        elif own is not None:
            district = own
        if district is None:
            raise DomainError(_("Name the district whose cases this batch of a city-wide fund holds."),
                              field="district")
        if Batch.objects.filter(fund=fund, title=title).exists():
            raise DomainError(_("This fund already has a batch with this title."), field="title")
        batch = Batch.objects.create(title=title, fund=fund, district=district, created_by=actor)
        record_event(batch, actor=actor, action="batch.created", to_status=batch.status)
        return batch


def batch_add_applications(*, batch: Batch | int, applications: Iterable, actor) -> list[Application]:
    """Put verified cases of the batch's fund into it (verified → in_batch).

    The rows are locked in id order, so two reviewers adding the same case to
    two batches at once are serialised: the second finds it in_batch and is refused.
    """
    ids = sorted({a.pk if isinstance(a, Application) else int(a) for a in applications})
    if not ids:
        raise DomainError(_("Choose at least one application."), field="applications")
    with transaction.atomic():
        batch = batch_lock(batch, actor, Role.REVIEWER)
        BATCH.check(batch, "add_applications", actor=actor)
        rows = list(applications_visible_to(user=actor).select_for_update(of=("self",))
                    .filter(pk__in=ids).order_by("pk"))
        if len(rows) != len(ids):
            raise DomainError(_("Some of the chosen applications do not exist or are not yours to batch."))
        refused = [a.reference for a in rows if a.status != S.VERIFIED or a.batch_id is not None]
        if refused:
            raise TransitionNotAllowed(
                _("Only verified applications outside any batch can be added; not: %(refs)s.")
                % {"refs": ", ".join(refused)})
        other_fund = [a.reference for a in rows if a.fund_id != batch.fund_id]
        if other_fund:
            raise DomainError(_("These applications belong to another fund: %(refs)s.")
                              % {"refs": ", ".join(other_fund)})
        other_district = [a.reference for a in rows if a.district_id != batch.district_id]
        if other_district:
            raise DomainError(_("These applications belong to another district than the batch: %(refs)s.")
                              % {"refs": ", ".join(other_district)})
        for application in rows:
            application.batch = batch
            APPLICATION.apply(application, "add_to_batch", actor=actor, update_fields=("batch",),
                             data={"batch": batch.pk, "batch_title": batch.title})
        return rows


def batch_remove_application(*, batch: Batch | int, application: Application | int, actor,
                             reason: str = "") -> Application:
    with transaction.atomic():
        batch = batch_lock(batch, actor, Role.REVIEWER, Role.APPROVER)
        BATCH.check(batch, "remove_application", actor=actor)
        application = application_lock(application, actor, Role.REVIEWER, Role.APPROVER)
        if application.batch_id != batch.pk:
            raise DomainError(_("This application is not in this batch."))
        application.batch = None
        return APPLICATION.apply(application, "remove_from_batch", actor=actor, update_fields=("batch",),
                                data={"batch": batch.pk, "batch_title": batch.title, "reason": reason.strip()})


def batch_start_notice(*, batch: Batch | int, actor, start: dt.date, days: int | None = None,
                       today: dt.date | None = None) -> Batch:
    """Post the batch's public notice from ``start`` for ``days`` working days (the rules: reliefdesk.notice)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = batch_lock(batch, actor, Role.REVIEWER)
        BATCH.check(batch, "start_notice", actor=actor)
        if not batch.applications.filter(status=S.IN_BATCH).exists():
            raise DomainError(_("Add applications to the batch before its public notice."))
        days = days or batch.fund.notice_days
        end = notice_end(start=start, days=days, created_on=timezone.localdate(batch.created_at), today=today)
        batch.notice_start = start
        batch.notice_days = days
        batch.notice_end = end
        return BATCH.apply(batch, "start_notice", actor=actor, update_fields=("notice_start", "notice_days",
                                                                              "notice_end"),
                           data={"start": start.isoformat(), "days": days, "end": batch.notice_end.isoformat()})


def application_record_objection(*, application: Application | int, actor, reason: str) -> Application:
    """An objection during the notice takes the case out of its batch and back to review."""
    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        batch = Batch.objects.select_for_update().filter(pk=application.batch_id).first()
        if batch is None:
            raise TransitionNotAllowed(BATCH.transitions["record_objection"].refusal)
        BATCH.check(batch, "record_objection", actor=actor)
        application.batch = None
        application.verified_at = None
        return APPLICATION.apply(application, "objection", actor=actor, reason=reason or "",
                                update_fields=("batch", "verified_at"),
                                data={"batch": batch.pk, "batch_title": batch.title})


def batch_send_back(*, batch: Batch | int, actor, reason: str) -> Batch:
    """The meeting does not approve: the batch goes back to draft for the reviewer."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A reason is required."), field="reason")
    with transaction.atomic():
        batch = batch_lock(batch, actor, Role.APPROVER)
        return BATCH.apply(batch, "send_back", actor=actor, reason=reason)


def batch_total(*, batch: Batch) -> Decimal:
    return batch.applications.filter(status=S.IN_BATCH).aggregate(
        total=Sum("proposed_amount", default=ZERO))["total"]


def _snapshot(application: Application, rule_set_version: str) -> dict:
    """The inputs the award used, stored with it so later edits never change a decided case."""
    member = application.member
    beneficiary = application.beneficiary
    return {
        "reference": application.reference,
        "member": {"name": member.name, "id_number": member.id_number, "card_number": member.card_number,
                   "bank_name": member.bank_name, "is_union_member": member.is_union_member,
                   "phone": member.phone, "employer": member.employer.name if member.employer_id else ""},
        "beneficiary": {
            "name": application.beneficiary_name,
            "id_number": application.beneficiary_id_number,
            "relation": beneficiary.relation if beneficiary else "self",
        },
        "category": application.category.code,
        "disease": ({"code": application.disease.code, "name": application.disease.name}
                    if application.disease_id else None),
        "event_date": application.event_date.isoformat() if application.event_date else None,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "amounts": {
            "total_cost": str(application.total_cost),
            "reimbursed": str(application.reimbursed),
            "other_aid": str(application.other_aid),
            "self_paid": str(application.self_paid),
            "assessed_loss": str(application.assessed_loss) if application.assessed_loss is not None else None,
        },
        "rule_set": {"id": application.estimate_rule_set_id, "version": rule_set_version},
        "rule_result": {
            "eligible": application.estimate_eligible,
            "amount": str(application.estimate_amount) if application.estimate_amount is not None else None,
            "range_min": str(application.estimate_min) if application.estimate_min is not None else None,
            "range_max": str(application.estimate_max) if application.estimate_max is not None else None,
            "explanation": application.estimate_explanation,
        },
        "awarded_amount": str(application.proposed_amount),
        "amount_reason": application.amount_reason,
        "is_override": application.is_override,
        "override_code": application.override_code,
        "checklist": application.checklist,
        "station": application.station_id,
    }


def _store_snapshots(applications: list[Application]) -> None:
    """Write every case's snapshot in one ``UPDATE ... FROM (VALUES ...)``.

    ``bulk_update`` would build a CASE with one branch per row, which
    PostgreSQL evaluates row by row: quadratic, and minutes for ten thousand
    cases. A VALUES list joined on the id is linear.
    """
    table = Application._meta.db_table
    rows = [(a.pk, json.dumps(_snapshot(a, a.estimate_rule_set.version_name if a.estimate_rule_set else ""),
                              ensure_ascii=False)) for a in applications]
    for start in range(0, len(rows), SNAPSHOT_CHUNK):
        chunk = rows[start:start + SNAPSHOT_CHUNK]
        values = ", ".join(["(%s, %s::jsonb)"] * len(chunk))
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" AS a SET "award_snapshot" = v.snapshot '  # noqa: S608 - table name from the model
                f"FROM (VALUES {values}) AS v(id, snapshot) WHERE a.id = v.id",
                [value for row in chunk for value in row],
            )


def application_award(*, application: Application, batch: Batch) -> Award:
    """The award of an approved case: its amount, paid to the member's card as frozen at approval."""
    member = application.member
    return Award(source=application, approval=batch, fund_id=batch.fund_id, district_id=application.district_id,
                 station_id=application.station_id, amount=application.awarded_amount, payee_name=member.name,
                 payee_id_number=member.id_number, card_number=member.card_number, bank_name=member.bank_name)


def batch_approve(*, batch: Batch | int, actor, meeting_date: dt.date, minutes_reference: str, attendees: str,
                  today: dt.date | None = None) -> Batch:
    """Approve every case of the batch after its notice, or nothing.

    The batch row is locked first, so a second click (or a second tab)
    waits for the first approval and then finds the batch approved.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = batch_lock(batch, actor, Role.APPROVER)
        if batch.status == B.APPROVED:
            raise TransitionNotAllowed(
                _("The batch “%(title)s” was already approved on %(when)s.")
                % {"title": batch.title, "when": timezone.localtime(batch.approved_at).strftime("%Y-%m-%d %H:%M")})
        BATCH.check(batch, "approve", actor=actor)
        meeting = meeting_check(notice_start=batch.notice_start, notice_end=batch.notice_end,
                                meeting_date=meeting_date, minutes_reference=minutes_reference, attendees=attendees,
                                today=today)
        meeting_date, minutes_reference, attendees = meeting.date, meeting.minutes_reference, meeting.attendees

        # The fund row is locked so two batches of one fund cannot both spend the same balance.
        fund = Fund.objects.select_for_update().get(pk=batch.fund_id)
        applications = list(
            Application.objects.select_for_update(of=("self",))
            .filter(batch=batch, status=S.IN_BATCH)
            .select_related("member__employer", "beneficiary", "disease", "category", "estimate_rule_set")
            .order_by("pk")
        )
        if not applications:
            raise DomainError(_("The batch has no applications to approve."))
        transition = APPLICATION.transitions["approve"]
        for application in applications:
            APPLICATION.check(application, "approve", actor=actor)
        unconfirmed = [a.reference for a in applications if a.is_override and a.override_confirmed_at is None]
        if unconfirmed:
            raise DomainError(_("Confirm the exception amounts first: %(refs)s.") % {"refs": ", ".join(unconfirmed)})
        no_amount = [a.reference for a in applications if not a.proposed_amount or a.proposed_amount <= 0]
        if no_amount:
            raise DomainError(_("These applications have no amount: %(refs)s.") % {"refs": ", ".join(no_amount)})
        total = quantize_money(sum((a.proposed_amount for a in applications), ZERO))
        if fund.district_id is None:
            # A city-wide fund's batch spends its district's allocation, never another district's.
            available = fund_position(fund=fund, district=batch.district).available
            if available < total:
                raise DomainError(
                    _("%(district)s's part of this city-wide fund cannot cover this batch: it needs %(total)s yuan, "
                      "%(available)s are available; shortfall %(shortfall)s yuan (an administrator allocates "
                      "more).")
                    % {"district": batch.district.name, "total": format_money(total),
                       "available": format_money(available), "shortfall": format_money(total - available)},
                    code="shortfall")
        available = fund_position(fund=fund).available
        if available < total:
            raise DomainError(
                _("The fund cannot cover this batch: it needs %(total)s yuan, %(available)s are available; "
                  "shortfall %(shortfall)s yuan.")
                % {"total": format_money(total), "available": format_money(available),
                   "shortfall": format_money(total - available)},
                code="shortfall")

        now = timezone.now()
        # Fields that follow from each row's own columns are set by one UPDATE in the database
        # (the rows are locked above, so this is exactly the list just checked).
        Application.objects.filter(batch=batch, status=S.IN_BATCH).update(
            status=transition.target, approved_at=now, updated_at=now,
            awarded_amount=F("proposed_amount"), awarded_rule_set=F("estimate_rule_set"),
            awarded_explanation=Case(
                When(amount_reason="", then=F("estimate_explanation")),
                default=Concat(F("estimate_explanation"), Value("\n"), F("amount_reason"), output_field=TextField()),
                output_field=TextField(),
            ),
        )
        _store_snapshots(applications)
        for application in applications:
            application.status = transition.target
            application.awarded_amount = application.proposed_amount
        # The payouts app builds one payout from each award, in this transaction.
        awards_hand_over(awards=[application_award(application=a, batch=batch) for a in applications], actor=actor)
        bulk_record_events(applications, actor=actor, action=transition.code, from_status=S.IN_BATCH,
                           to_status=transition.target,
                           data={"batch": batch.pk, "batch_title": batch.title,
                                 "minutes_reference": minutes_reference})

        batch.meeting_date = meeting_date
        batch.minutes_reference = minutes_reference
        batch.attendees = attendees
        batch.approved_by = actor
        batch.approved_at = now
        BATCH.apply(batch, "approve", actor=actor,
                    update_fields=("meeting_date", "minutes_reference", "attendees", "approved_by", "approved_at"),
                    data={"count": len(applications), "total": str(total), "meeting_date": meeting_date.isoformat(),
                          "minutes_reference": minutes_reference})
        return batch
