"""The dashboard page and its xlsx downloads: who sees what, bad periods, queries."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cases.models import Application
from payouts.models import Payout
from donations.models import Donation
from tests import factories as f
from tests.reports.conftest import beijing, make_application, pay, record_at

pytestmark = pytest.mark.django_db

Q1 = {"kind": "quarter", "year": "2022", "quarter": "1"}


def get(client, user, name="reports:dashboard", **params):
    client.force_login(user)
    return client.get(reverse(name), params)


def workbook_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def test_the_dashboard_shows_the_summary_and_figures_of_the_district(client, quarter, reviewer):
    response = get(client, reviewer, **Q1)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2022年第一季度，累计收到申报材料7份，经核实符合救助标准3人，已累计支付帮扶金5.54万元" in html
    assert "55,400.55" in html
    assert "顺义第一工会服务站" in html and "顺义第二工会服务站" in html
    assert "大兴第一工会服务站" not in html
    assert "<svg" in html


def test_every_district_role_and_the_administrator_may_open_it(client, quarter, approver, finance, admin_user):
    for user in (approver, finance, admin_user):
        assert get(client, user, **Q1).status_code == 200


def test_without_parameters_it_shows_the_current_quarter(client, reviewer):
    response = get(client, reviewer)
    assert response.status_code == 200
    assert "季度，累计收到申报材料0份" in response.content.decode()


def test_a_liaison_gets_the_figures_of_his_stations_labelled_as_such(client, quarter, liaison1):
    response = get(client, liaison1, **Q1)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="station-scope"' in html and "顺义第一工会服务站" in html
    assert "顺义第二工会服务站" not in html
    assert "累计收到申报材料4份，经核实符合救助标准2人，已累计支付帮扶金4.74万元" in html
    assert "47,400.00" in html and "55,400.55" not in html
    assert 'data-testid="table-donations_by_unit"' not in html
    assert 'data-testid="chart-balance"' not in html


def test_a_user_without_a_role_gets_403(client, db):
    nobody = f.UserFactory(username="nobody")
    assert get(client, nobody, **Q1).status_code == 403
    assert get(client, nobody, "reports:export", table="overview", **Q1).status_code == 403


def test_reversed_custom_dates_come_back_with_the_error_next_to_the_field(client, reviewer):
    response = get(client, reviewer, kind="custom", start="2022-02-15", end="2022-01-01")
    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["截止日期不能早于起始日期。"]}
    assert "report" not in response.context
    assert 'value="2022-02-15"' in response.content.decode()


def test_a_date_that_does_not_exist_is_a_field_error(client, reviewer):
    response = get(client, reviewer, kind="custom", start="2022-02-30", end="2022-03-01")
    assert "start" in response.context["form"].errors


def test_custom_dates_need_both_days(client, reviewer):
    response = get(client, reviewer, kind="custom", start="2022-01-01")
    assert list(response.context["form"].errors) == ["end"]


def test_a_quarter_needs_its_year(client, reviewer):
    response = get(client, reviewer, kind="quarter", year="", quarter="1")
    assert list(response.context["form"].errors) == ["year"]


def test_a_fund_of_another_district_cannot_be_chosen(client, quarter, reviewer, daxing_fund):
    response = get(client, reviewer, fund=daxing_fund.pk, **Q1)
    assert "fund" in response.context["form"].errors


def test_the_category_table_downloads_with_the_numbers_of_the_page(client, quarter, reviewer):
    response = get(client, reviewer, "reports:export", table="by_category", **Q1)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('reliefdesk-by_category-2022Q1.xlsx"')
    header, *rows = workbook_rows(response)
    assert header[0] == "救助类别" and header[-1] == "已拨付（元）"
    assert rows == [
        ("大病医疗救助", 6, 2, 2, 1, 1, 0, 3, 47400),
        ("突发事件及意外灾害救助", 1, 1, 1, 0, 0, 1, 1, 8000.55),
    ]


def test_the_overview_download_holds_the_period_and_the_days(client, quarter, reviewer):
    _header, row = workbook_rows(get(client, reviewer, "reports:export", table="overview", **Q1))
    assert row == ("2022年第一季度", 7, 3, 3, 1, 1, 1, 4, 55400.55, 42, 71.2)


def test_the_station_download_of_a_daxing_reviewer_has_no_shunyi_station(client, quarter, daxing_reviewer):
    _header, *rows = workbook_rows(get(client, daxing_reviewer, "reports:export", table="by_station", **Q1))
    assert rows == [("DX01", "大兴第一工会服务站", 1, 1, 0, 0, 0, 0, 1, 50000)]


def test_donation_and_balance_downloads_for_finance(client, quarter, finance, shunyi_fund):
    _header, *campaigns = workbook_rows(get(client, finance, "reports:export", table="donations_by_campaign", **Q1))
    assert campaigns == [("无募捐活动", 1, 1000), ("一元捐、十元捐 2022", 2, 350.5)]
    _header, *units = workbook_rows(get(client, finance, "reports:export", table="donations_by_unit", **Q1))
    assert units == [("匿名", 1, 1000), ("顺义区医院", 1, 250.5), ("爱心单位甲", 1, 100)]
    _header, *months = workbook_rows(get(client, finance, "reports:export", table="balance", fund=shunyi_fund.pk,
                                         **Q1))
    assert months == [
        (shunyi_fund.name, "2022-01", -7000.55, 992999.45),
        (shunyi_fund.name, "2022-02", -12400, 980599.45),
        (shunyi_fund.name, "2022-03", -34649.5, 945949.95),
    ]


def test_a_liaison_cannot_download_district_tables(client, quarter, liaison1):
    assert get(client, liaison1, "reports:export", table="donations_by_unit", **Q1).status_code == 404
    assert get(client, liaison1, "reports:export", table="balance", **Q1).status_code == 404
    _header, *rows = workbook_rows(get(client, liaison1, "reports:export", table="by_station", **Q1))
    assert [row[0] for row in rows] == ["SY01"]


def test_an_unknown_table_is_404(client, reviewer):
    assert get(client, reviewer, "reports:export", table="salaries", **Q1).status_code == 404


def test_an_export_with_a_bad_period_goes_back_to_the_form(client, reviewer):
    response = get(client, reviewer, "reports:export", table="overview", kind="custom", start="x", end="y")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("reports:dashboard"))


def test_the_export_refuses_post(client, reviewer):
    client.force_login(reviewer)
    assert client.post(reverse("reports:export"), {"table": "overview", **Q1}).status_code == 405


def _build(n, *, station1, station2, fund, medical, donor_district):
    for i in range(n):
        application = make_application(station=(station1, station2)[i % 2], fund=fund, category=medical,
                                       status=Application.Status.PAID, submitted_at=beijing(2022, 1, 3))
        record_at(application, "application.verify", beijing(2022, 1, 10))
        # Paid, with its debit (the factory books it, as recording the payment does).
        payout = pay(application, amount="1000.00", paid_on=dt.date(2022, 1 + i % 3, 1))
        assert payout.ledger_entry.amount == Decimal("-1000.00")
        f.DonationFactory(fund=fund, amount=Decimal("10.00"), received_on=dt.date(2022, 2, 2),
                          status=Donation.Status.CONFIRMED, campaign=f.CampaignFactory(fund=fund),
                          donor=f.DonorFactory(district=donor_district))


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("reports:dashboard"), Q1).status_code == 200
    return len(captured)


def test_the_dashboard_query_count_does_not_grow_with_the_data(client, station1, station2, shunyi_fund, medical,
                                                              finance, django_assert_max_num_queries):
    kwargs = {"station1": station1, "station2": station2, "fund": shunyi_fund, "medical": medical,
              "donor_district": shunyi_fund.district}
    client.force_login(finance)
    _build(2, **kwargs)
    # 17 for the applications, payouts, funds and households; one for the recurring aid per programme.
    with django_assert_max_num_queries(18):
        few = _queries(client)
    _build(18, **kwargs)
    with django_assert_max_num_queries(18):
        many = _queries(client)
    assert few == many
    assert Payout.objects.count() == 20


def test_the_navigation_leads_district_staff_and_liaisons_to_the_reports(client, reviewer, liaison1, approver):
    for user in (reviewer, liaison1, approver):
        client.force_login(user)
        html = client.get(reverse("reports:dashboard")).content.decode()
        assert f'href="{reverse("reports:dashboard")}"' in html
