"""Filing batches: verified households, their public notice (公开公示) and the meeting that files them (会议审批).

The notice and the meeting follow the same rules as award batches
(reliefdesk.notice). Approval is all or nothing: every household of the
batch goes on file in one UPDATE and one history INSERT, with the meeting
date as its filing date and its first annual review due a year later.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import FilingBatch, Household
from households.selectors import filing_batches_visible_to, households_visible_to
from households.services.filing import household_lock
from households.services.review import review_due_after
from households.workflow import FILING_BATCH, HOUSEHOLD
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import record_event
from reliefdesk.models import District, Role
from reliefdesk.notice import meeting_check, notice_end
from reliefdesk.scope import district_of, get_or_404, require_role

S = Household.Status
B = FilingBatch.Status

# The public notice lasts five working days unless the reviewer says otherwise (as award batches).
NOTICE_DAYS = 5


def filing_batch_lock(batch: FilingBatch | int, actor, *roles: str) -> FilingBatch:
    require_role(actor, *roles)
    pk = batch.pk if isinstance(batch, FilingBatch) else batch
    return get_or_404(filing_batches_visible_to(user=actor).select_for_update(of=("self",)), pk=pk)


def filing_batch_create(*, actor, title: str, district: District | None = None) -> FilingBatch:
    """A new draft batch of the reviewer's district (an administrator names the district)."""
    require_role(actor, Role.REVIEWER)
    title = (title or "").strip()
    if not title:
        raise DomainError(_("A batch needs a title."), field="title")
    district = district_of(actor) or district
    if district is None:
        raise DomainError(_("Choose the district of the batch."), field="district")
    with transaction.atomic():
        if FilingBatch.objects.filter(district=district, title=title).exists():
            raise DomainError(_("This district already has a filing batch with this title."), field="title")
        batch = FilingBatch.objects.create(title=title, district=district, created_by=actor)
        record_event(batch, actor=actor, action="filing_batch.created", to_status=batch.status)
    return batch


def filing_batch_add_households(*, batch: FilingBatch | int, households: Iterable, actor) -> list[Household]:
    """Put verified households of the batch's district into it (verified → in_batch), locked in id order."""
    ids = sorted({h.pk if isinstance(h, Household) else int(h) for h in households})
    if not ids:
        raise DomainError(_("Choose at least one household."), field="households")
    with transaction.atomic():
        batch = filing_batch_lock(batch, actor, Role.REVIEWER)
        FILING_BATCH.check(batch, "add_households", actor=actor)
        rows = list(households_visible_to(user=actor).select_for_update(of=("self",)).filter(pk__in=ids)
                    .order_by("pk"))
        if len(rows) != len(ids):
            raise DomainError(_("Some of the chosen households do not exist or are not yours to batch."))
        refused = [h.reference for h in rows if h.status != S.VERIFIED or h.filing_batch_id is not None]
        if refused:
            raise TransitionNotAllowed(_("Only verified households outside any batch can be added; not: %(refs)s.")
                                       % {"refs": ", ".join(refused)})
        elsewhere = [h.reference for h in rows if h.district_id != batch.district_id]
        if elsewhere:
            raise DomainError(_("These households belong to another district: %(refs)s.")
                              % {"refs": ", ".join(elsewhere)})
        for household in rows:
            household.filing_batch = batch
            HOUSEHOLD.apply(household, "add_to_batch", actor=actor, update_fields=("filing_batch",),
                            data={"batch": batch.pk, "batch_title": batch.title})
        return rows


def filing_batch_remove_household(*, batch: FilingBatch | int, household: Household | int, actor,
                                  reason: str = "") -> Household:
    with transaction.atomic():
        batch = filing_batch_lock(batch, actor, Role.REVIEWER, Role.APPROVER)
        FILING_BATCH.check(batch, "remove_household", actor=actor)
        household = household_lock(household, actor)
        if household.filing_batch_id != batch.pk:
            raise DomainError(_("This household is not in this batch."))
        household.filing_batch = None
        return HOUSEHOLD.apply(household, "remove_from_batch", actor=actor, update_fields=("filing_batch",),
                               data={"batch": batch.pk, "batch_title": batch.title, "reason": (reason or "").strip()})


def filing_batch_start_notice(*, batch: FilingBatch | int, actor, start: dt.date | None, days: int | None = None,
                              today: dt.date | None = None) -> FilingBatch:
    """Post the batch's public notice from ``start`` for ``days`` working days (the rules: reliefdesk.notice)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = filing_batch_lock(batch, actor, Role.REVIEWER)
        FILING_BATCH.check(batch, "start_notice", actor=actor)
        if not batch.households.filter(status=S.IN_BATCH).exists():
            raise DomainError(_("Add households to the batch before its public notice."))
        days = days or NOTICE_DAYS
        end = notice_end(start=start, days=days, created_on=timezone.localdate(batch.created_at), today=today)
        batch.notice_start, batch.notice_days, batch.notice_end = start, days, end
        return FILING_BATCH.apply(batch, "start_notice", actor=actor,
                                  update_fields=("notice_start", "notice_days", "notice_end"),
                                  data={"start": start.isoformat(), "days": days, "end": end.isoformat()})


def household_record_objection(*, household: Household | int, actor, reason: str) -> Household:
    """An objection during the notice takes the household out of its batch and back to verification."""
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        household = household_lock(household, actor)
        batch = FilingBatch.objects.select_for_update().filter(pk=household.filing_batch_id).first()
        if batch is None:
            raise TransitionNotAllowed(FILING_BATCH.transitions["record_objection"].refusal)
        FILING_BATCH.check(batch, "record_objection", actor=actor)
        household.filing_batch = None
        household.verified_at = None
        return HOUSEHOLD.apply(household, "objection", actor=actor, reason=reason or "",
                               update_fields=("filing_batch", "verified_at"),
                               data={"batch": batch.pk, "batch_title": batch.title})


def filing_batch_send_back(*, batch: FilingBatch | int, actor, reason: str) -> FilingBatch:
    """The meeting does not file them: the batch goes back to draft for the reviewer."""
    with transaction.atomic():
        batch = filing_batch_lock(batch, actor, Role.APPROVER)
        return FILING_BATCH.apply(batch, "send_back", actor=actor, reason=reason or "")


def filing_batch_approve(*, batch: FilingBatch | int, actor, meeting_date: dt.date | None, minutes_reference: str,
                         attendees: str, today: dt.date | None = None) -> FilingBatch:
    """File every household of the batch at the meeting after its notice, or none.

    Each goes on file with the meeting date as its filing date; its annual
    review falls due a year later. The batch row is locked first, so a second
    click waits and then finds the batch approved.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        batch = filing_batch_lock(batch, actor, Role.APPROVER)
        if batch.status == B.APPROVED:
            raise TransitionNotAllowed(
                _("The filing batch “%(title)s” was already approved on %(when)s.")
                % {"title": batch.title, "when": timezone.localtime(batch.approved_at).strftime("%Y-%m-%d %H:%M")})
        FILING_BATCH.check(batch, "approve", actor=actor)
        meeting = meeting_check(notice_start=batch.notice_start, notice_end=batch.notice_end,
                                meeting_date=meeting_date, minutes_reference=minutes_reference, attendees=attendees,
                                today=today)
        households = list(Household.objects.select_for_update(of=("self",))
                          .filter(filing_batch=batch, status=S.IN_BATCH).order_by("pk"))
        if not households:
            raise DomainError(_("The batch has no households to file."))
        due = review_due_after(meeting.date)
        data = {"batch": batch.pk, "batch_title": batch.title, "filed_on": meeting.date.isoformat(),
                "minutes_reference": meeting.minutes_reference}
        HOUSEHOLD.apply_many(households, "approve", actor=actor,
                             columns={"filed_on": "date", "next_review_due": "date"},
                             values_for=lambda household: (meeting.date, due), data_for=lambda household: data)
        batch.meeting_date = meeting.date
        batch.minutes_reference = meeting.minutes_reference
        batch.attendees = meeting.attendees
        batch.approved_by = actor
        batch.approved_at = timezone.now()
        return FILING_BATCH.apply(
            batch, "approve", actor=actor,
            update_fields=("meeting_date", "minutes_reference", "attendees", "approved_by", "approved_at"),
            data={"count": len(households), "meeting_date": meeting.date.isoformat(),
                  "minutes_reference": meeting.minutes_reference})
