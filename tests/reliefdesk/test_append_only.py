"""History and ledger rows are append-only in PostgreSQL itself, not only in the ORM."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from funds.models import LedgerEntry
from reliefdesk.history import record_event
from reliefdesk.models import District, HistoryEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def _plain_sql(statement: str, params: list) -> None:
    """Run ``statement`` as any program connected to the database would."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def event(reviewer):
    return record_event(District.objects.create(code="ZZ", name="测试"), actor=reviewer, action="district.created",
                        reason="原因")


@pytest.fixture
def entry(shunyi_fund):
    return f.LedgerEntryFactory(fund=shunyi_fund, amount=Decimal("1000000.00"))


def test_plain_sql_cannot_rewrite_a_history_row(event):
    with pytest.raises(DatabaseError, match="Cannot update or delete"):
        _plain_sql("UPDATE reliefdesk_historyevent SET reason = 'rewritten', actor_id = NULL WHERE id = %s",
                   [event.pk])
    assert HistoryEvent.objects.get(pk=event.pk).reason == "原因"
    assert HistoryEvent.objects.get(pk=event.pk).actor_id == event.actor_id


def test_plain_sql_cannot_delete_a_history_row(event):
    with pytest.raises(DatabaseError, match="Cannot update or delete"):
        _plain_sql("DELETE FROM reliefdesk_historyevent WHERE id = %s", [event.pk])
    assert HistoryEvent.objects.filter(pk=event.pk).exists()


def test_a_raw_queryset_delete_of_history_is_refused_by_the_database(event):
    # _raw_delete skips the model's refusal: only the trigger stands in the way.
    with pytest.raises(DatabaseError), transaction.atomic():
        HistoryEvent.objects.filter(pk=event.pk)._raw_delete(using="default")
    assert HistoryEvent.objects.filter(pk=event.pk).exists()


def test_plain_sql_cannot_change_a_ledger_amount(entry):
    with pytest.raises(DatabaseError, match="Cannot update or delete"):
        _plain_sql("UPDATE funds_ledgerentry SET amount = 1 WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("1000000.00")


def test_plain_sql_cannot_delete_a_ledger_entry(entry):
    with pytest.raises(DatabaseError, match="Cannot update or delete"):
        _plain_sql("DELETE FROM funds_ledgerentry WHERE fund_id = %s", [entry.fund_id])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_new_ledger_rows_are_still_inserted_by_plain_sql(entry):
    _plain_sql("INSERT INTO funds_ledgerentry (fund_id, kind, amount, booked_on, description, reason, created_at) "
               "VALUES (%s, 'adjustment', -5, '2022-01-02', '', 'x', now())", [entry.fund_id])
    assert LedgerEntry.objects.filter(fund_id=entry.fund_id).count() == 2
