"""A unit's list sent twice: its rows without a bank reference are warned about, and go in only when told "new"."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from donations import imports, services
from donations.models import Donation, DonationImport
from reliefdesk.errors import DomainError
from reliefdesk.models import HistoryEvent, Job
from tests.donations.conftest import upload

pytestmark = pytest.mark.django_db

# A payroll list: no transaction numbers.
PAYROLL = [
    ["张三", "顺义建工集团", 10, dt.date(2022, 3, 5), "工资代扣", "", ""],
    ["李四", "顺义建工集团", Decimal("20.00"), dt.date(2022, 3, 5), "工资代扣", "", ""],
    ["匿名", "", 5, dt.date(2022, 3, 5), "现金", "", ""],
]


def checked(finance, fund, rows, name="payroll.xlsx"):
    imp = imports.donation_import_upload(actor=finance, fund=fund, campaign=None, upload=upload(rows, name))
    return imports.donation_import_validate(imp=imp)


@pytest.fixture
def first_list(finance, shunyi_fund):
    imp = checked(finance, shunyi_fund, PAYROLL)
    assert imp.warnings == []
    return imports.donation_import_commit(imp=imp, actor=finance)


def test_the_same_gifts_sent_again_are_warned_about_with_the_earlier_receipt(finance, shunyi_fund, first_list):
    # The same gifts in another file (a note added, so another SHA-256), and one new row.
    again = checked(finance, shunyi_fund, [*[row[:6] + ["再次发送"] for row in PAYROLL],
                                           ["王五", "顺义建工集团", 30, dt.date(2022, 3, 5), "工资代扣", "", ""]],
                    name="payroll-again.xlsx")
    assert again.status == DonationImport.Status.VALIDATED
    zhang = Donation.objects.get(donor__name="张三")
    li = Donation.objects.get(donor__name="李四")
    assert again.warnings == [
        {"row": 2, "donor": "张三 · 顺义建工集团", "amount": "10.00", "date": "2022-03-05",
         "earlier": zhang.receipt_number},
        {"row": 3, "donor": "李四 · 顺义建工集团", "amount": "20.00", "date": "2022-03-05",
         "earlier": li.receipt_number},
    ]


def test_without_these_are_new_the_commit_stores_nothing(finance, shunyi_fund, first_list):
    again = checked(finance, shunyi_fund, [PAYROLL[0]], name="again.xlsx")
    count, history = Donation.objects.count(), HistoryEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        imports.donation_import_commit(imp=again, actor=finance)
    assert refused.value.field == "repeats_confirmed"
    assert (Donation.objects.count(), HistoryEvent.objects.count()) == (count, history)
    again.refresh_from_db()
    assert again.status == DonationImport.Status.VALIDATED


def test_with_these_are_new_the_rows_go_in_and_the_history_says_so(finance, shunyi_fund, first_list):
    again = checked(finance, shunyi_fund, [PAYROLL[0]], name="again.xlsx")
    imports.donation_import_commit(imp=again, actor=finance, repeats_confirmed=True)
    assert Donation.objects.filter(donor__name="张三").count() == 2
    event = HistoryEvent.objects.get(action="donation_import.committed", object_id=again.pk)
    assert event.data["repeats_confirmed"] == 1


def test_a_gift_recorded_after_the_check_is_caught_at_the_commit(finance, shunyi_fund):
    imp = checked(finance, shunyi_fund, [PAYROLL[0]])
    assert imp.warnings == []
    imports.donation_import_commit(imp=checked(finance, shunyi_fund, [PAYROLL[0]], name="other.xlsx"), actor=finance)
    with pytest.raises(DomainError):
        imports.donation_import_commit(imp=imp, actor=finance)


def test_rows_with_a_bank_reference_a_voided_gift_and_anonymous_gifts_are_not_repeats(finance, shunyi_fund,
                                                                                    first_list):
    services.donation_void(actor=finance, donation=Donation.objects.get(donor__name="李四"), reason="录错")
    again = checked(finance, shunyi_fund, [
        ["张三", "顺义建工集团", 10, dt.date(2022, 3, 5), "银行转账", "ICBC-9", ""],   # its own bank transaction
        PAYROLL[1],                                                                  # the earlier one was voided
        PAYROLL[2],                                                                  # anonymous
    ], name="again.xlsx")
    assert again.warnings == []


def test_the_check_is_one_query_whatever_the_rows(finance, shunyi_fund, first_list, django_assert_num_queries):
    rows = [imports.GoodRow(n, "张三", "顺义建工集团", Decimal("10.00"), dt.date(2022, 3, 5), "payroll", "", "")
            for n in range(2, 2002)]
    with django_assert_num_queries(1):
        found = imports.repeated_donations(district_id=shunyi_fund.district_id, rows=rows)
    assert len(found) == 2000


def test_the_preview_lists_the_repeats_and_refuses_beside_the_checkbox(client, finance, shunyi_fund, first_list):
    again = checked(finance, shunyi_fund, [PAYROLL[0]], name="again.xlsx")
    client.force_login(finance)
    page = client.get(reverse("donations:import-detail", args=[again.pk])).content.decode()
    earlier = Donation.objects.get(donor__name="张三").receipt_number
    assert 'data-testid="repeats"' in page and earlier in page and 'name="repeats_confirmed"' in page
    count = Donation.objects.count()
    response = client.post(reverse("donations:import-commit", args=[again.pk]), {"confirm": "on"})
    assert response.status_code == 200
    assert 'data-testid="repeats-error"' in response.content.decode()
    assert Donation.objects.count() == count
    response = client.post(reverse("donations:import-commit", args=[again.pk]),
                           {"confirm": "on", "repeats_confirmed": "on"})
    assert response.status_code == 302
    assert Donation.objects.count() == count + 1


def test_a_background_import_asks_the_same(client, finance, shunyi_fund, first_list, settings,
                                           django_capture_on_commit_callbacks):
    again = checked(finance, shunyi_fund, [row[:6] + ["二月"] for row in PAYROLL], name="again.xlsx")
    assert len(again.warnings) == 2
    settings.BACKGROUND_ROWS_THRESHOLD = 1
    client.force_login(finance)
    response = client.post(reverse("donations:import-commit", args=[again.pk]), {"confirm": "on"})
    assert response.status_code == 200 and not Job.objects.filter(kind="donation_import_commit").exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("donations:import-commit", args=[again.pk]), {"confirm": "on", "repeats_confirmed": "on"})
    job = Job.objects.get(kind="donation_import_commit")
    assert job.status == Job.Status.DONE, job.message
    assert Donation.objects.filter(import_batch=again).count() == 3
