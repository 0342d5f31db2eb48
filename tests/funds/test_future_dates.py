"""An adjustment cannot be booked on a day that has not come yet."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funds import ledger
from funds.errors import LedgerRefused
from funds.models import LedgerEntry
from reliefdesk.models import HistoryEvent

pytestmark = pytest.mark.django_db


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def test_the_service_refuses_an_adjustment_dated_after_today(shunyi_fund, finance):
    with pytest.raises(LedgerRefused) as refused:
        ledger.ledger_post_adjustment(fund=shunyi_fund, amount=Decimal("-100"), reason="手续费", actor=finance,
                               booked_on=tomorrow())
    assert refused.value.field == "booked_on"
    assert str(refused.value.message) == "记账日期不能晚于今天。"
    assert not LedgerEntry.objects.exists()
    assert not HistoryEvent.objects.filter(action="fund.adjusted").exists()


def test_an_adjustment_dated_today_is_booked(shunyi_fund, finance):
    entry = ledger.ledger_post_adjustment(fund=shunyi_fund, amount=Decimal("-100"), reason="手续费", actor=finance,
                                   booked_on=timezone.localdate())
    assert entry.booked_on == timezone.localdate()


def test_the_fund_page_shows_the_error_next_to_the_date_and_keeps_what_was_typed(client, finance, shunyi_fund):
    client.force_login(finance)
    response = client.post(reverse("funds:fund-adjust", args=[shunyi_fund.slug]),
                           {"amount": "-100.00", "booked_on": tomorrow().isoformat(), "reason": "银行手续费"})
    assert response.status_code == 400
    form = response.context["adjust_form"]
    assert form.errors["booked_on"] == ["记账日期不能晚于今天。"]
    assert form["reason"].value() == "银行手续费" and form["amount"].value() == "-100.00"
    assert "记账日期不能晚于今天。" in response.content.decode()
    assert not LedgerEntry.objects.exists()
