"""Browser proof: a reviewer picks a quarter, reads the summary and downloads a table; a liaison sees his station."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.conftest import login
from tests.reports.conftest import emergency, quarter  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_picks_the_quarter_and_downloads_the_category_table(page, live_server, quarter, reviewer,  # noqa: F811
                                                                       tmp_path):
    login(page, live_server, "reviewer")
    page.goto(live_server.url + "/reports/")
    form = page.get_by_test_id("period-form")
    form.locator("select[name=kind]").select_option("quarter")
    form.locator("input[name=year]").fill("2022")
    form.locator("select[name=quarter]").select_option("1")
    form.locator("input[type=submit], button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    summary = page.get_by_test_id("summary")
    assert summary.inner_text().strip() == (
        "2022年第一季度，累计收到申报材料7份，经核实符合救助标准3人，已累计支付帮扶金5.54万元")
    assert page.get_by_test_id("chart-paid-by-station").locator("svg rect").count() == 2
    assert page.get_by_test_id("chart-balance").locator("svg polyline").count() == 1  # 顺义 only

    with page.expect_download() as download_info:
        page.get_by_test_id("export-by_category").click()
    path = tmp_path / "by_category.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == "大病医疗救助" and rows[1][-1] == 47400

    page.goto(live_server.url + "/reports/?kind=custom&start=2022-03-01&end=2022-01-01")
    assert page.locator(".invalid-feedback, .text-danger").first.is_visible()
    assert page.get_by_test_id("summary").count() == 0


def test_a_liaison_sees_the_figures_of_his_station_only(page, live_server, quarter, liaison1):  # noqa: F811
    login(page, live_server, "liaison1")
    page.goto(live_server.url + "/reports/?kind=quarter&year=2022&quarter=1")
    assert "顺义第一工会服务站" in page.get_by_test_id("station-scope").inner_text()
    assert "累计收到申报材料4份" in page.get_by_test_id("summary").inner_text()
    assert page.get_by_test_id("table-by_station").locator("tbody tr").count() == 1
    assert page.get_by_test_id("table-donations_by_unit").count() == 0
