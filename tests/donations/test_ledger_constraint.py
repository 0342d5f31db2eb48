"""PostgreSQL itself refuses, at commit, a confirmed donation without its credit, whoever writes the row."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from donations import services
from donations.models import Donation
from funds.models import LedgerEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

CHECK = 'SET CONSTRAINTS "donation_confirmed_has_credit" IMMEDIATE'


def _plain_sql_committed(*statements) -> None:
    """Run ``statements`` as any program would, up to its commit (the deferred check runs there)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for statement, params in statements:
            cursor.execute(statement, params)
        cursor.execute(CHECK)  # what COMMIT would check, inside the test's own transaction


@pytest.fixture
def recorded(shunyi_fund):
    return f.DonationFactory(fund=shunyi_fund, amount=Decimal("100.00"))


def test_plain_sql_cannot_confirm_a_donation_without_its_credit(recorded):
    with pytest.raises(DatabaseError, match="without the ledger entries"):
        _plain_sql_committed(("UPDATE donations_donation SET status = 'confirmed' WHERE id = %s", [recorded.pk]))
    assert Donation.objects.get(pk=recorded.pk).status == Donation.Status.RECORDED


def test_plain_sql_cannot_insert_a_confirmed_donation_without_its_credit(recorded, finance):
    with pytest.raises(DatabaseError, match="without the ledger entries"):
        _plain_sql_committed((
            "INSERT INTO donations_donation (fund_id, district_id, amount, received_on, channel, receipt_year,"
            " receipt_seq, receipt_number, note, status, void_reason, recorded_by_id, created_at)"
            " VALUES (%s, %s, 50, '2022-03-05', 'cash', 2022, 999, 'SY-2022-000999', '', 'confirmed', '', %s, now())",
            [recorded.fund_id, recorded.district_id, finance.pk]))
    assert not Donation.objects.filter(receipt_number="SY-2022-000999").exists()


def test_a_credit_of_another_amount_or_kind_is_not_its_credit(recorded, shunyi_fund):
    wrong_amount = f.LedgerEntryFactory(fund=shunyi_fund, kind=LedgerEntry.Kind.DONATION, amount=Decimal("99.00"))
    adjustment = f.LedgerEntryFactory(fund=shunyi_fund, kind=LedgerEntry.Kind.ADJUSTMENT, amount=Decimal("100.00"))
    for entry in (wrong_amount, adjustment):
        with pytest.raises(DatabaseError, match="without the ledger entries"):
            _plain_sql_committed(("UPDATE donations_donation SET status = 'confirmed', credit_entry_id = %s"
                                  " WHERE id = %s", [entry.pk, recorded.pk]))


def test_a_voided_credit_must_point_at_its_own_reversal(recorded, shunyi_fund, finance):
    donation = services.donation_confirm(donation=recorded, actor=finance)
    other = f.LedgerEntryFactory(fund=shunyi_fund, kind=LedgerEntry.Kind.DONATION_VOID, amount=Decimal("-100.00"))
    with pytest.raises(DatabaseError, match="without the ledger entries"):
        _plain_sql_committed(("UPDATE donations_donation SET status = 'voided', void_entry_id = %s WHERE id = %s",
                              [other.pk, donation.pk]))


def test_the_services_pass_the_check(recorded, finance, shunyi_fund):
    """Confirming, voiding and the set-based confirmation of many write what the database asks for."""
    services.donation_confirm(donation=recorded, actor=finance)
    services.donation_void(donation=Donation.objects.get(pk=recorded.pk), actor=finance, reason="重复录入")
    many = [f.DonationFactory(fund=shunyi_fund, amount=Decimal("20.00")) for _ in range(3)]
    services.donation_confirm_many(donations=many, actor=finance)
    with connection.cursor() as cursor:
        cursor.execute(CHECK)
    assert Donation.objects.filter(status=Donation.Status.CONFIRMED).count() == 3


def test_a_confirmed_donation_of_the_factory_has_its_credit(shunyi_fund):
    donation = f.DonationFactory(fund=shunyi_fund, status=Donation.Status.CONFIRMED, amount=Decimal("30.00"))
    assert donation.credit_entry.amount == Decimal("30.00")
    with connection.cursor() as cursor:
        cursor.execute(CHECK)
