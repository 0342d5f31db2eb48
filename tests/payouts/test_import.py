"""The bank's result file: every bad row named, all rows or none, and a second import changes nothing."""
from __future__ import annotations

import datetime as dt
import io
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from cases.models import Application
from payouts.models import Payout, PayoutSheet
from payouts import services
from funds.models import LedgerEntry
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from tests import factories as f

PAID_ON = dt.date(2022, 4, 8)
HEADER = ("申请编号", "结果", "银行流水号", "失败原因", "金额(元)")


def result_file(rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "result.xlsx"
    return buffer


@pytest.fixture(autouse=True)
def _english():
    """Error texts are asserted in their English source form, whatever the translations say."""
    with translation.override("en"):
        yield


@pytest.fixture
def payouts(shunyi_fund, station1):
    return f.make_payouts(3, fund=shunyi_fund, station=station1,
                          amounts=[Decimal("12400.00"), Decimal("30000.00"), Decimal("7500.50")])


@pytest.fixture
def sheet(finance, shunyi_fund, payouts):
    sheet = services.sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    os.unlink(services.sheet_export(sheet=sheet, actor=finance).path)
    sheet.refresh_from_db()
    return sheet


def refs(payouts):
    return [p.application.reference for p in payouts]


def good_rows(payouts):
    a, b, c = refs(payouts)
    return [(a, "成功", "BK0001", None, 12400), (b, "成功", "BK0002", None, 30000.0), (c, "失败", None, "账户已销户", 7500.5)]


def test_a_good_file_is_previewed_without_writing_then_committed(finance, sheet, payouts):
    report = services.sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)),
                                           paid_on=PAID_ON)

    assert report.valid and (report.paid_count, report.failed_count) == (2, 1)
    assert report.paid_total == Decimal("42400.00")
    assert not LedgerEntry.objects.exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.IN_SHEET}

    report = services.sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)),
                                           commit=True, paid_on=PAID_ON)

    assert report.committed
    statuses = dict(Payout.objects.values_list("pk", "status"))
    assert [statuses[p.pk] for p in payouts] == [Payout.Status.PAID, Payout.Status.PAID, Payout.Status.FAILED]
    assert Payout.objects.get(pk=payouts[1].pk).bank_reference == "BK0002"
    assert Payout.objects.get(pk=payouts[2].pk).failure_reason == "账户已销户"
    assert sum(e.amount for e in LedgerEntry.objects.all()) == Decimal("-42400.00")
    assert PayoutSheet.objects.get(pk=sheet.pk).status == PayoutSheet.Status.CLOSED
    assert Application.objects.get(pk=payouts[2].application_id).status == Application.Status.PAYMENT_FAILED


def test_importing_the_same_file_twice_changes_nothing_the_second_time(finance, sheet, payouts):
    services.sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)), commit=True,
                                  paid_on=PAID_ON)
    events = sum(len(history_for(p)) for p in payouts)

    report = services.sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)),
                                           commit=True, paid_on=PAID_ON)

    assert report.valid and len(report.already_rows) == 3 and not report.new_rows
    assert LedgerEntry.objects.count() == 2
    assert sum(len(history_for(p)) for p in payouts) == events


def test_every_bad_row_is_reported_with_its_reason(finance, sheet, payouts, shunyi_fund, station1):
    (outside,) = f.make_payouts(1, fund=shunyi_fund, station=station1)
    a, b, c = refs(payouts)
    rows = [
        ("SY-2099-99999", "成功", "X1", None, None),
        (a, "成功", "X2", None, 99999),
        (b, "已到账", "X3", None, None),
        (outside.application.reference, "成功", "X4", None, None),
        (c, "成功", None, None, None),
    ]

    report = services.sheet_import_results(sheet=sheet, actor=finance, file=result_file(rows), paid_on=PAID_ON)

    errors = {row.line: " ".join(row.errors) for row in report.bad_rows}
    assert set(errors) == {2, 3, 4, 5, 6}
    assert "Unknown application number SY-2099-99999" in errors[2]
    assert "differs" in errors[3]
    assert "成功 (success) or 失败 (failure)" in errors[4]
    assert "not in this sheet" in errors[5]
    assert "bank reference" in errors[6]
    assert not report.valid


def test_a_file_with_one_bad_row_records_nothing(finance, sheet, payouts):
    rows = good_rows(payouts)
    rows[2] = (rows[2][0], "失败", None, "账户已销户", 1)

    with pytest.raises(DomainError):
        services.sheet_import_results(sheet=sheet, actor=finance, file=result_file(rows), commit=True,
                                      paid_on=PAID_ON)

    assert not LedgerEntry.objects.exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.IN_SHEET}


def test_a_row_for_a_payout_already_paid_with_another_reference_is_an_error(finance, sheet, payouts):
    services.payouts_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="HAND-1")
    rows = good_rows(payouts)

    report = services.sheet_import_results(sheet=sheet, actor=finance, file=result_file(rows), paid_on=PAID_ON)

    assert [r.line for r in report.bad_rows] == [2]
    assert "already paid" in report.bad_rows[0].errors[0]


def test_a_file_without_the_needed_columns_is_refused_as_a_whole(finance, sheet, payouts):
    report = services.sheet_import_results(sheet=sheet, actor=finance,
                                           file=result_file([("x", "成功")], header=("编号", "状态")), paid_on=PAID_ON)
    assert report.file_errors and "申请编号" in report.file_errors[0]


def test_finance_uploads_the_result_sees_the_preview_and_commits_it(client, finance, sheet, payouts):
    client.force_login(finance)
    upload = result_file(good_rows(payouts))

    preview = client.post(reverse("payouts:sheet-import", args=[sheet.pk]),
                          {"file": upload, "paid_on": PAID_ON.isoformat()})

    assert preview.status_code == 200
    assert not LedgerEntry.objects.exists()
    token = preview.context["token"]
    assert token
    response = client.post(reverse("payouts:sheet-import-commit", args=[sheet.pk]),
                           {"token": token, "paid_on": PAID_ON.isoformat()})
    assert response.status_code == 302
    assert LedgerEntry.objects.count() == 2
    assert set(LedgerEntry.objects.values_list("booked_on", flat=True)) == {PAID_ON}
    assert client.post(reverse("payouts:sheet-import-commit", args=[sheet.pk]),
                       {"token": token, "paid_on": PAID_ON.isoformat()}).status_code == 404


def test_the_preview_of_a_bad_file_lists_the_errors_and_offers_no_commit(client, finance, sheet, payouts):
    client.force_login(finance)
    rows = good_rows(payouts)
    rows[0] = ("SY-2099-99999", "成功", "X", None, None)

    preview = client.post(reverse("payouts:sheet-import", args=[sheet.pk]),
                          {"file": result_file(rows), "paid_on": PAID_ON.isoformat()})

    assert preview.status_code == 200
    assert preview.context["token"] == ""
    assert "SY-2099-99999" in preview.content.decode()
    assert b'data-testid="commit"' not in preview.content


def test_the_import_views_refuse_get_other_roles_and_outsiders(client, finance, reviewer, daxing_finance, sheet):
    client.force_login(finance)
    assert client.get(reverse("payouts:sheet-import", args=[sheet.pk])).status_code == 405
    assert client.get(reverse("payouts:sheet-import-commit", args=[sheet.pk])).status_code == 405
    client.force_login(reviewer)
    assert client.post(reverse("payouts:sheet-import", args=[sheet.pk]), {}).status_code == 403
    client.force_login(daxing_finance)
    assert client.post(reverse("payouts:sheet-import", args=[sheet.pk]), {}).status_code == 404
