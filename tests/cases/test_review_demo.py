from decimal import Decimal
from io import StringIO

import pytest
from django.utils import timezone

from cases import demo_review
from cases.models import Application, Batch
from payouts.models import Payout
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status


def test_the_review_demo_approves_one_batch_puts_one_in_notice_and_runs_only_once(
        station1, shunyi_rules, reviewer, approver):
    f.LedgerEntryFactory(fund=shunyi_rules.fund, amount=Decimal("500000.00"))
    for _ in range(16):
        f.ApplicationFactory(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                             status=S.SUBMITTED, submitted_at=timezone.now())

    demo_review.seed(StringIO())
    first = Batch.objects.get(title=demo_review.FIRST_BATCH)
    second = Batch.objects.get(title=demo_review.SECOND_BATCH)
    assert first.status == Batch.Status.APPROVED
    assert second.status == Batch.Status.PUBLIC_NOTICE
    assert Payout.objects.filter(batch=first).count() == demo_review.APPROVED_COUNT
    counts = {status: Application.objects.filter(status=status).count()
              for status in (S.APPROVED, S.IN_BATCH, S.VERIFIED, S.IN_REVIEW, S.SUBMITTED)}
    assert counts == {S.APPROVED: 6, S.IN_BATCH: 4, S.VERIFIED: 2, S.IN_REVIEW: 3, S.SUBMITTED: 1}

    demo_review.seed(StringIO())
    assert Batch.objects.count() == 2
    assert Payout.objects.count() == demo_review.APPROVED_COUNT
    assert Application.objects.filter(status=S.IN_REVIEW).count() == 3
