"""Finance in the browser: a sheet for the bank, its result with one failure, and the reissue."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from cases.models import Application
from payouts.models import Payout, PayoutSheet
from funds.models import LedgerEntry
from tests import factories as f
from tests.conftest import login

pytestmark = pytest.mark.e2e


def test_finance_exports_a_sheet_imports_the_result_and_reissues_the_failure(
        page, live_server, finance, shunyi_fund, station1, tmp_path):
    payouts = f.make_payouts(3, fund=shunyi_fund, station=station1,
                             amounts=[Decimal("12400.00"), Decimal("30000.00"), Decimal("7500.50")])
    refs = [p.application.reference for p in payouts]
    login(page, live_server, "finance")

    page.goto(live_server.url + "/cases/payouts/?status=pending")
    for ref in refs:
        page.check(f"input[name=payouts][aria-label='{ref}']")
    page.click("[data-testid=create-sheet]")
    page.wait_for_url("**/cases/sheets/*/")
    sheet = PayoutSheet.objects.get()
    assert page.inner_text("[data-testid=total]") == "49,900.50"

    with page.expect_download() as download_info:
        page.click("[data-testid=export]")
    exported = tmp_path / "sheet.xlsx"
    download_info.value.save_as(exported)
    workbook = load_workbook(exported)
    rows = list(workbook["拨付明细"].iter_rows(values_only=True))
    assert rows[0][:2] == ("序号", "申请编号")
    assert [r[1] for r in rows[1:]] == refs
    assert list(workbook["汇总"].iter_rows(values_only=True))[1][:2] == (3, 49900.5)

    result = Workbook()
    ws = result.active
    ws.append(["申请编号", "结果", "银行流水号", "失败原因"])
    ws.append([refs[0], "成功", "BK0001", None])
    ws.append([refs[1], "成功", "BK0002", None])
    ws.append([refs[2], "失败", None, "账户已销户"])
    result_path = tmp_path / "result.xlsx"
    result.save(result_path)

    page.goto(f"{live_server.url}/cases/sheets/{sheet.pk}/")
    page.set_input_files("input[name=file]", str(result_path))
    page.fill("input[name=paid_on]", dt.date(2022, 4, 8).isoformat())
    page.click("form[enctype='multipart/form-data'] [type=submit]")
    assert page.inner_text("[data-testid=preview-paid]") == "2"
    assert page.inner_text("[data-testid=preview-failed]") == "1"
    assert page.inner_text("[data-testid=preview-errors]") == "0"
    page.click("[data-testid=commit]")
    page.wait_for_url(f"**/cases/sheets/{sheet.pk}/")
    assert page.inner_text("[data-testid=paid-rows]") == "2"
    assert page.inner_text("[data-testid=failed-rows]") == "1"
    assert -sum(e.amount for e in LedgerEntry.objects.all()) == Decimal("42400.00")

    page.click("[data-testid=reissue-link]")
    new_card = f.luhn_complete("621700000000000004")
    page.fill("input[name=card_number]", new_card)
    page.fill("input[name=bank_name]", "中国建设银行北京顺义支行")
    page.click("form[action$='/reissue/'] [type=submit]")
    page.wait_for_selector("[data-testid=card]")
    assert page.inner_text("[data-testid=card]").endswith(new_card[-4:])

    new = Payout.objects.get(reissue_of=payouts[2])
    assert (new.status, new.card_number) == (Payout.Status.PENDING, new_card)
    assert Payout.objects.get(pk=payouts[2].pk).status == Payout.Status.FAILED
    assert Application.objects.get(pk=new.application_id).status == Application.Status.APPROVED
    assert PayoutSheet.objects.get(pk=sheet.pk).status == PayoutSheet.Status.CLOSED
