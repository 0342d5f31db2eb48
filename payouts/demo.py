"""Demo payouts: the approved first-quarter batch of Shunyi goes to the bank.

Runs after cases.demo_review (which approves the batch and so creates its
payouts). One sheet holds the batch's payouts; it is exported, most are
recorded as paid with a bank reference and one as failed (a closed account),
so finance has a failed payout to reissue. Everything goes through the
payout services, so the ledger debits, history and case statuses are real.
Idempotent: a batch whose payouts are already in a sheet is left alone.
"""
from __future__ import annotations

import os

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.demo_review import FIRST_BATCH
from cases.models import Batch
from payouts.models import Payout, PayoutSheetLine
from payouts import services

FAILURE_REASON = "账户已销户，请核对卡号"


def seed(stdout) -> None:
    finance = get_user_model().objects.filter(username="finance").first()
    batch = Batch.objects.filter(fund__slug="shunyi", title=FIRST_BATCH, status=Batch.Status.APPROVED).first()
    if finance is None or batch is None:
        stdout.write("demo payouts: skipped (no finance user or approved Shunyi batch).")
        return
    if PayoutSheetLine.objects.filter(payout__batch=batch).exists():
        stdout.write("demo payouts: already there.")
        return
    payouts = list(Payout.objects.filter(batch=batch, status=Payout.Status.PENDING).order_by("id"))
    if not payouts:
        stdout.write("demo payouts: the approved batch has no pending payouts.")
        return
    sheet = services.payout_sheet_create(actor=finance, fund=batch.fund, payouts=payouts)
    os.unlink(services.payout_sheet_export(sheet=sheet, actor=finance).path)
    today = timezone.localdate()
    paid, failed = payouts[:-1], payouts[-1:]
    if paid:
        services.payout_mark_paid(payouts=paid, actor=finance, paid_on=today,
                                   bank_reference=f"ICBC{today:%Y%m%d}001")
    services.payout_mark_failed(payouts=failed, actor=finance, reason=FAILURE_REASON)
    stdout.write(f"demo payouts: sheet {sheet.number} with {len(payouts)} payouts, "
                 f"{len(paid)} paid, {len(failed)} failed.")
