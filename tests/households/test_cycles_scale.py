"""Generation is set-based and one cycle per period, even with two reviewers at the same moment."""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Member, MemberRegistration
from households.models import CivilStatus, Cycle, CycleLine, Household
from households.services import cycles
from payouts.models import Payout
from tests import factories as f
from tests.cases.test_batches_concurrency import wait_for_a_lock_waiter

D = Decimal


def many_households(count: int, *, station, start: int = 0) -> None:
    """``count`` households on file, 低保, each head with a card: in three INSERTs."""
    employer = f.EmployerFactory()
    members = Member.objects.bulk_create([
        Member(name=f"户主{start + n}", id_number=f"{110113000000000000 + start + n}", birth_date=dt.date(1970, 1, 1),
               sex="M",
               employer=employer, card_number=f"62220200{start + n:011d}", bank_name="中国工商银行")
        for n in range(count)])
    MemberRegistration.objects.bulk_create([MemberRegistration(member=m, station=station) for m in members])
    creator = f.UserFactory()
    Household.objects.bulk_create([
        Household(reference=f"SY-HH-T-{start + n:06d}", head=m, station=station, district=station.district,
                  status=Household.Status.ON_FILE, civil_status=CivilStatus.DIBAO, filed_on=dt.date(2023, 6, 1),
                  next_review_due=dt.date(2024, 6, 1), created_by=creator)
        for n, m in enumerate(members)])


@pytest.fixture
def living(shunyi_fund):
    programme = f.ProgrammeFactory(fund=shunyi_fund)
    f.programme_rule_set(programme, amount="1395")
    return programme


def queries_to_generate_and_approve(programme, reviewer, approver, month: int) -> tuple[int, int]:
    """Queries of each step, for users fresh from the database (nothing of theirs cached from a step before)."""
    User = type(reviewer)
    reviewer, approver = User.objects.get(pk=reviewer.pk), User.objects.get(pk=approver.pk)
    with CaptureQueriesContext(connection) as generated:
        cycle = cycles.cycle_generate(programme=programme, cycle_date=dt.date(2024, month, 1), actor=reviewer).cycle
    with CaptureQueriesContext(connection) as approved:
        cycles.cycle_approve(cycle=cycle, actor=approver)
    return len(generated), len(approved)


@pytest.mark.django_db
def test_generating_and_approving_costs_the_same_queries_for_100_and_1000_households(
        living, shunyi_fund, station1, station2, reviewer, approver):
    f.LedgerEntryFactory(fund=shunyi_fund, amount=D("100000000.00"))
    many_households(100, station=station1)
    queries_to_generate_and_approve(living, reviewer, approver, 2)  # the content types are cached from here on
    small = queries_to_generate_and_approve(living, reviewer, approver, 3)
    many_households(900, station=station2, start=100)
    large = queries_to_generate_and_approve(living, reviewer, approver, 4)
    assert small == large
    assert Cycle.objects.get(period_key="2024-04").line_count == 1000
    assert Payout.objects.filter(source="cycle_line").count() == 1200


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_generating_at_once_give_one_cycle(living, station1, reviewer):
    many_households(5, station=station1)
    second_reviewer = f.make_user("reviewer2", "reviewer", district=station1.district)
    outcomes = {}
    started, release = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                outcomes["first"] = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 1),
                                                          actor=reviewer)
                started.set()
                release.wait(30)
        finally:
            started.set()
            connections.close_all()

    def second():
        try:
            started.wait(30)
            outcomes["second"] = cycles.cycle_generate(programme=living, cycle_date=dt.date(2024, 3, 5),
                                                       actor=second_reviewer)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    started.wait(30)
    try:
        wait_for_a_lock_waiter()
    finally:
        release.set()
        for thread in threads:
            thread.join(30)
    assert outcomes["first"].created and not outcomes["second"].created
    assert outcomes["second"].cycle.pk == outcomes["first"].cycle.pk
    assert Cycle.objects.count() == 1
    assert CycleLine.objects.count() == 5
