"""A generated cycle can be discarded with a reason and its period generated again (e.g. after a new 低保标准
entered before approval); an approved cycle never; a removed line can be put back before approval."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from households.models import CivilStatus, Cycle, CycleLine
from households.services import cycles
from payouts.models import Payout
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal
C = Cycle.Status
MARCH = dt.date(2024, 3, 10)


@pytest.fixture
def dibao(db):
    parameter = f.ParameterFactory(code="dibao_monthly", name="低保标准", name_en="monthly minimum living standard")
    f.ParameterValueFactory(parameter=parameter, valid_from=dt.date(2023, 9, 1), value=D("1395.00"))
    return parameter


@pytest.fixture
def living(shunyi_fund, dibao):
    programme = f.ProgrammeFactory(fund=shunyi_fund)
    f.programme_rule_set(programme, multiplier="1", parameter=dibao)
    f.LedgerEntryFactory(fund=shunyi_fund, amount=D("1000000.00"))
    return programme


def on_file(station):
    return f.HouseholdFactory(station=station, civil_status=CivilStatus.DIBAO, civil_status_from=dt.date(2023, 1, 1))


def test_a_discarded_cycle_is_generated_again_with_the_new_standard(living, dibao, station1, reviewer, approver):
    on_file(station1)
    first = cycles.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle
    assert first.lines.get().amount == D("1395.00")
    f.ParameterValueFactory(parameter=dibao, valid_from=dt.date(2024, 3, 1), value=D("1420.00"))
    with pytest.raises(DomainError):
        cycles.cycle_discard(cycle=first, actor=reviewer, reason="  ")
    cycles.cycle_discard(cycle=first, actor=reviewer, reason="新低保标准3月起执行")
    first.refresh_from_db()
    assert (first.status, first.discard_reason) == (C.DISCARDED, "新低保标准3月起执行")
    [event] = [e for e in history_for(first) if e.action == "cycle.discarded"]
    assert (event.from_status, event.to_status, event.reason) == ("generated", "discarded", "新低保标准3月起执行")
    again = cycles.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer)
    assert again.created and again.cycle.pk != first.pk and again.cycle.period_key == first.period_key
    assert again.cycle.lines.get().amount == D("1420.00")
    assert cycles.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle.pk == again.cycle.pk
    cycles.cycle_approve(cycle=again.cycle, actor=approver)
    assert [p.amount for p in Payout.objects.all()] == [D("1420.00")]


def test_an_approved_cycle_is_never_discarded(living, station1, reviewer, approver):
    on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle
    cycles.cycle_approve(cycle=cycle, actor=approver)
    with pytest.raises(DomainError):
        cycles.cycle_discard(cycle=cycle, actor=reviewer, reason="晚了")
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(status=C.DISCARDED)
    cycle.refresh_from_db()
    assert cycle.status == C.APPROVED


def test_the_database_keeps_one_live_cycle_per_period(living, station1, reviewer):
    cycle = cycles.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle
    twin = dict(programme=cycle.programme, district=cycle.district, cycle_date=MARCH, period_key=cycle.period_key,
                title=cycle.title, rule_set=cycle.rule_set, generated_by=reviewer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(**twin)
    Cycle.objects.create(status=C.DISCARDED, **twin)
    assert Cycle.objects.filter(period_key=cycle.period_key).count() == 2


def test_only_a_reviewer_discards_and_restores(living, station1, reviewer, approver):
    on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle
    line = cycle.lines.get()
    with pytest.raises(PermissionDenied):
        cycles.cycle_discard(cycle=cycle, actor=approver, reason="不要")
    cycles.cycle_line_remove(line=line, actor=reviewer, reason="已外出务工")
    with pytest.raises(PermissionDenied):
        cycles.cycle_line_restore(line=line, actor=approver)
    cycle.refresh_from_db()
    assert cycle.status == C.GENERATED


def test_a_removed_line_put_back_is_paid(living, station1, reviewer, approver):
    kept, back = on_file(station1), on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle
    line = cycle.lines.get(household=back)
    cycles.cycle_line_remove(line=line, actor=reviewer, reason="核实中")
    with pytest.raises(DomainError):
        cycles.cycle_line_restore(line=cycle.lines.get(household=kept), actor=reviewer)
    cycles.cycle_line_restore(line=line, actor=reviewer)
    line.refresh_from_db()
    cycle.refresh_from_db()
    assert (line.removed, line.removed_reason, cycle.line_count, cycle.total) == (False, "", 2, D("2790.00"))
    assert [e.action for e in history_for(line)] == ["cycle_line.removed", "cycle_line.restored"]
    cycles.cycle_approve(cycle=cycle, actor=approver)
    assert sorted(p.payee_id_number for p in Payout.objects.all()) == sorted([kept.head.id_number,
                                                                              back.head.id_number])
    with pytest.raises(DomainError):
        cycles.cycle_line_remove(line=line, actor=reviewer, reason="晚了")
    assert CycleLine.objects.filter(removed=True).count() == 0
