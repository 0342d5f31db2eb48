"""Money cannot arrive tomorrow: a date after today is refused, and no receipt number is taken for it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from donations import imports, services
from donations.models import Donation, DonationImport, Donor
from reliefdesk.models import Counter
from reliefdesk.errors import DomainError, TransitionNotAllowed
from tests.donations.conftest import upload

pytestmark = pytest.mark.django_db


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


def test_the_service_refuses_a_date_after_today_and_takes_no_receipt_number(finance, shunyi_fund):
    future = tomorrow()
    with pytest.raises(DomainError) as refused:
        services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None, amount=Decimal("10"),
                                 received_on=future, channel="cash", confirm=True)
    assert refused.value.field == "received_on"
    assert str(refused.value.message) == "收款日期不能晚于今天。"
    assert not Donation.objects.exists()
    assert not Counter.objects.filter(key=f"receipt:{shunyi_fund.pk}:{future.year}", last__gt=0).exists()


def test_today_is_accepted_and_gets_the_first_number_of_the_year(finance, shunyi_fund):
    today = timezone.localdate()
    donation = services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None,
                                        amount=Decimal("10"), received_on=today, channel="cash")
    assert donation.receipt_number == f"SHUNYI-{today.year}-000001"


def test_the_entry_form_shows_the_error_next_to_the_date_and_keeps_what_was_typed(client, finance, shunyi_fund):
    client.force_login(finance)
    response = client.post(reverse("donations:donation-create"), {
        "fund": shunyi_fund.pk, "new_donor_name": "顺义区第一中学", "new_donor_kind": "unit", "amount": "88.00",
        "received_on": tomorrow().isoformat(), "channel": "cash", "confirm": "on"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["received_on"] == ["收款日期不能晚于今天。"]
    assert form["amount"].value() == "88.00" and form["new_donor_name"].value() == "顺义区第一中学"
    assert "收款日期不能晚于今天。" in response.content.decode()
    assert not Donation.objects.exists() and not Donor.objects.exists()
    assert not Counter.objects.filter(key__startswith="receipt:", last__gt=0).exists()


def test_an_import_row_dated_after_today_is_a_row_error_and_nothing_can_be_committed(finance, shunyi_fund):
    future = tomorrow()
    rows = [
        ["张三", "顺义区第一中学", 10, dt.date(2022, 3, 5), "二维码", "WX0001", ""],
        ["李四", "顺义区第一中学", 20, future, "二维码", "WX0002", ""],
        ["王五", "顺义区第一中学", 30, future.strftime("%Y/%m/%d"), "现金", "", ""],
    ]
    imp = imports.donation_import_upload(actor=finance, fund=shunyi_fund, campaign=None, upload=upload(rows))
    imp = imports.donation_import_validate(imp=imp)
    assert imp.status == DonationImport.Status.REJECTED
    found = {(e["row"], e["column"]): e["message"] for e in imp.errors}
    assert found == {(3, "日期"): f"日期 {future.isoformat()} 晚于今天。",
                     (4, "日期"): f"日期 {future.isoformat()} 晚于今天。"}
    with pytest.raises(TransitionNotAllowed):
        imports.donation_import_commit(imp=imp, actor=finance)
    assert not Donation.objects.exists()
    assert not Counter.objects.filter(key__startswith="receipt:", last__gt=0).exists()


def test_the_import_preview_lists_the_future_row_in_its_row_errors(client, finance, shunyi_fund):
    future = tomorrow()
    client.force_login(finance)
    response = client.post(reverse("donations:import-upload"), {
        "fund": shunyi_fund.pk,
        "file": upload([["张三", "", 10, future, "现金", "", ""]])}, follow=True)
    page = response.content.decode()
    assert 'data-testid="row-errors"' in page
    assert f"日期 {future.isoformat()} 晚于今天。" in page
