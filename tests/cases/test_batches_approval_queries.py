"""Approving a batch costs a fixed number of queries, however many cases it holds."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Application, Batch, Member
from payouts.models import Payout
from cases.services import batches
from reliefdesk.models import HistoryEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status
NOTICE_END = dt.date(2022, 3, 11)
AFTER_NOTICE = dt.date(2022, 3, 14)


def noticed_batch(*, size, title, station, rules, reviewer, employer):
    """A batch in public notice with ``size`` cases, inserted in bulk (as a real quarter's would be)."""
    batch = f.BatchFactory(title=title, fund=rules.fund, status=Batch.Status.PUBLIC_NOTICE, created_by=reviewer,
                           notice_start=dt.date(2022, 3, 7), notice_days=5, notice_end=NOTICE_END)
    offset = Member.objects.count()
    members = Member.objects.bulk_create([
        Member(name=f"张{offset + i}明", id_number=f.make_id_number(seq=(offset + i) % 1000,
                                                                   birth=dt.date(1960, 1, 1) + dt.timedelta(
                                                                       days=(offset + i) // 1000)),
               birth_date=dt.date(1960, 1, 1), sex="M", employer=employer, card_number="6222020200001234567",
               bank_name="中国工商银行北京顺义支行")
        for i in range(size)
    ])
    Application.objects.bulk_create([
        Application(reference=f"SY-2022-{offset + i + 1:05d}", fund=rules.fund, category=rules.category, member=m,
                    beneficiary_id_number=m.id_number, beneficiary_name=m.name, station=station,
                    district=station.district, created_by=reviewer, status=S.IN_BATCH, event_date=dt.date(2022, 2, 1),
                    total_cost=Decimal("62000.00"), self_paid=Decimal("62000.00"), proposed_amount=Decimal("12400.00"),
                    estimate_rule_set=rules, estimate_eligible=True, estimate_amount=Decimal("12400.00"),
                    estimate_explanation="自付 62,000.00 元，属 5万–10万 档，按 20% 计 12,400.00 元", batch=batch)
        for i, m in enumerate(members)
    ])
    return batch


@pytest.fixture
def setup(station1, shunyi_rules, reviewer):
    f.LedgerEntryFactory(fund=shunyi_rules.fund, amount=Decimal("100000000.00"))
    employer = f.EmployerFactory(district=station1.district)
    return {"station": station1, "rules": shunyi_rules, "reviewer": reviewer, "employer": employer}


def approve(batch, approver):
    batches.batch_approve(batch=batch, actor=approver, meeting_date=AFTER_NOTICE, minutes_reference="纪要",
                          attendees="赵审批", today=AFTER_NOTICE)


def count_queries(batch, approver) -> int:
    with CaptureQueriesContext(connection) as captured:
        approve(batch, approver)
    return len(captured)


def test_approving_three_cases_and_three_hundred_costs_the_same_queries(setup, approver):
    # The first approval also fills per-process caches (the user's assignment, content types).
    approve(noticed_batch(size=1, title="预热批次", **setup), approver)
    small = noticed_batch(size=3, title="小批次", **setup)
    large = noticed_batch(size=300, title="大批次", **setup)
    assert count_queries(small, approver) == count_queries(large, approver)


def test_approving_a_thousand_cases_issues_a_bounded_number_of_queries(setup, approver, django_assert_max_num_queries):
    batch = noticed_batch(size=1000, title="2022年第一季度第9批", **setup)
    with django_assert_max_num_queries(15):
        approve(batch, approver)
    assert Application.objects.filter(batch=batch, status=S.APPROVED).count() == 1000
    assert Payout.objects.filter(batch=batch).count() == 1000
    assert HistoryEvent.objects.filter(action="application.approved").count() == 1000
    assert Application.objects.filter(batch=batch, awarded_amount=Decimal("12400.00")).exclude(
        award_snapshot={}).count() == 1000
