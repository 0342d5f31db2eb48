"""The assistance plan (帮扶计划, 一户一措施): measures under 就业, 医疗, 助学 and 生活, and what came of each.

A measure says what is planned, who answers for it and by when; it is done
(with the day and a note; for a job measure, whether a job was found and
the training subsidy paid) or dropped with a reason. A planned measure past
its due day is overdue.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import PlanHeading, PlanMeasure
from households.services.filing import household_lock, money_field
from households.workflow import HOUSEHOLD
from reliefdesk.errors import DomainError
from reliefdesk.history import record_event
from reliefdesk.models import Role
from reliefdesk.scope import require_role

M = PlanMeasure.Status
PLAN_ROLES = (Role.LIAISON, Role.REVIEWER)


def _clean_measure(*, heading: str, planned: str, responsible: str, due_on: dt.date | None) -> dict:
    if heading not in PlanHeading.values:
        raise DomainError(_("Choose the heading of the measure: employment, medical, schooling or living."),
                          field="heading")
    planned, responsible = (planned or "").strip(), (responsible or "").strip()
    if not planned:
        raise DomainError(_("Say what is planned."), field="planned")
    if not responsible:
        raise DomainError(_("Name who is responsible for it."), field="responsible")
    if due_on is None:
        raise DomainError(_("Enter by when it is due."), field="due_on")
    return {"heading": heading, "planned": planned, "responsible": responsible[:100], "due_on": due_on}


def _lock_measure(measure: PlanMeasure, actor):
    household = household_lock(measure.household_id, actor)
    HOUSEHOLD.check(household, "plan", actor=actor)
    return household, PlanMeasure.objects.select_for_update().get(pk=measure.pk, household=household)


def plan_measure_add(*, actor, household, heading: str, planned: str, responsible: str,
                     due_on: dt.date | None) -> PlanMeasure:
    require_role(actor, *PLAN_ROLES)
    fields = _clean_measure(heading=heading, planned=planned, responsible=responsible, due_on=due_on)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "plan", actor=actor)
        measure = PlanMeasure.objects.create(household=household, created_by=actor, **fields)
        record_event(household, actor=actor, action="household.measure_added",
                     data={"measure": measure.pk, "heading": measure.heading, "due_on": due_on.isoformat()})
    return measure


def plan_measure_update(*, actor, measure: PlanMeasure, heading: str, planned: str, responsible: str,
                        due_on: dt.date | None) -> PlanMeasure:
    """Change a measure that is still planned (what was done stays as it was recorded)."""
    require_role(actor, *PLAN_ROLES)
    fields = _clean_measure(heading=heading, planned=planned, responsible=responsible, due_on=due_on)
    with transaction.atomic():
        household, measure = _lock_measure(measure, actor)
        if measure.status != M.PLANNED:
            raise DomainError(_("This measure is %(status)s; only a planned measure can be changed.")
                              % {"status": measure.get_status_display()})
        changed = {k: v for k, v in fields.items() if getattr(measure, k) != v}
        if not changed:
            return measure
        for key, value in changed.items():
            setattr(measure, key, value)
        measure.save(update_fields=list(changed))
        record_event(household, actor=actor, action="household.measure_changed",
                     data={"measure": measure.pk, "fields": sorted(changed)})
    return measure


def plan_measure_record_outcome(*, actor, measure: PlanMeasure, status: str, done_on: dt.date | None = None,
                                outcome: str = "", job_found: bool = False, amount_paid: Decimal | None = None,
                                today: dt.date | None = None) -> PlanMeasure:
    """Done (the day and what came of it; for a job: found or not, subsidy paid) or dropped (why)."""
    require_role(actor, *PLAN_ROLES)
    today = today or timezone.localdate()
    outcome = (outcome or "").strip()
    if status not in (M.DONE, M.DROPPED):
        raise DomainError(_("Choose done or dropped."), field="status")
    if not outcome:
        raise DomainError(_("Write down what came of it.") if status == M.DONE
                          else _("Say why the measure is dropped."), field="outcome")
    if status == M.DONE:
        if done_on is None:
            raise DomainError(_("Enter the day it was done."), field="done_on")
        if done_on > today:
            raise DomainError(_("The day %(date)s is in the future.") % {"date": done_on.isoformat()},
                              field="done_on")
    if amount_paid not in (None, ""):
        amount_paid = money_field(amount_paid, "amount_paid")
    else:
        amount_paid = None
    with transaction.atomic():
        household, measure = _lock_measure(measure, actor)
        if measure.status != M.PLANNED:
            raise DomainError(_("This measure is already %(status)s.") % {"status": measure.get_status_display()})
        employment = measure.heading == PlanHeading.EMPLOYMENT
        measure.status = status
        measure.done_on = done_on if status == M.DONE else None
        measure.outcome = outcome
        measure.job_found = bool(job_found) and employment and status == M.DONE
        measure.amount_paid = amount_paid if employment and status == M.DONE else None
        measure.save(update_fields=["status", "done_on", "outcome", "job_found", "amount_paid"])
        record_event(household, actor=actor,
                     action="household.measure_done" if status == M.DONE else "household.measure_dropped",
                     reason=outcome,
                     data={"measure": measure.pk, "heading": measure.heading,
                           **({"done_on": done_on.isoformat()} if measure.done_on else {}),
                           **({"job_found": True} if measure.job_found else {}),
                           **({"amount_paid": str(measure.amount_paid)} if measure.amount_paid is not None else {})})
    return measure
