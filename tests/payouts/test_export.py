"""The bank's spreadsheet, read back the way the bank and finance staff read it."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from payouts.exports import DETAIL_HEADER, SUMMARY_HEADER
from payouts.models import ExportLog, Payout, PayoutSheet
from payouts import services
from reliefdesk.errors import TransitionNotAllowed
from reliefdesk.models import HistoryEvent, Job
from tests import factories as f

AMOUNTS = [Decimal("12400.00"), Decimal("30000.00"), Decimal("7500.50")]


@pytest.fixture
def sheet(finance, shunyi_fund, station1):
    payouts = f.make_payouts(3, fund=shunyi_fund, station=station1, amounts=AMOUNTS)
    return services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)


def _export(sheet, actor):
    result = services.payout_sheet_export(sheet=sheet, actor=actor)
    workbook = load_workbook(result.path)
    os.unlink(result.path)
    return workbook


def test_the_spreadsheet_has_exactly_the_bank_columns_rows_and_total(finance, sheet):
    finance.first_name, finance.last_name = "财务", "钱"
    finance.save()
    workbook = _export(sheet, finance)

    assert workbook.sheetnames == ["拨付明细", "汇总"]
    detail = workbook["拨付明细"]
    rows = list(detail.iter_rows(values_only=True))
    assert rows[0] == ("序号", "申请编号", "收款人", "身份证号", "卡号", "开户行", "救助类别", "金额(元)", "审批批次", "服务站")
    assert rows[0] == DETAIL_HEADER
    assert len(rows) == 4
    payouts = list(Payout.objects.filter(sheet_lines__sheet=sheet).order_by("sheet_lines__position")
                   .select_related("application__category", "batch", "station"))
    for number, (row, payout) in enumerate(zip(rows[1:], payouts), start=1):
        assert row == (number, payout.application.reference, payout.payee_name, payout.payee_id_number,
                       payout.card_number, payout.bank_name, "大病医疗救助", float(payout.amount), payout.batch.title,
                       "顺义第一工会服务站")
    for cell in detail["H"][1:]:
        assert cell.data_type == "n"
        assert cell.number_format == "#,##0.00"
    for column in ("D", "E"):
        assert all(cell.data_type == "s" for cell in detail[column])
    assert sum(Decimal(str(r[7])) for r in rows[1:]) == Decimal("49900.50")

    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0] == SUMMARY_HEADER == ("笔数", "合计金额(元)", "基金", "生成时间", "生成人")
    assert len(summary) == 2
    count, total, fund, generated_at, generated_by = summary[1]
    assert (count, total, fund, generated_by) == (3, 49900.5, sheet.fund.name, finance.get_full_name())
    assert workbook["汇总"]["B2"].number_format == "#,##0.00"
    assert generated_at is not None


def test_every_export_is_logged_and_exporting_again_gives_the_same_rows(finance, sheet):
    first = list(_export(sheet, finance)["拨付明细"].iter_rows(values_only=True))
    second = list(_export(sheet, finance)["拨付明细"].iter_rows(values_only=True))

    assert first == second
    logs = list(ExportLog.objects.filter(sheet=sheet))
    assert len(logs) == 2
    assert all((log.user_id, log.row_count, log.total) == (finance.pk, 3, Decimal("49900.50")) for log in logs)
    assert PayoutSheet.objects.get(pk=sheet.pk).status == PayoutSheet.Status.EXPORTED


def test_text_that_looks_like_a_formula_is_not_a_formula_in_the_spreadsheet(finance, shunyi_fund, station1):
    (payout,) = f.make_payouts(1, fund=shunyi_fund, station=station1)
    Payout.objects.filter(pk=payout.pk).update(payee_name='=HYPERLINK("http://evil","x")',
                                               bank_name="+cmd|' /C calc'!A0")
    sheet = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=[payout])

    detail = _export(sheet, finance)["拨付明细"]

    # A string cell, never a formula, and the bank reads the name exactly as it was entered.
    assert detail["C2"].data_type == "s"
    assert detail["C2"].value == '=HYPERLINK("http://evil","x")'
    assert (detail["F2"].data_type, detail["F2"].value) == ("s", "+cmd|' /C calc'!A0")


def test_a_reviewer_cannot_export_and_gets_403(client, reviewer, sheet):
    client.force_login(reviewer)
    response = client.post(reverse("payouts:sheet-export", args=[sheet.pk]))
    assert response.status_code == 403
    assert not ExportLog.objects.exists()


def test_finance_of_another_district_gets_404_on_a_shunyi_sheet(client, daxing_finance, sheet):
    client.force_login(daxing_finance)
    assert client.get(reverse("payouts:sheet-detail", args=[sheet.pk])).status_code == 404
    assert client.post(reverse("payouts:sheet-export", args=[sheet.pk])).status_code == 404
    assert not ExportLog.objects.exists()


def test_the_export_view_downloads_the_xlsx_and_marks_the_sheet_exported(client, finance, sheet, tmp_path):
    client.force_login(finance)
    response = client.post(reverse("payouts:sheet-export", args=[sheet.pk]))

    assert response.status_code == 200
    assert sheet.number in response["Content-Disposition"]
    path = tmp_path / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = list(load_workbook(path)["拨付明细"].iter_rows(values_only=True))
    assert len(rows) == 4
    assert PayoutSheet.objects.get(pk=sheet.pk).status == PayoutSheet.Status.EXPORTED
    assert ExportLog.objects.filter(sheet=sheet, user=finance).count() == 1


def test_a_large_sheet_is_built_in_the_background_and_downloaded_from_the_job(
        client, finance, sheet, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.BACKGROUND_ROWS_THRESHOLD = 2
    client.force_login(finance)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payouts:sheet-export", args=[sheet.pk]))

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    assert (job.status, job.kind, job.done, job.total) == (Job.Status.DONE, "payout_sheet_export", 3, 3)
    download = client.get(reverse("job-download", args=[job.pk]))
    assert download.status_code == 200
    path = tmp_path / "job.xlsx"
    path.write_bytes(b"".join(download.streaming_content))
    assert len(list(load_workbook(path)["拨付明细"].iter_rows(values_only=True))) == 4
    assert ExportLog.objects.filter(sheet=sheet).count() == 1


# --- copies and recorded sheets ---------------------------------------------------------------------

def _record_all(sheet, finance):
    payouts = list(Payout.objects.filter(sheet_lines__sheet=sheet).order_by("pk"))
    services.payout_mark_paid(payouts=payouts[:2], actor=finance, paid_on=dt.date(2022, 6, 1),
                              bank_reference="ICBC-20220601")
    services.payout_mark_failed(payouts=payouts[2:], actor=finance, reason="卡号错误")


def test_the_first_export_is_the_original_and_every_later_one_a_numbered_copy(finance, sheet):
    first = services.payout_sheet_export(sheet=sheet, actor=finance)
    second = services.payout_sheet_export(sheet=sheet, actor=finance)
    third = services.payout_sheet_export(sheet=sheet, actor=finance)
    assert first.filename == f"拨付清单_{sheet.number}.xlsx"
    assert second.filename == f"拨付清单_{sheet.number}_副本1.xlsx"
    assert third.filename == f"拨付清单_{sheet.number}_副本2.xlsx"
    original, copy = load_workbook(first.path), load_workbook(third.path)
    for result in (first, second, third):
        os.unlink(result.path)
    assert len(list(original["汇总"].iter_rows(values_only=True))) == 2
    summary = list(copy["汇总"].iter_rows(values_only=True))
    assert summary[0] == SUMMARY_HEADER
    assert summary[1][:3] == (3, 49900.5, sheet.fund.name)
    assert summary[2][0] == "副本" and summary[2][1] == "第2份" and "不得提交银行" in summary[2][2]
    # The detail rows are the same, as the bank's upload would read them.
    assert list(copy["拨付明细"].iter_rows(values_only=True)) == list(original["拨付明细"].iter_rows(values_only=True))
    assert HistoryEvent.objects.filter(action="payout_sheet.exported_again", object_id=sheet.pk).count() == 2


def test_the_download_of_a_copy_is_named_as_one(client, finance, sheet):
    services.payout_sheet_export(sheet=sheet, actor=finance)
    client.force_login(finance)
    page = client.get(reverse("payouts:sheet-detail", args=[sheet.pk])).content.decode()
    assert "副本" in page
    response = client.post(reverse("payouts:sheet-export", args=[sheet.pk]))
    b"".join(response.streaming_content)
    assert "%E5%89%AF%E6%9C%AC1.xlsx" in response["Content-Disposition"]  # 副本1, RFC 5987-encoded


def test_a_sheet_whose_payouts_are_all_recorded_gives_no_bank_file(client, finance, sheet):
    os.unlink(services.payout_sheet_export(sheet=sheet, actor=finance).path)
    _record_all(sheet, finance)
    sheet.refresh_from_db()
    assert sheet.status == PayoutSheet.Status.CLOSED
    logs = ExportLog.objects.count()
    with pytest.raises(TransitionNotAllowed) as refused:
        services.payout_sheet_export(sheet=sheet, actor=finance)
    assert sheet.number in str(refused.value.message)
    assert ExportLog.objects.count() == logs

    client.force_login(finance)
    page = client.get(reverse("payouts:sheet-detail", args=[sheet.pk])).content.decode()
    assert 'data-testid="export"' not in page and 'data-testid="no-export"' in page
    response = client.post(reverse("payouts:sheet-export", args=[sheet.pk]), follow=True)
    assert response.headers["Content-Type"].startswith("text/html")
    assert "不再提供" in response.content.decode() or "bank could execute" in response.content.decode()
    assert ExportLog.objects.count() == logs


def test_a_background_copy_is_named_and_marked_too(client, finance, sheet, settings, tmp_path,
                                                   django_capture_on_commit_callbacks):
    os.unlink(services.payout_sheet_export(sheet=sheet, actor=finance).path)
    settings.BACKGROUND_ROWS_THRESHOLD = 2
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payouts:sheet-export", args=[sheet.pk]))
    job = Job.objects.get()
    assert job.result_name == f"拨付清单_{sheet.number}_副本1.xlsx"
    path = tmp_path / "copy.xlsx"
    path.write_bytes(b"".join(client.get(reverse("job-download", args=[job.pk])).streaming_content))
    assert list(load_workbook(path)["汇总"].iter_rows(values_only=True))[2][0] == "副本"


def test_a_background_export_hands_its_file_out_once(client, finance, sheet, settings,
                                                     django_capture_on_commit_callbacks):
    settings.BACKGROUND_ROWS_THRESHOLD = 2
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payouts:sheet-export", args=[sheet.pk]))
    job = Job.objects.get()
    first = client.get(reverse("job-download", args=[job.pk]))
    assert first.status_code == 200 and b"".join(first.streaming_content)[:2] == b"PK"
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404
    assert 'href="%s"' % reverse("job-download", args=[job.pk]) not in client.get(
        reverse("job-detail", args=[job.pk])).content.decode()
