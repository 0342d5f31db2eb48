"""The demo donations: loaded once, consistent with the ledger."""
from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q, Sum

from donations.models import Campaign, Donation
from funds.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_the_demo_campaigns_load_once_and_reconcile_with_the_ledger():
    call_command("seed_demo", stdout=StringIO())
    counts = (Donation.objects.count(), Campaign.objects.count(), LedgerEntry.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Donation.objects.count(), Campaign.objects.count(), LedgerEntry.objects.count()) == counts

    shunyi = Campaign.objects.get(name="2022年一元捐、十元捐")
    assert shunyi.fund.slug == "shunyi" and shunyi.target == Decimal("150000.00")
    assert Campaign.objects.filter(fund__slug="daxing").exists()
    assert 35 <= Donation.objects.count() <= 50
    assert len(set(Donation.objects.values_list("channel", flat=True))) >= 4
    voided = Donation.objects.filter(status="voided")
    assert voided.count() >= 1 and all(d.void_reason for d in voided)
    assert Donation.objects.filter(status="confirmed").count() > Donation.objects.count() // 2
    for campaign in Campaign.objects.all():
        confirmed = Donation.objects.filter(campaign=campaign, status="confirmed").aggregate(s=Sum("amount"))["s"]
        ledger = (LedgerEntry.objects.filter(Q(donation__campaign=campaign) | Q(voided_donation__campaign=campaign))
                  .aggregate(s=Sum("amount"))["s"])
        assert confirmed == ledger
