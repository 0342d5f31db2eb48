"""The funds demo seed: the published figures, and a second run changes nothing."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

from funds import demo
from funds.engine import Facts, evaluate
from funds.models import Disease, LedgerEntry, Tier
from funds.selectors import fund_position, rule_set_in_force, rules_of
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def seeded(db):
    for code in ("SY", "DX", "CY", "PG"):
        f.DistrictFactory(code=code, name=code)
    demo.seed(io.StringIO())


def amount(fund, category, on, basis=None, **facts):
    rules = rules_of(rule_set_in_force(fund=fund, category=category, on=on), on=on)
    return evaluate(rules, Facts(D(basis) if basis else None, on, on, **facts))


def test_the_demo_rules_give_the_amounts_of_the_seeds(seeded):
    assert amount("shunyi", "medical", dt.date(2021, 6, 1), "62000").amount == D("9300.00")
    assert amount("shunyi", "medical", dt.date(2022, 6, 1), "62000").amount == D("12400.00")
    assert amount("daxing", "medical", dt.date(2018, 6, 1), "710000", disease_code="brain-tumour").amount \
        == D("50000.00")
    assert amount("pinggu", "accident", dt.date(2022, 6, 1)).amount == D("20000.00")
    assert amount("city", "living", dt.date(2022, 6, 1)).amount == D("15840.00")
    assert amount("city", "medical", dt.date(2022, 6, 1), "30000").amount == D("15000.00")
    emergency = amount("daxing", "emergency", dt.date(2022, 6, 1), "30000")
    assert (emergency.range_min, emergency.range_max) == (D("5000.00"), D("10000.00"))


def test_the_catalogue_holds_the_28_serious_diseases_and_those_of_the_seeds(seeded):
    assert Disease.objects.filter(source__contains="2020年修订版").count() == 28
    assert Disease.objects.filter(name="霍奇金淋巴瘤").exists()


def test_every_fund_opens_with_a_balance_so_approvals_can_proceed(seeded):
    assert fund_position(fund=f.FundFactory(slug="shunyi")).balance == D("800000.00")


def test_seeding_twice_changes_nothing(seeded):
    tiers = set(Tier.objects.values_list("id", flat=True))
    entries = LedgerEntry.objects.count()
    demo.seed(io.StringIO())
    assert set(Tier.objects.values_list("id", flat=True)) == tiers
    assert LedgerEntry.objects.count() == entries
