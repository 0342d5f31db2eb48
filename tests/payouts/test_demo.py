"""The payouts demo: one sheet for the approved batch, most paid, one failed, and a second run adds nothing."""
from __future__ import annotations

import io
from decimal import Decimal

from payouts import demo as demo_payouts
from cases.demo_review import FIRST_BATCH
from cases.models import Application, Batch
from payouts.models import Payout, PayoutSheet
from funds.models import LedgerEntry
from tests import factories as f


def test_the_demo_pays_the_approved_batch_but_one_and_is_idempotent(finance, shunyi_fund, station1):
    batch = f.BatchFactory(fund=shunyi_fund, title=FIRST_BATCH, status=Batch.Status.APPROVED)
    f.make_payouts(4, fund=shunyi_fund, station=station1, batch=batch,
                   amounts=[Decimal("12400.00"), Decimal("30000.00"), Decimal("7500.50"), Decimal("9000.00")])

    demo_payouts.seed(io.StringIO())
    demo_payouts.seed(io.StringIO())

    sheet = PayoutSheet.objects.get()
    assert sheet.status == PayoutSheet.Status.CLOSED
    assert Payout.objects.filter(status=Payout.Status.PAID).count() == 3
    assert Payout.objects.filter(status=Payout.Status.FAILED).count() == 1
    assert -sum(e.amount for e in LedgerEntry.objects.filter(kind="payout")) == Decimal("49900.50")
    assert Application.objects.filter(status=Application.Status.PAID).count() == 3
    assert sheet.exports.count() == 1


def test_the_demo_skips_quietly_without_an_approved_batch(finance, shunyi_fund):
    out = io.StringIO()
    demo_payouts.seed(out)
    assert "skipped" in out.getvalue()
    assert not PayoutSheet.objects.exists()
