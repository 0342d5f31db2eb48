"""The assistance plan: measures under four headings, their outcome, and what is overdue."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from households.models import Household, PlanMeasure
from households.selectors.file import household_plan
from households.services import plan
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from tests.households.conftest import household_in

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def on_file(station1):
    return household_in(Household.Status.ON_FILE, station=station1)


def test_a_measure_without_a_heading_is_refused_beside_the_field(on_file, liaison1):
    with pytest.raises(DomainError) as info:
        plan.plan_measure_add(actor=liaison1, household=on_file, heading="", planned="推荐就业", responsible="刘联络",
                              due_on=D(2024, 9, 1))
    assert info.value.field == "heading"
    assert not PlanMeasure.objects.exists()


def test_a_planned_measure_past_its_day_is_overdue_and_a_done_one_is_not(on_file, liaison1, reviewer):
    job = plan.plan_measure_add(actor=liaison1, household=on_file, heading="employment", planned="参加电工培训并推荐就业",
                                responsible="刘联络", due_on=D(2024, 9, 1))
    plan.plan_measure_add(actor=reviewer, household=on_file, heading="schooling", planned="申请金秋助学",
                          responsible="王审核", due_on=D(2024, 8, 1))
    groups, overdue = household_plan(household=on_file, today=D(2024, 9, 2))
    assert overdue == 2
    assert [g.heading for g in groups] == ["employment", "schooling"]
    plan.plan_measure_record_outcome(actor=liaison1, measure=job, status="done", done_on=D(2024, 9, 2),
                                     outcome="已在物业公司就业", job_found=True, amount_paid=Decimal("800"),
                                     today=D(2024, 9, 2))
    job.refresh_from_db()
    assert (job.status, job.job_found, job.amount_paid) == ("done", True, Decimal("800.00"))
    assert household_plan(household=on_file, today=D(2024, 9, 2))[1] == 1
    assert [e.action for e in history_for(on_file)] == ["household.measure_added", "household.measure_added",
                                                         "household.measure_done"]


def test_a_job_found_and_a_subsidy_belong_to_employment_measures_only(on_file, liaison1):
    measure = plan.plan_measure_add(actor=liaison1, household=on_file, heading="medical", planned="申请大病救助",
                                    responsible="刘联络", due_on=D(2024, 9, 1))
    plan.plan_measure_record_outcome(actor=liaison1, measure=measure, status="done", done_on=D(2024, 8, 1),
                                     outcome="已获救助", job_found=True, amount_paid=Decimal("100"),
                                     today=D(2024, 9, 2))
    measure.refresh_from_db()
    assert (measure.job_found, measure.amount_paid) == (False, None)


def test_a_done_measure_needs_its_day_and_a_dropped_one_its_reason(on_file, liaison1):
    measure = plan.plan_measure_add(actor=liaison1, household=on_file, heading="living", planned="申请临时救助",
                                    responsible="刘联络", due_on=D(2024, 9, 1))
    with pytest.raises(DomainError) as info:
        plan.plan_measure_record_outcome(actor=liaison1, measure=measure, status="done", outcome="已发放")
    assert info.value.field == "done_on"
    with pytest.raises(DomainError) as info:
        plan.plan_measure_record_outcome(actor=liaison1, measure=measure, status="dropped", outcome="")
    assert info.value.field == "outcome"
    measure.refresh_from_db()
    assert measure.status == "planned"


def test_a_draft_has_no_plan_yet(liaison1, station1):
    draft = household_in(Household.Status.DRAFT, station=station1)
    with pytest.raises(DomainError):
        plan.plan_measure_add(actor=liaison1, household=draft, heading="living", planned="x", responsible="y",
                              due_on=D(2024, 9, 1))
