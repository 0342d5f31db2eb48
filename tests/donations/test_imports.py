"""Importing a unit's spreadsheet: every bad row and why, then all rows or none, never twice."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from donations import imports, services
from donations.models import Donation, DonationImport, Donor
from funds.models import LedgerEntry
from reliefdesk.models import HistoryEvent, Job
from tests.donations.conftest import GOOD_ROWS, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def checked(finance, fund, rows, *, campaign=None, name="unit.xlsx", **kw):
    imp = imports.donation_import_upload(actor=finance, fund=fund, campaign=campaign, upload=upload(rows, name, **kw))
    return imports.donation_import_validate(imp=imp)


def messages_by_row(imp):
    return {(e["row"], e["column"]): e["message"] for e in imp.errors}


def test_a_clean_file_is_checked_with_the_count_and_total_of_its_rows(finance, shunyi_fund, shunyi_campaign):
    imp = checked(finance, shunyi_fund, GOOD_ROWS, campaign=shunyi_campaign)
    assert imp.status == DonationImport.Status.VALIDATED
    assert (imp.rows_total, imp.rows_ok, imp.total_ok) == (4, 4, Decimal("1021.50"))
    assert imp.errors == []
    assert not Donation.objects.exists()


def test_every_kind_of_bad_row_is_reported_with_its_reason(finance, shunyi_fund):
    services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None, amount=Decimal("5"),
                             received_on=dt.date(2022, 3, 1), channel="qr", external_reference="WX-OLD")
    rows = [
        ["张三", "单位A", None, "2022-03-05", "二维码", "R1", ""],          # 2 missing amount
        ["张三", "单位A", "十元", "2022-03-05", "二维码", "R2", ""],          # 3 not a number
        ["张三", "单位A", -10, "2022-03-05", "二维码", "R3", ""],            # 4 not positive
        ["张三", "单位A", 0, "2022-03-05", "二维码", "R4", ""],              # 5 zero
        ["张三", "单位A", 10, "2022-02-30", "二维码", "R5", ""],             # 6 bad date
        ["张三", "单位A", 10, None, "二维码", "R6", ""],                     # 7 missing date
        ["张三", "单位A", 10, "2022-03-05", "支付宝", "R7", ""],             # 8 unknown channel
        ["张三", "单位A", 10, "2022-03-05", "二维码", "R8", ""],             # 9 good
        ["李四", "单位A", 10, "2022-03-05", "二维码", "R8", ""],             # 10 duplicate within the file
        ["王五", "单位A", 10, "2022-03-05", "二维码", "WX-OLD", ""],         # 11 already recorded
        ["赵六", "单位A", 10.555, "2022-03-05", "二维码", "R9", ""],         # 12 three decimals
    ]
    imp = checked(finance, shunyi_fund, rows)
    found = messages_by_row(imp)
    assert imp.status == DonationImport.Status.REJECTED
    assert found[(2, "金额")] == "未填写金额。"
    assert found[(3, "金额")] == "金额不是数字。"
    assert found[(4, "金额")] == found[(5, "金额")] == "金额必须大于零。"
    assert found[(6, "日期")] == "“2022-02-30”不是日期（格式如 2022-03-05）。"
    assert found[(7, "日期")] == "未填写日期。"
    assert found[(8, "渠道")] == "未知的渠道“支付宝”：请填写二维码、银行转账、现金、工资代扣或其他。"
    assert found[(10, "流水号")] == "交易流水号 R8 在本文件中重复出现（第 9 行）。"
    assert found[(11, "流水号")] == "交易流水号 WX-OLD 已登记。"
    assert found[(12, "金额")] == "金额的小数不能超过两位。"
    assert (imp.rows_total, imp.rows_ok, imp.total_ok) == (11, 1, Decimal("10.00"))
    assert Donation.objects.count() == 1


def test_a_file_without_the_required_columns_or_not_a_spreadsheet_is_refused(finance, shunyi_fund):
    imp = checked(finance, shunyi_fund, [["张三", 10]], header=["捐赠方", "钱"])
    assert imp.status == DonationImport.Status.REJECTED
    assert "金额" in imp.errors[0]["message"] and "日期" in imp.errors[0]["message"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    junk = imports.donation_import_upload(actor=finance, fund=shunyi_fund, campaign=None,
                                 upload=SimpleUploadedFile("junk.xlsx", b"not a workbook"))
    junk = imports.donation_import_validate(imp=junk)
    assert junk.status == DonationImport.Status.REJECTED and "不是可读取的 .xlsx 表格" in junk.errors[0]["message"]


def test_committing_records_every_row_with_consecutive_receipts_donors_and_ledger_credits(finance, shunyi_fund,
                                                                                      shunyi_campaign):
    services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None, amount=Decimal("1"),
                             received_on=dt.date(2022, 1, 1), channel="cash")
    imp = checked(finance, shunyi_fund, GOOD_ROWS, campaign=shunyi_campaign)
    imports.donation_import_commit(imp=imp, actor=finance, confirm=True)
    imp.refresh_from_db()
    assert imp.status == DonationImport.Status.COMMITTED
    donations = list(Donation.objects.filter(import_batch=imp).order_by("receipt_seq"))
    assert [d.receipt_number for d in donations] == [f"SHUNYI-2022-00000{n}" for n in (2, 3, 4, 5)]
    assert all(d.status == Donation.Status.CONFIRMED and d.campaign == shunyi_campaign for d in donations)
    assert [(d.donor.kind, d.donor.name, d.donor.unit_name) if d.donor else None for d in donations] == [
        ("individual", "张三", "顺义区第一中学"), ("individual", "李四", "顺义区第一中学"),
        ("unit", "顺义区医院", ""), ("individual", "王五", "")]
    assert donations[2].received_on == dt.date(2022, 4, 1) and donations[1].amount == Decimal("10.50")
    assert LedgerEntry.objects.filter(donation__import_batch=imp).aggregate(s=Sum("amount"))["s"] == Decimal("1021.50")
    assert HistoryEvent.objects.filter(action="donation.imported").count() == 4


def test_a_failure_in_the_middle_records_nothing(finance, shunyi_fund):
    imp = checked(finance, shunyi_fund, GOOD_ROWS)
    # The donors and the ledger credits are written by then.
    with mock.patch("donations.imports._write_donations", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            imports.donation_import_commit(imp=imp, actor=finance, confirm=True)
    imp.refresh_from_db()
    assert imp.status == DonationImport.Status.VALIDATED
    assert not Donation.objects.exists() and not Donor.objects.exists() and not LedgerEntry.objects.exists()
    # The counter gave its numbers back: the next entry continues without a gap.
    donation = services.donation_record(actor=finance, fund=shunyi_fund, campaign=None, donor=None,
                                        amount=Decimal("1"), received_on=dt.date(2022, 1, 1), channel="cash")
    assert donation.receipt_number == "SHUNYI-2022-000001"


def test_a_file_with_errors_cannot_be_committed(finance, shunyi_fund):
    imp = checked(finance, shunyi_fund, GOOD_ROWS + [["x", "", "abc", "2022-01-01", "现金", "", ""]])
    from reliefdesk.errors import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        imports.donation_import_commit(imp=imp, actor=finance)
    assert not Donation.objects.exists()


def test_importing_the_same_file_again_refuses_every_row_as_a_duplicate(finance, shunyi_fund):
    first = checked(finance, shunyi_fund, GOOD_ROWS[:3])
    imports.donation_import_commit(imp=first, actor=finance)
    again = checked(finance, shunyi_fund, GOOD_ROWS[:3])
    assert again.status == DonationImport.Status.REJECTED
    assert {e["row"] for e in again.errors if e["column"] == "流水号"} == {2, 3, 4}
    assert again.rows_ok == 0
    assert Donation.objects.count() == 3


def test_a_file_without_references_is_recognised_by_its_checksum(finance, shunyi_fund):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = xlsx_bytes([["张三", "单位A", 10, "2022-03-05", "现金", "", ""],
                       ["李四", "单位A", 20, "2022-03-05", "现金", "", ""]])

    def check(name):
        imp = imports.donation_import_upload(actor=finance, fund=shunyi_fund, campaign=None,
                                    upload=SimpleUploadedFile(name, data))
        return imports.donation_import_validate(imp=imp)

    imports.donation_import_commit(imp=check("unit.xlsx"), actor=finance)
    again = check("copy.xlsx")
    assert again.status == DonationImport.Status.REJECTED
    message = again.errors[0]["message"]
    assert message.startswith("该文件已于 ") and message.endswith(" 导入（共 2 行）。")
    assert Donation.objects.count() == 2


def test_unconfirmed_import_records_without_crediting(finance, shunyi_fund):
    imp = checked(finance, shunyi_fund, GOOD_ROWS)
    imports.donation_import_commit(imp=imp, actor=finance, confirm=False)
    assert set(Donation.objects.values_list("status", flat=True)) == {"recorded"}
    assert not LedgerEntry.objects.exists()


def test_the_template_has_the_columns_finance_fills_in(client, finance):
    client.force_login(finance)
    response = client.get(reverse("donations:import-template"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = next(workbook.active.iter_rows(values_only=True))
    assert list(header) == ["捐赠方", "单位", "金额", "日期", "渠道", "流水号", "备注"]


def test_upload_preview_and_commit_through_the_pages(client, finance, shunyi_fund, shunyi_campaign):
    client.force_login(finance)
    bad = GOOD_ROWS + [["坏行", "单位A", "abc", "2022-03-05", "现金", "", ""]]
    response = client.post(reverse("donations:import-upload"),
                           {"fund": shunyi_fund.pk, "campaign": shunyi_campaign.pk, "file": upload(bad)})
    imp = DonationImport.objects.get()
    assert response["Location"] == reverse("donations:import-detail", args=[imp.pk])
    page = client.get(response["Location"])
    assert page.context["bad_rows"] == 1 and "金额不是数字。" in page.content.decode()
    assert client.post(reverse("donations:import-commit", args=[imp.pk])).status_code == 302
    assert not Donation.objects.exists()

    client.post(reverse("donations:import-upload"),
                {"fund": shunyi_fund.pk, "campaign": shunyi_campaign.pk, "file": upload(GOOD_ROWS, "fixed.xlsx")})
    fixed = DonationImport.objects.exclude(pk=imp.pk).get()
    assert fixed.status == DonationImport.Status.VALIDATED
    assert client.get(reverse("donations:import-commit", args=[fixed.pk])).status_code == 405
    client.post(reverse("donations:import-commit", args=[fixed.pk]), {"confirm": "on"})
    assert Donation.objects.filter(status="confirmed").aggregate(s=Sum("amount"))["s"] == Decimal("1021.50")


def test_a_large_file_is_checked_and_imported_as_a_background_job(client, finance, shunyi_fund, settings,
                                                                 django_capture_on_commit_callbacks):
    settings.BACKGROUND_ROWS_THRESHOLD = 3
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("donations:import-upload"),
                               {"fund": shunyi_fund.pk, "file": upload(GOOD_ROWS)})
    job = Job.objects.get(kind="donation_import_validate")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == 4
    imp = DonationImport.objects.get()
    assert imp.status == DonationImport.Status.VALIDATED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("donations:import-commit", args=[imp.pk]), {"confirm": "on"})
    job = Job.objects.get(kind="donation_import_commit")
    assert job.status == Job.Status.DONE, job.message
    assert Donation.objects.count() == 4
    assert client.get(reverse("job-detail", args=[job.pk]), {"format": "json"}).json()["next_url"] == reverse(
        "donations:import-detail", args=[imp.pk])


def test_daxing_finance_cannot_see_or_commit_a_shunyi_import(client, finance, daxing_finance, shunyi_fund):
    imp = checked(finance, shunyi_fund, GOOD_ROWS)
    client.force_login(daxing_finance)
    assert client.get(reverse("donations:import-detail", args=[imp.pk])).status_code == 404
    assert client.post(reverse("donations:import-commit", args=[imp.pk])).status_code == 404
    assert not Donation.objects.exists()


def test_the_commit_in_the_database_names_donors_as_the_check_does(db):
    """donor_key_sql (the commit) and donor_key (the check's repeat warnings) agree on every kind of row."""
    pairs = [("张三", "顺义区第一中学"), ("", "顺义区医院"), ("顺义区医院", "顺义区医院"), ("王五", ""), ("", ""),
             ("匿名", ""), ("匿名", "单位A"), ("anonymous", "单位A"), ("Anonymous", ""), ("O'Brien", "单位'B")]
    with connection.cursor() as cursor:
        for name, unit in pairs:
            cursor.execute(f"SELECT k.kind, k.name, k.unit_name FROM (SELECT %s::text AS n, %s::text AS u) t"
                           f" CROSS JOIN LATERAL ({imports.donor_key_sql('t.n', 't.u')}) k", [name, unit])
            row = cursor.fetchone()
            assert (None if row == (None, None, None) else row) == imports.donor_key(name, unit), (name, unit)


def test_receipt_numbers_and_credit_descriptions_written_in_the_database_are_those_of_python(shunyi_fund):
    from donations.ledger import credit_description_sql, credit_entry_of

    sql, params = services.receipt_number_sql(shunyi_fund, year="%(year)s", seq="%(seq)s")
    with connection.cursor() as cursor:
        for year, seq in [(2022, 1), (2022, 999_999), (2023, 1_000_000), (2023, 12_345_678)]:
            cursor.execute(f"SELECT {sql}", {**params, "year": year, "seq": seq})
            number = cursor.fetchone()[0]
            assert number == services.receipt_number(shunyi_fund, year, seq)
            cursor.execute(f"SELECT {credit_description_sql('%(number)s')}", {"number": number})
            assert cursor.fetchone()[0] == credit_entry_of(fund_id=shunyi_fund.pk, amount=Decimal("1"),
                                                           received_on=dt.date(2022, 1, 1),
                                                           receipt_number=number).description


def test_the_commit_writes_credits_donations_and_history_in_the_order_of_the_sheet(finance, shunyi_fund):
    rows = [[f"职工{n % 3}", "单位A" if n % 2 else "", 10 + n, dt.date(2021 + n % 2, 3, 1 + n), "现金", "", ""]
            for n in range(8)]
    imp = checked(finance, shunyi_fund, rows)
    imports.donation_import_commit(imp=imp, actor=finance, confirm=True)
    donations = list(Donation.objects.filter(import_batch=imp).order_by("pk").select_related("credit_entry", "donor"))
    assert [d.amount for d in donations] == [Decimal(10 + n) for n in range(8)]
    assert [d.receipt_number for d in donations] == [
        f"SHUNYI-{2021 + n % 2}-{n // 2 + 1:06d}" for n in range(8)]  # consecutive per year, in the sheet's order
    assert [d.credit_entry_id for d in donations] == sorted(d.credit_entry_id for d in donations)
    assert all(d.credit_entry.description == f"捐款 {d.receipt_number}" and d.credit_entry.booked_on == d.received_on
               and d.credit_entry.amount == d.amount and d.credit_entry.created_by == finance for d in donations)
    assert [(d.donor.kind, d.donor.name, d.donor.unit_name) for d in donations[:3]] == [
        ("individual", "职工0", ""), ("individual", "职工1", "单位A"), ("individual", "职工2", "")]
    donors = Donor.objects.filter(donations__import_batch=imp).distinct()
    assert donors.count() == 6
    created = HistoryEvent.objects.filter(action="donor.created")
    assert sorted(created.values_list("object_id", flat=True)) == sorted(donors.values_list("pk", flat=True))
    assert all(e.actor == finance and e.data == {"source": "import"} for e in created)
    imported = HistoryEvent.objects.filter(action="donation.imported").order_by("pk")
    assert list(imported.values_list("object_id", flat=True)) == [d.pk for d in donations]
    assert all(e.to_status == "confirmed" and e.data == {"import": imp.pk} for e in imported)
    with connection.cursor() as cursor:  # nothing of the commit's staging is left
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'donation_import_%%' AND relpersistence = 't'")
        assert cursor.fetchone()[0] == 0
