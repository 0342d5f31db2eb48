"""Finance in a browser: one donation by hand, a unit's spreadsheet with a bad row, fixed, imported, a receipt."""
from __future__ import annotations

import datetime as dt

import pytest

from donations.models import Donation, DonationImport
from tests.conftest import login
from tests.donations.conftest import xlsx_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_finance_records_a_donation_imports_a_fixed_file_and_prints_a_receipt(page, live_server, finance,
                                                                              shunyi_fund, tmp_path):
    login(page, live_server, "finance")

    page.goto(live_server.url + "/donations/new/")
    page.select_option("#id_fund", str(shunyi_fund.pk))
    page.fill("#id_new_donor_name", "顺义区第一中学")
    page.select_option("#id_new_donor_kind", "unit")
    page.fill("#id_amount", "1005")
    page.fill("#id_received_on", "2022-03-05")
    page.select_option("#id_channel", "bank")
    page.fill("#id_external_reference", "ICBC-E2E-1")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert "SHUNYI-2022-000001" in page.content()
    assert page.locator("[data-testid=amount]").inner_text().startswith("1,005.00")

    rows = [
        ["张三", "顺义区医院", 10, dt.date(2022, 3, 6), "二维码", "WX-E2E-1", ""],
        ["李四", "顺义区医院", "十元", dt.date(2022, 3, 6), "二维码", "WX-E2E-2", ""],
    ]
    bad = tmp_path / "unit-bad.xlsx"
    bad.write_bytes(xlsx_bytes(rows))
    page.goto(live_server.url + "/donations/imports/")
    page.select_option("#id_fund", str(shunyi_fund.pk))
    page.set_input_files("#id_file", str(bad))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=bad-rows]").inner_text() == "1"
    errors = page.locator("[data-testid=row-errors]").inner_text()
    assert "3" in errors and "金额" in errors
    assert page.locator("text=Import all rows").count() == 0 and page.locator("button:has-text('导入全部')").count() == 0

    rows[1][2] = 10
    fixed = tmp_path / "unit-fixed.xlsx"
    fixed.write_bytes(xlsx_bytes(rows))
    page.goto(live_server.url + "/donations/imports/")
    page.select_option("#id_fund", str(shunyi_fund.pk))
    page.set_input_files("#id_file", str(fixed))
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=rows-ok]").inner_text() == "2"
    assert page.locator("[data-testid=total-ok]").inner_text() == "20.00"
    page.click("form[action$='/commit/'] button[type=submit]")
    page.wait_for_load_state()
    assert DonationImport.objects.filter(status="committed").count() == 1
    assert Donation.objects.filter(status="confirmed").count() == 3

    first = Donation.objects.get(receipt_number="SHUNYI-2022-000001")
    page.goto(live_server.url + f"/donations/{first.pk}/")
    page.click("[data-testid=receipt-link]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=receipt-number]").inner_text() == "SHUNYI-2022-000001"
    assert "壹仟零伍元整" in page.locator("[data-testid=capitals]").inner_text()
    assert "顺义区第一中学" in page.locator("[data-testid=receipt]").inner_text()


def test_finance_finds_a_known_donor_as_he_types_and_records_his_gift(page, live_server, finance, shunyi_fund,
                                                                      daxing_fund):
    from donations.models import Donor

    known = Donor.objects.create(district=shunyi_fund.district, kind=Donor.Kind.INDIVIDUAL, name="张明",
                                 unit_name="顺义区医院")
    Donor.objects.create(district=daxing_fund.district, kind=Donor.Kind.INDIVIDUAL, name="张亮")
    login(page, live_server, "finance")

    page.goto(live_server.url + "/donations/new/")
    page.select_option("#id_fund", str(shunyi_fund.pk))
    page.fill("#id_donor_q", "张")
    page.wait_for_selector(f"#id_donor option[value='{known.pk}']", state="attached")
    assert page.locator("#id_donor option").all_inner_texts() == ["---------", "张明 · 顺义区医院 · 个人"]
    page.select_option("#id_donor", str(known.pk))
    page.fill("#id_amount", "20")
    page.fill("#id_received_on", "2022-03-05")
    page.select_option("#id_channel", "cash")
    page.click("input[type=submit]")
    page.wait_for_load_state()
    donation = Donation.objects.get()
    assert donation.donor == known and page.url.endswith(f"/donations/{donation.pk}/")
