"""PostgreSQL itself refuses, at commit, a confirmed donation without its credit, whoever writes the row.

The check runs once per statement (migration 0013): a statement trigger notes the donations it touched in
``donations_credit_check``, and the deferred constraint trigger ``donation_confirmed_has_credit`` reads them again at
commit; ``SET CONSTRAINTS … IMMEDIATE`` runs it now, as COMMIT would.
"""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from donations import services
from donations.models import Donation
from funds.models import LedgerEntry
from reliefdesk.errors import DomainError
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


def test_a_confirmed_donation_pointing_at_no_entry_is_refused(recorded):
    """No foreign key holds the pointer: the check at commit finds the entry missing."""
    with pytest.raises(DatabaseError, match="without the ledger entries"):
        _plain_sql_committed(("UPDATE donations_donation SET status = 'confirmed', credit_entry_id = %s"
                              " WHERE id = %s", [10 ** 12, recorded.pk]))


def test_a_recorded_donation_points_at_no_entry(recorded, shunyi_fund):
    entry = f.LedgerEntryFactory(fund=shunyi_fund, kind=LedgerEntry.Kind.DONATION, amount=Decimal("100.00"))
    with pytest.raises(IntegrityError, match="donation_recorded_is_not_booked"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE donations_donation SET credit_entry_id = %s WHERE id = %s", [entry.pk, recorded.pk])


def test_a_credit_is_never_the_credit_of_two_donations(recorded, shunyi_fund, finance):
    first = services.donation_confirm(donation=recorded, actor=finance)
    other = f.DonationFactory(fund=shunyi_fund, amount=Decimal("100.00"))
    with pytest.raises(IntegrityError, match="credit_entry_id"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE donations_donation SET status = 'confirmed', credit_entry_id = %s WHERE id = %s",
                           [first.credit_entry_id, other.pk])


def test_a_confirmed_donation_is_not_credited_twice(recorded, finance):
    donation = services.donation_confirm(donation=recorded, actor=finance)
    from funds.errors import LedgerRefused

    with pytest.raises((LedgerRefused, DomainError)):
        services.donation_confirm(donation=donation, actor=finance)
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.DONATION).count() == 1


def _notes() -> list[list[int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT donation_ids FROM donations_credit_check ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def test_the_check_is_noted_once_per_statement_and_its_note_is_gone_after_it(shunyi_fund, finance):
    many = [f.DonationFactory(fund=shunyi_fund, amount=Decimal("20.00")) for _ in range(3)]
    assert _notes() == []  # recorded donations need no entry: nothing to check
    services.donation_confirm_many(donations=many, actor=finance)
    assert [sorted(ids) for ids in _notes()] == [sorted(d.pk for d in many)]  # one statement, one note of its three donations
    with connection.cursor() as cursor:
        cursor.execute(CHECK)
    assert _notes() == []
