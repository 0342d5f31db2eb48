"""The annual review (入户调查 / 全面复核) and leaving hardship (解困脱困).

Every household on file is due for a visit once a year: first a year after
the meeting that filed it, then a year after each visit that kept it on
file (so a late visit moves the next one with it). A visit decides to keep
the household on file or that it leaves hardship; it can also leave
without a visit, by the district's review or at the worker's own request
with his signed request as a document. Leaving keeps the whole file; the
head can be filed again later, as a new file.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import ExitReason, HomeVisit, Household, HouseholdDocument
from households.services.filing import document_store, checked_uploads, clean_visit, household_lock, visit_create
from households.workflow import HOUSEHOLD
from reliefdesk.errors import DomainError
from reliefdesk.history import record_event
from reliefdesk.models import Role
from reliefdesk.scope import require_role
from reliefdesk.uploads import upload_check

D = HomeVisit.Decision


def review_due_after(day: dt.date) -> dt.date:
    """The same day a year later; a visit on 29 February is due again on 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _clean_exit(*, household: Household, reason: str, note: str, left_on: dt.date | None, today: dt.date,
                has_request: bool) -> tuple[str, str]:
    note = (note or "").strip()
    if reason not in ExitReason.values:
        raise DomainError(_("Choose why the household leaves hardship."), field="exit_reason")
    if reason == ExitReason.OTHER and not note:
        raise DomainError(_("Say what the other reason is."), field="exit_note")
    if left_on is None:
        raise DomainError(_("Enter the day the household leaves hardship."), field="left_on")
    if left_on > today:
        raise DomainError(_("The day %(date)s is in the future.") % {"date": left_on.isoformat()}, field="left_on")
    if household.filed_on and left_on < household.filed_on:
        raise DomainError(_("The household was filed on %(date)s; it cannot leave before.")
                          % {"date": household.filed_on.isoformat()}, field="left_on")
    if reason == ExitReason.OWN_REQUEST and not has_request:
        raise DomainError(_("Attach the worker's signed request to leave."), field="request_file")
    return reason, note


def _leave(*, household: Household, actor, reason: str, note: str, left_on: dt.date, data: dict) -> Household:
    household.left_on = left_on
    household.exit_reason = reason
    household.exit_note = note
    household.exit_decided_by = actor
    household.next_review_due = None
    return HOUSEHOLD.apply(household, "leave", actor=actor, reason=note,
                           update_fields=("left_on", "exit_reason", "exit_note", "exit_decided_by", "next_review_due"),
                           data={"left_on": left_on.isoformat(), "exit_reason": reason, **data})


def household_leave(*, actor, household: Household, exit_reason: str, exit_note: str = "",
                    left_on: dt.date | None = None, request_file=None, today: dt.date | None = None) -> Household:
    """The household leaves hardship by the district's review or at the worker's own request.

    At his own request his signed request is attached (or was attached before, as a document of its kind).
    """
    require_role(actor, Role.REVIEWER)
    today = today or timezone.localdate()
    checked = upload_check(request_file, field="request_file") if request_file else None
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "leave", actor=actor)
        has_request = checked is not None or household.documents.filter(
            kind=HouseholdDocument.Kind.EXIT_REQUEST).exists()
        reason, note = _clean_exit(household=household, reason=exit_reason, note=exit_note, left_on=left_on,
                                   today=today, has_request=has_request)
        data = {}
        if checked is not None:
            try:
                document = document_store(household=household, actor=actor, checked=checked,
                                           kind=HouseholdDocument.Kind.EXIT_REQUEST,
                                           description=_("Signed request to leave"))
            except DomainError as exc:
                raise DomainError(exc.message, field="request_file") from None
            data["request_document"] = document.pk
        return _leave(household=household, actor=actor, reason=reason, note=note, left_on=left_on, data=data)


def household_review_visit(*, actor, household: Household, visited_on: dt.date | None, visitors: str, findings: str,
                           decision: str, files=(), exit_reason: str = "", exit_note: str = "",
                           today: dt.date | None = None) -> HomeVisit:
    """The annual visit: its findings, photos and scans, and the decision to keep the household on file or not.

    Kept: the next review is due a year after this visit. Leaving: the visit's day is the day it left.
    """
    require_role(actor, Role.REVIEWER)
    today = today or timezone.localdate()
    checked = checked_uploads(files)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "record_review_visit", actor=actor)
        visitors, findings = clean_visit(
            visited_on=visited_on, visitors=visitors, findings=findings, not_before=household.filed_on,
            not_before_message=_("The household was filed on %(date)s; its annual review cannot be before."),
            today=today)
        if decision not in (D.KEEP, D.LEAVE):
            raise DomainError(_("Decide whether the household stays on file or leaves hardship."), field="decision")
        if decision == D.LEAVE:
            has_request = household.documents.filter(kind=HouseholdDocument.Kind.EXIT_REQUEST).exists()
            reason, note = _clean_exit(household=household, reason=exit_reason, note=exit_note, left_on=visited_on,
                                       today=today, has_request=has_request)
        visit = visit_create(household=household, actor=actor, purpose=HomeVisit.Purpose.ANNUAL,
                             visited_on=visited_on, visitors=visitors, findings=findings, checked=checked,
                             decision=decision)
        if decision == D.KEEP:
            previous = household.next_review_due
            household.next_review_due = review_due_after(visited_on)
            household.save(update_fields=["next_review_due", "updated_at"])
            record_event(household, actor=actor, action="household.review_kept",
                         data={"visit": visit.pk, "next_review_due": household.next_review_due.isoformat(),
                               "was_due": previous.isoformat() if previous else None})
        else:
            _leave(household=household, actor=actor, reason=reason, note=note, left_on=visited_on,
                   data={"visit": visit.pk})
        return visit
