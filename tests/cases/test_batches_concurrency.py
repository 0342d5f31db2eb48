"""Two people acting at once, with real parallel transactions on PostgreSQL.

Each thread has its own database connection. The first thread holds its
transaction open until PostgreSQL reports the second one waiting for the
row lock, so the race is certain, not left to timing.
"""
import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from cases.models import Application, Batch
from payouts.models import Payout
from cases.services import batches
from reliefdesk.errors import DomainError
from reliefdesk.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

S = Application.Status
MONDAY = dt.date(2022, 3, 7)
AFTER_NOTICE = dt.date(2022, 3, 14)


def wait_for_a_lock_waiter(timeout: float = 20.0) -> None:
    """Return once another backend of this database is blocked on a lock."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the second transaction never waited for the lock")


def race(first, second):
    """Run ``first`` (kept open until ``second`` blocks on its lock) and ``second`` in parallel threads."""
    outcomes = {}
    started = threading.Event()
    release = threading.Event()

    def run_first():
        try:
            with transaction.atomic():
                first()
                started.set()
                release.wait(30)
            outcomes["first"] = "ok"
        except DomainError as exc:
            outcomes["first"] = exc
            started.set()
        finally:
            connections.close_all()

    def run_second():
        try:
            started.wait(30)
            second()
            outcomes["second"] = "ok"
        except DomainError as exc:
            outcomes["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    started.wait(30)
    try:
        wait_for_a_lock_waiter()
    finally:
        release.set()
        for thread in threads:
            thread.join(60)
    return outcomes["first"], outcomes["second"]


@pytest.fixture
def case(station1, shunyi_rules):
    f.LedgerEntryFactory(fund=shunyi_rules.fund, amount=Decimal("1000000.00"))
    return f.reviewed_application(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                  estimate_rule_set=shunyi_rules)


def test_two_reviewers_adding_one_case_to_two_batches_exactly_one_succeeds(case, reviewer, shunyi):
    colleague = f.make_user("reviewer2", Role.REVIEWER, district=shunyi)
    batch_a = batches.batch_create(actor=reviewer, fund=case.fund, title="2022年第一季度第1批")
    batch_b = batches.batch_create(actor=colleague, fund=case.fund, title="2022年第一季度第2批")

    first, second = race(
        lambda: batches.batch_add_applications(batch=batch_a, applications=[case.pk], actor=reviewer),
        lambda: batches.batch_add_applications(batch=batch_b, applications=[case.pk], actor=colleague),
    )

    assert first == "ok"
    assert isinstance(second, DomainError)
    case.refresh_from_db()
    assert (case.status, case.batch_id) == (S.IN_BATCH, batch_a.pk)
    assert not batch_b.applications.exists()


def test_approving_one_batch_twice_at_once_approves_it_once(case, reviewer, approver):
    batch = batches.batch_create(actor=reviewer, fund=case.fund, title="2022年第一季度第1批")
    batches.batch_add_applications(batch=batch, applications=[case], actor=reviewer)
    Batch.objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(dt.datetime(2022, 3, 4, 9)))
    batches.batch_start_notice(batch=batch, actor=reviewer, start=MONDAY, today=MONDAY)

    def approve():
        batches.batch_approve(batch=batch.pk, actor=approver, meeting_date=AFTER_NOTICE, minutes_reference="纪要3号",
                              attendees="赵审批", today=AFTER_NOTICE)

    first, second = race(approve, approve)

    assert first == "ok"
    assert isinstance(second, DomainError)
    approved_at = timezone.localtime(Batch.objects.get(pk=batch.pk).approved_at)
    assert str(second) == f"批次“{batch.title}”已于{approved_at:%Y-%m-%d %H:%M}批准。"
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.APPROVED
    assert Payout.objects.filter(application=case).count() == 1
    from reliefdesk.history import history_for

    assert [e.action for e in history_for(case)].count("application.approved") == 1
