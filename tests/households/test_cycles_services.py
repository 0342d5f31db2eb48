"""Cycles of recurring aid: generation against hand-computed amounts, who is left out and why, removal,
approval all or nothing with the shortfall, frozen approved cycles, payouts and the ledger."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from funds.models import LedgerEntry, ParameterValue, Programme, RuleSet
from households.models import CivilStatus, Cycle, CycleExclusion, CycleLine, Household, SchoolLevel
from households.selectors.cycles import cycle_figures, cycle_lines_visible_to, cycles_visible_to
from households.services import cycles
from payouts.models import Payout
from reliefdesk.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal
C = Cycle.Status


@pytest.fixture
def dibao(db):
    parameter = f.ParameterFactory(code="dibao_monthly", name="低保标准", name_en="monthly minimum living standard")
    f.ParameterValueFactory(parameter=parameter, valid_from=dt.date(2023, 9, 1), value=D("1395.00"))
    f.ParameterValueFactory(parameter=parameter, valid_from=dt.date(2024, 7, 1), value=D("1420.00"))
    return parameter


@pytest.fixture
def living(shunyi_fund, dibao):
    programme = f.ProgrammeFactory(fund=shunyi_fund)
    f.programme_rule_set(programme, multiplier="1", parameter=dibao)
    return programme


@pytest.fixture
def funded(shunyi_fund):
    f.LedgerEntryFactory(fund=shunyi_fund, amount=D("1000000.00"))
    return shunyi_fund


def on_file(station, **kwargs):
    kwargs.setdefault("civil_status", CivilStatus.DIBAO)
    kwargs.setdefault("civil_status_from", dt.date(2023, 1, 1))
    return f.HouseholdFactory(station=station, **kwargs)


def test_the_month_before_and_after_a_new_standard_pay_the_standard_then_in_force(living, station1, reviewer):
    household = on_file(station1)
    june = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 6, 15), actor=reviewer).cycle
    july = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 7, 15), actor=reviewer).cycle
    (june_line,) = june.lines.all()
    (july_line,) = july.lines.all()
    assert (june.title, june.period_key) == ("2024年6月生活补贴", "2024-06")
    assert june_line.household == household and june_line.amount == D("1395.00")
    assert june_line.explanation == "1 × 低保标准 1,395.00 元（2023-09-01 起）= 1,395.00 元"
    assert july_line.amount == D("1420.00")
    assert july_line.explanation_en == ("1 × monthly minimum living standard 1,420.00 yuan (from 2024-07-01) "
                                        "= 1,420.00 yuan")
    assert (july.line_count, july.total) == (1, D("1420.00"))


def test_generating_twice_gives_the_one_cycle(living, station1, reviewer):
    on_file(station1)
    first = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer)
    again = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 28), actor=reviewer)
    assert first.created and not again.created
    assert again.cycle.pk == first.cycle.pk
    assert Cycle.objects.count() == 1 and CycleLine.objects.count() == 1


def test_the_database_refuses_a_household_twice_in_one_cycle(living, station1, reviewer):
    on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    line = cycle.lines.get()
    line.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        line.save()


def test_who_is_left_out_is_listed_with_the_reason(living, station1, reviewer):
    paid = on_file(station1)
    left = on_file(station1, status=Household.Status.LEFT, left_on=dt.date(2024, 2, 20), exit_reason="recovered")
    no_longer = on_file(station1, civil_status_to=dt.date(2024, 2, 29))
    low_income = on_file(station1, civil_status=CivilStatus.LOW_INCOME)
    no_card = on_file(station1, head=f.MemberFactory(card_number=""))
    never = on_file(station1, civil_status=CivilStatus.NONE, civil_status_from=None)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    assert set(cycle.lines.values_list("household_id", flat=True)) == {paid.pk, low_income.pk}
    left_out = dict(cycle.exclusions.values_list("household_id", "reason"))
    assert left_out == {left.pk: CycleExclusion.Reason.LEFT_HARDSHIP,
                        no_longer.pk: CycleExclusion.Reason.NO_CIVIL_STATUS,
                        no_card.pk: CycleExclusion.Reason.NO_CARD,
                        never.pk: CycleExclusion.Reason.NO_CIVIL_STATUS}
    assert (cycle.line_count, cycle.left_out_count, cycle.total) == (2, 4, D("2790.00"))


def test_a_household_that_left_hardship_is_not_in_the_next_cycle(living, station1, reviewer):
    household = on_file(station1)
    march = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    Household.objects.filter(pk=household.pk).update(status=Household.Status.LEFT, left_on=dt.date(2024, 3, 20),
                                                     exit_reason="job_found")
    april = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 4, 1), actor=reviewer).cycle
    assert march.lines.filter(household=household).exists()
    assert not april.lines.exists()
    assert april.exclusions.get().reason == CycleExclusion.Reason.LEFT_HARDSHIP


def test_a_pupil_not_in_school_is_left_out(shunyi_fund, station1, reviewer):
    school = f.ProgrammeFactory(fund=shunyi_fund, code="senior", name="高中助学", schedule=Programme.Schedule.YEARLY,
                                unit=Programme.Unit.PUPIL, enrolment=Programme.Enrolment.SCHOOL,
                                school_levels=[SchoolLevel.SENIOR])
    f.programme_rule_set(school, amount="4000")
    household = on_file(station1)
    pupil = f.HouseholdPersonFactory(household=household, relation="child", school_level=SchoolLevel.SENIOR,
                                     in_school=True)
    dropped = f.HouseholdPersonFactory(household=household, relation="child", school_level=SchoolLevel.SENIOR,
                                       in_school=False)
    f.HouseholdPersonFactory(household=household, relation="child", school_level=SchoolLevel.PRIMARY, in_school=True)
    cycle = cycles.cycle_generate(programme=school, cycle_date=dt.date(2024, 9, 2), actor=reviewer).cycle
    assert cycle.title == "2024—2025学年高中助学"
    assert list(cycle.lines.values_list("pupil_id", "amount")) == [(pupil.pk, D("4000.00"))]
    assert list(cycle.exclusions.values_list("pupil_id", "reason")) == [(dropped.pk, "not_in_school")]


def test_a_date_with_no_rule_set_in_force_is_refused_naming_programme_and_date(shunyi_fund, station1, reviewer):
    programme = f.ProgrammeFactory(fund=shunyi_fund)
    f.programme_rule_set(programme, amount="500", effective_from=dt.date(2024, 1, 1))
    with pytest.raises(DomainError) as refused:
        cycles.cycle_generate(programme=programme, cycle_date=dt.date(2023, 12, 1), actor=reviewer)
    assert refused.value.field == "cycle_date"
    assert "生活补贴" in str(refused.value) and "2023-12-01" in str(refused.value)
    assert not Cycle.objects.exists()


def test_cases_keep_choosing_the_rule_set_without_a_programme(shunyi_rules, living):
    from funds.selectors import rule_set_in_force

    found = rule_set_in_force(fund=shunyi_rules.fund, category=shunyi_rules.category, on=dt.date(2024, 3, 1))
    assert found == shunyi_rules


def test_programmes_of_one_category_run_at_once_each_without_overlap(shunyi_fund):
    senior = f.ProgrammeFactory(fund=shunyi_fund, code="senior", name="高中")
    college = f.ProgrammeFactory(fund=shunyi_fund, code="college", name="大学")
    f.programme_rule_set(senior, amount="4000")
    f.programme_rule_set(college, amount="10000")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.programme_rule_set(college, amount="9000", version_name="重叠")


def test_a_removed_line_is_not_paid(living, funded, station1, reviewer, approver):
    kept, removed = on_file(station1), on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    line = cycle.lines.get(household=removed)
    with pytest.raises(DomainError):
        cycles.cycle_line_remove(line=line, actor=reviewer, reason=" ")
    cycles.cycle_line_remove(line=line, actor=reviewer, reason="已外出务工")
    cycle.refresh_from_db()
    assert (cycle.line_count, cycle.total) == (1, D("1395.00"))
    cycles.cycle_approve(cycle=cycle, actor=approver)
    payouts = Payout.objects.filter(source="cycle_line")
    assert [p.payee_id_number for p in payouts] == [kept.head.id_number]


def test_approval_is_refused_with_the_shortfall(living, shunyi_fund, station1, reviewer, approver):
    f.LedgerEntryFactory(fund=shunyi_fund, amount=D("2000.00"))
    on_file(station1), on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    assert cycle_figures(cycle=cycle).shortfall == D("790.00")
    with pytest.raises(DomainError) as refused:
        cycles.cycle_approve(cycle=cycle, actor=approver)
    assert refused.value.code == "shortfall"
    assert "790.00" in str(refused.value)
    cycle.refresh_from_db()
    assert cycle.status == C.GENERATED and not Payout.objects.exists()


def test_only_a_reviewer_generates_and_only_an_approver_approves(living, funded, station1, reviewer, approver,
                                                                 liaison1):
    on_file(station1)
    with pytest.raises(PermissionDenied):
        cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=liaison1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    with pytest.raises(PermissionDenied):
        cycles.cycle_approve(cycle=cycle, actor=reviewer)


def test_another_districts_reviewer_sees_no_cycle_and_no_line(living, station1, station2, reviewer,
                                                              daxing_reviewer, liaison1, liaison2):
    mine = on_file(station1)
    on_file(station2)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    assert not cycles_visible_to(user=daxing_reviewer).exists()
    assert not cycle_lines_visible_to(user=daxing_reviewer).exists()
    with pytest.raises(Http404):
        cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=daxing_reviewer)
    assert list(cycle_lines_visible_to(user=liaison1).values_list("household_id", flat=True)) == [mine.pk]
    assert list(cycles_visible_to(user=liaison1)) == [cycle]
    assert cycle_lines_visible_to(user=liaison2).count() == 1


def test_an_approved_cycle_stays_as_approved_after_a_new_standard_and_a_revision(living, funded, dibao, station1,
                                                                                   reviewer, approver):
    on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 8, 1), actor=reviewer).cycle
    cycles.cycle_approve(cycle=cycle, actor=approver)
    rule_set = RuleSet.objects.get(programme=living)
    assert rule_set.in_use
    assert ParameterValue.objects.get(parameter=dibao, valid_from=dt.date(2024, 7, 1)).used_through == \
        dt.date(2024, 8, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ParameterValue.objects.filter(parameter=dibao, valid_from=dt.date(2024, 7, 1)).update(value=D("1500"))
    f.ParameterValueFactory(parameter=dibao, valid_from=dt.date(2024, 9, 1), value=D("1500.00"))
    september = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 9, 1), actor=reviewer).cycle
    assert september.lines.get().amount == D("1500.00")
    assert cycle.lines.get().amount == D("1420.00")
    assert Payout.objects.get().amount == D("1420.00")
    with pytest.raises(DomainError):
        cycles.cycle_line_remove(line=cycle.lines.get(), actor=reviewer, reason="晚了")


def test_the_database_refuses_to_change_a_line_of_an_approved_cycle(living, funded, station1, reviewer, approver):
    on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    cycles.cycle_approve(cycle=cycle, actor=approver)
    with pytest.raises(IntegrityError), transaction.atomic():
        CycleLine.objects.filter(cycle=cycle).update(amount=D("1.00"))
    assert cycle.lines.get().amount == D("1395.00")


def test_a_chosen_list_pays_only_the_chosen_households(shunyi_fund, station1, reviewer):
    women = f.ProgrammeFactory(fund=shunyi_fund, code="women", name="困难女职工慰问", schedule="holiday",
                               enrolment=Programme.Enrolment.CHOSEN)
    f.programme_rule_set(women, amount="3000")
    chosen = [on_file(station1) for _ in range(6)]
    on_file(station1)
    with pytest.raises(DomainError):
        cycles.programme_choose_households(programme=women, households=[], actor=reviewer)
    cycles.programme_choose_households(programme=women, households=chosen, actor=reviewer)
    cycle = cycles.cycle_generate(programme=women, cycle_date=dt.date(2024, 10, 1), actor=reviewer).cycle
    assert cycle.title == "2024年国庆困难女职工慰问"
    assert set(cycle.lines.values_list("household_id", flat=True)) == {h.pk for h in chosen}
    assert cycle.total == D("18000.00")


def test_a_single_parents_child_is_helped_at_every_level_when_the_programme_widens(shunyi_fund, station1,
                                                                                    reviewer):
    school = f.ProgrammeFactory(fund=shunyi_fund, code="autumn", name="金秋助学", schedule=Programme.Schedule.TERM,
                                unit=Programme.Unit.PUPIL, enrolment=Programme.Enrolment.SCHOOL,
                                school_levels=[SchoolLevel.COLLEGE, SchoolLevel.UNDERGRADUATE],
                                single_parent_widening=True)
    f.programme_rule_set(school, amount="2200")
    single = on_file(station1, single_parent=True)
    both = on_file(station1)
    in_primary = f.HouseholdPersonFactory(household=single, relation="child", school_level=SchoolLevel.PRIMARY,
                                          in_school=True)
    f.HouseholdPersonFactory(household=both, relation="child", school_level=SchoolLevel.PRIMARY, in_school=True)
    student = f.HouseholdPersonFactory(household=both, relation="child", school_level=SchoolLevel.UNDERGRADUATE,
                                       in_school=True)
    cycle = cycles.cycle_generate(programme=school, cycle_date=dt.date(2024, 9, 10), actor=reviewer).cycle
    assert cycle.title == "2024年秋季学期金秋助学"
    assert set(cycle.lines.values_list("pupil_id", flat=True)) == {in_primary.pk, student.pk}


def test_outsiders_get_404_on_a_cycle_and_its_lines(living, station1, station2, reviewer, daxing_reviewer, liaison2):
    from households.selectors.cycles import cycle_get, cycle_line_get

    on_file(station1)
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    line = cycle.lines.get()
    assert cycle_get(user=reviewer, pk=cycle.pk) == cycle
    for outsider in (daxing_reviewer, liaison2):
        with pytest.raises(Http404):
            cycle_get(user=outsider, pk=cycle.pk)
        with pytest.raises(Http404):
            cycle_line_get(user=outsider, pk=line.pk)
    with pytest.raises(Http404):
        cycles.cycle_line_remove(line=line, actor=daxing_reviewer, reason="不是我区的")
    assert not CycleLine.objects.filter(removed=True).exists()


def test_a_city_wide_programme_is_approved_against_its_districts_part(shunyi, station1, reviewer, approver,
                                                                      admin_user):
    from funds.ledger import fund_allocate

    city = f.FundFactory(slug="city", name="北京市总工会温暖基金", district=None)
    f.LedgerEntryFactory(fund=city, amount=D("100000.00"))
    fund_allocate(fund=city, district=shunyi, amount=D("1000.00"), booked_on=dt.date(2024, 1, 2), reason="划拨",
                  actor=admin_user)
    programme = f.ProgrammeFactory(fund=city, code="city-holiday", name="送温暖", schedule="holiday",
                                   enrolment=Programme.Enrolment.ON_FILE)
    f.programme_rule_set(programme, amount="1000")
    on_file(station1), on_file(station1)
    cycle = cycles.cycle_generate(programme=programme, cycle_date=dt.date(2024, 1, 1), actor=reviewer).cycle
    assert cycle.district == shunyi and cycle.title == "2024年元旦送温暖"
    with pytest.raises(DomainError) as refused:
        cycles.cycle_approve(cycle=cycle, actor=approver)
    assert refused.value.code == "shortfall" and "1,000.00" in str(refused.value)


def test_a_household_filed_again_is_paid_once_and_not_listed_as_left(living, station1, reviewer):
    old = on_file(station1, status=Household.Status.LEFT, left_on=dt.date(2024, 1, 10), exit_reason="recovered")
    again = on_file(station1, head=old.head, filed_on=dt.date(2024, 2, 1))
    cycle = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1), actor=reviewer).cycle
    assert list(cycle.lines.values_list("household_id", flat=True)) == [again.pk]
    assert not cycle.exclusions.exists()
