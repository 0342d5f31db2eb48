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

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Application
from payouts import services
from payouts.models import Payout, PayoutSheet, PayoutSheetLine
from reliefdesk.models import Job
from reliefdesk.scope import role_of
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
    sheet = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    os.unlink(services.payout_sheet_export(sheet=sheet, actor=finance).path)
    sheet.refresh_from_db()
    return sheet


def refs(payouts):
    return [p.application.reference for p in payouts]


def good_rows(payouts):
    a, b, c = refs(payouts)
    return [(a, "成功", "BK0001", None, 12400), (b, "成功", "BK0002", None, 30000.0), (c, "失败", None, "账户已销户", 7500.5)]


def test_a_good_file_is_previewed_without_writing_then_committed(finance, sheet, payouts):
    report = services.payout_sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)),
                                           paid_on=PAID_ON)

    assert report.valid and (report.paid_count, report.failed_count) == (2, 1)
    assert report.paid_total == Decimal("42400.00")
    assert not LedgerEntry.objects.exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.IN_SHEET}

    report = services.payout_sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)),
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
    services.payout_sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)), commit=True,
                                  paid_on=PAID_ON)
    events = sum(len(history_for(p)) for p in payouts)

    report = services.payout_sheet_import_results(sheet=sheet, actor=finance, file=result_file(good_rows(payouts)),
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

    report = services.payout_sheet_import_results(sheet=sheet, actor=finance, file=result_file(rows), paid_on=PAID_ON)

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
        services.payout_sheet_import_results(sheet=sheet, actor=finance, file=result_file(rows), commit=True,
                                      paid_on=PAID_ON)

    assert not LedgerEntry.objects.exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.IN_SHEET}


def test_a_row_for_a_payout_already_paid_with_another_reference_is_an_error(finance, sheet, payouts):
    services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="HAND-1")
    rows = good_rows(payouts)

    report = services.payout_sheet_import_results(sheet=sheet, actor=finance, file=result_file(rows), paid_on=PAID_ON)

    assert [r.line for r in report.bad_rows] == [2]
    assert "already paid" in report.bad_rows[0].errors[0]


def test_a_file_without_the_needed_columns_is_refused_as_a_whole(finance, sheet, payouts):
    report = services.payout_sheet_import_results(sheet=sheet, actor=finance,
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



def _exported_sheet_of(count, *, prefix, fund, station, finance):
    """``count`` approved cases with their payouts in one exported sheet, written in bulk (fast for 10,000)."""
    member = f.MemberFactory()
    category = f.AidCategoryFactory()
    batch = f.BatchFactory(fund=fund, district=fund.district, status="approved")
    applications = Application.objects.bulk_create([
        Application(reference=f"{prefix}-{n + 1:05d}", fund=fund, category=category, member=member,
                    beneficiary_id_number=member.id_number, beneficiary_name=member.name, station=station,
                    district=station.district, created_by=finance, status="approved",
                    awarded_amount=Decimal("100.00") + n % 7, batch=batch)
        for n in range(count)
    ])
    payouts = Payout.objects.bulk_create([
        Payout(application=a, fund=fund, batch=batch, district=station.district, station=station,
               amount=a.awarded_amount, payee_name=member.name, payee_id_number=member.id_number,
               card_number=member.card_number, bank_name=member.bank_name, status=Payout.Status.IN_SHEET)
        for a in applications
    ])
    sheet = f.PayoutSheetFactory(fund=fund, status=PayoutSheet.Status.EXPORTED, row_count=count)
    PayoutSheetLine.objects.bulk_create([PayoutSheetLine(sheet=sheet, payout=p, position=i)
                                         for i, p in enumerate(payouts, start=1)])
    # Every tenth row failed, the others paid.
    rows = [(a.reference, "成功" if i % 10 else "失败", f"{prefix}{i:06d}" if i % 10 else None,
             None if i % 10 else "账户已销户", float(a.awarded_amount)) for i, a in enumerate(applications)]
    return sheet, rows


def _commit_queries(sheet, finance, rows) -> int:
    upload = result_file(rows)
    with CaptureQueriesContext(connection) as captured:
        report = services.payout_sheet_import_results(sheet=sheet, actor=finance, file=upload, commit=True,
                                                      paid_on=PAID_ON)
    assert report.committed and report.valid
    return len(captured)


def test_ten_thousand_bank_results_are_recorded_in_as_many_statements_as_ten(finance, shunyi_fund, station1):
    # The content types and the user's role are cached after their first use.
    for model in (Payout, PayoutSheet, Application):
        ContentType.objects.get_for_model(model)
    role_of(finance)
    small, small_rows = _exported_sheet_of(10, prefix="S", fund=shunyi_fund, station=station1, finance=finance)
    ten = _commit_queries(small, finance, small_rows)
    large, large_rows = _exported_sheet_of(10_000, prefix="L", fund=shunyi_fund, station=station1, finance=finance)
    ten_thousand = _commit_queries(large, finance, large_rows)
    assert ten_thousand == ten <= 30
    assert Payout.objects.filter(status=Payout.Status.PAID).count() == 9 + 9000
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 9 + 9000
    assert Application.objects.filter(status="payment_failed").count() == 1 + 1000
    assert PayoutSheet.objects.get(pk=large.pk).status == PayoutSheet.Status.CLOSED


def test_a_large_result_file_is_recorded_by_the_worker_with_its_outcome_on_the_job(
        client, finance, shunyi_fund, station1, settings, django_capture_on_commit_callbacks):
    settings.BACKGROUND_ROWS_THRESHOLD = 5
    sheet, rows = _exported_sheet_of(20, prefix="J", fund=shunyi_fund, station=station1, finance=finance)
    client.force_login(finance)
    preview = client.post(reverse("payouts:sheet-import", args=[sheet.pk]),
                          {"file": result_file(rows), "paid_on": PAID_ON.isoformat()})
    token = preview.context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payouts:sheet-import-commit", args=[sheet.pk]),
                               {"token": token, "paid_on": PAID_ON.isoformat()})
    job = Job.objects.get(kind="payout_sheet_results_commit")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert "18" in job.message and "2" in job.message
    assert Payout.objects.filter(sheet_lines__sheet=sheet, status=Payout.Status.PAID).count() == 18
