"""The programme and cycle pages: generating, removing, approving, paying, scoping, bad input beside its field."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.urls import reverse

from funds.models import Programme
from households.models import Cycle, CycleLine, Household
from households.services import cycles as services
from payouts.models import Payout, PayoutSheet
from reliefdesk.history import history_for
from tests import factories as f
from tests.households.conftest import household_in, make_living_programme

pytestmark = pytest.mark.django_db

S = Household.Status
D = Decimal
MARCH = dt.date(2024, 3, 1)


@pytest.fixture
def living(shunyi_fund):
    return make_living_programme(shunyi_fund)


@pytest.fixture
def homes(station1, station2):
    """Two 低保 households at station 1, one 低收入 at station 2, one without status (left out) at station 1."""
    dibao = {"civil_status": "dibao", "civil_status_from": dt.date(2023, 7, 1)}
    return {
        "wang": household_in(S.ON_FILE, station=station1, head=f.MemberFactory(name="王建国"), **dibao),
        "li": household_in(S.ON_FILE, station=station1, head=f.MemberFactory(name="李卫东"), **dibao),
        "zhao": household_in(S.ON_FILE, station=station2, head=f.MemberFactory(name="赵红梅"),
                             civil_status="low_income", civil_status_from=dt.date(2023, 9, 1)),
        "sun": household_in(S.ON_FILE, station=station1, head=f.MemberFactory(name="孙德胜"), civil_status="none"),
    }


@pytest.fixture
def march(living, homes, reviewer):
    return services.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle


def line_of(cycle, household) -> CycleLine:
    return CycleLine.objects.get(cycle=cycle, household=household)


# --- programmes ------------------------------------------------------------------------------

def test_the_programme_list_and_page_show_the_rule_sets_and_cycles(client, reviewer, march, living):
    client.force_login(reviewer)
    listing = client.get(reverse("households:programme-list"))
    assert listing.status_code == 200 and "生活补贴" in listing.content.decode()
    page = client.get(reverse("households:programme-detail", args=[living.pk])).content.decode()
    assert "2024年版" in page and "2024年3月生活补贴" in page


def test_a_liaison_has_no_programme_pages(client, liaison1, living):
    client.force_login(liaison1)
    assert client.get(reverse("households:programme-list")).status_code == 403


def test_an_approver_creates_a_programme_and_a_history_row_says_so(client, approver, shunyi_fund):
    category = f.AidCategoryFactory(code="education", name="助学", name_en="Education aid")
    client.force_login(approver)
    response = client.post(reverse("households:programme-new"), {
        "fund": shunyi_fund.pk, "code": "sy-senior", "name": "高中助学", "name_en": "Senior-school aid",
        "category": category.pk, "schedule": "yearly", "enrolment": "school", "unit": "pupil",
        "school_levels": ["senior"], "active": "on"})
    programme = Programme.objects.get(code="sy-senior")
    assert response.status_code == 302 and response["Location"] == reverse("households:programme-detail",
                                                                            args=[programme.pk])
    assert (programme.unit, programme.school_levels) == ("pupil", ["senior"])
    assert [e.action for e in history_for(programme)] == ["programme.created"]


def test_a_school_programme_without_levels_stays_in_the_form_with_the_error_in_chinese(client, approver,
                                                                                     shunyi_fund):
    category = f.AidCategoryFactory(code="education", name="助学", name_en="Education aid")
    client.force_login(approver)
    response = client.post(reverse("households:programme-new"), {
        "fund": shunyi_fund.pk, "code": "sy-senior", "name": "高中助学", "category": category.pk,
        "schedule": "yearly", "enrolment": "school", "unit": "household"})
    assert response.status_code == 400
    form = response.context["form"]
    assert "就读阶段" in " ".join(form.errors["school_levels"]) or form.errors["school_levels"]
    assert form.errors["unit"]
    assert form["name"].value() == "高中助学"
    assert "高中助学" in response.content.decode()
    assert not Programme.objects.filter(code="sy-senior").exists()


def test_an_approver_of_another_district_gets_404_on_a_programme(client, living, daxing):
    outsider = f.make_user("dx_approver", "approver", district=daxing)
    client.force_login(outsider)
    assert client.get(reverse("households:programme-detail", args=[living.pk])).status_code == 404
    assert client.get(reverse("households:programme-edit", args=[living.pk])).status_code == 404


def test_an_approver_edits_his_districts_programme(client, approver, living):
    client.force_login(approver)
    response = client.post(reverse("households:programme-edit", args=[living.pk]), {
        "code": "sy-living", "name": "生活补贴（月）", "name_en": "Living subsidy", "category": living.category_id,
        "schedule": "monthly", "enrolment": "civil_status", "unit": "household", "active": "on"})
    assert response.status_code == 302
    living.refresh_from_db()
    assert living.name == "生活补贴（月）"


# --- generating -----------------------------------------------------------------------------

def test_the_reviewer_generates_a_month_and_sees_each_line_with_its_amount_explanation_and_who_was_left_out(
        client, reviewer, living, homes):
    client.force_login(reviewer)
    response = client.post(reverse("households:cycle-generate"), {"programme": living.pk,
                                                                    "cycle_date": "2024-03-01"})
    cycle = Cycle.objects.get(programme=living)
    assert response.status_code == 302 and response["Location"] == reverse("households:cycle-detail",
                                                                            args=[cycle.pk])
    assert (cycle.title, cycle.line_count, cycle.total) == ("2024年3月生活补贴", 3, D("4260.00"))
    page = client.get(response["Location"]).content.decode()
    assert page.count("1,420.00") >= 3 and "1,420.00 元" in page and "低保标准" in page
    assert "4,260.00" in page
    assert Cycle.objects.get().left_out_count == 1, list(cycle.exclusions.values())
    left_out = page.split('data-testid="left-out-table"')[1]
    assert homes["sun"].reference in left_out and "低保" in left_out


def test_generating_the_same_month_again_opens_the_cycle_already_there(client, reviewer, march, living):
    client.force_login(reviewer)
    response = client.post(reverse("households:cycle-generate"), {"programme": living.pk,
                                                                    "cycle_date": "2024-03-15"})
    assert response["Location"] == reverse("households:cycle-detail", args=[march.pk])
    assert Cycle.objects.filter(programme=living).count() == 1


def test_a_date_without_a_rule_set_in_force_is_refused_beside_the_date_naming_programme_and_date(
        client, reviewer, living, homes):
    client.force_login(reviewer)
    response = client.post(reverse("households:cycle-generate"), {"programme": living.pk,
                                                                    "cycle_date": "2023-11-01"})
    assert response.status_code == 400
    form = response.context["form"]
    error = " ".join(form.errors["cycle_date"])
    assert "生活补贴" in error and "2023-11-01" in error
    assert form["cycle_date"].value() == "2023-11-01" and str(form["programme"].value()) == str(living.pk)
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("data", [
    {"programme": "999999", "cycle_date": "2024-03-01"},
    {"programme": "abc", "cycle_date": "2024-03-01"},
    {"cycle_date": "2024-13-45"},
    {"programme": "", "cycle_date": "1900-01-01"},
    {"holiday": "christmas"},
])
def test_bad_input_to_the_generate_form_is_refused_beside_its_field(client, reviewer, living, data):
    client.force_login(reviewer)
    response = client.post(reverse("households:cycle-generate"), data)
    assert response.status_code == 400 and response.context["form"].errors
    assert not Cycle.objects.exists()


def test_another_districts_programme_cannot_be_generated(client, daxing_reviewer, living):
    client.force_login(daxing_reviewer)
    response = client.post(reverse("households:cycle-generate"), {"programme": living.pk,
                                                                    "cycle_date": "2024-03-01"})
    assert response.status_code == 400 and response.context["form"].errors["programme"]


def test_only_a_reviewer_generates(client, approver, liaison1, living):
    for user in (approver, liaison1):
        client.force_login(user)
        assert client.get(reverse("households:cycle-generate")).status_code == 403


# --- the cycle page and its lines -----------------------------------------------------------

def test_the_cycle_list_filters_by_programme_status_and_date(client, reviewer, march, living):
    client.force_login(reviewer)
    url = reverse("households:cycle-list")
    assert "2024年3月生活补贴" in client.get(url, {"programme": living.pk, "status": "generated"}).content.decode()
    assert "2024年3月生活补贴" not in client.get(url, {"status": "approved"}).content.decode()
    assert "2024年3月生活补贴" not in client.get(url, {"date_from": "2024-04-01"}).content.decode()


@pytest.mark.parametrize("query", [{"programme": "x"}, {"status": "nope"}, {"date_from": "32/13"}, {"page": "-1"},
                                   {"district": "abc"}])
def test_a_bad_filter_never_fails_the_cycle_list(client, reviewer, march, query):
    client.force_login(reviewer)
    assert client.get(reverse("households:cycle-list"), query).status_code == 200


def test_another_stations_liaison_and_another_districts_reviewer_get_404_on_cycles_and_lines(
        client, march, homes, liaison1, liaison2, daxing_reviewer, station1):
    wang = line_of(march, homes["wang"])
    zhao = line_of(march, homes["zhao"])
    client.force_login(daxing_reviewer)
    assert client.get(reverse("households:cycle-detail", args=[march.pk])).status_code == 404
    assert client.get(reverse("households:cycle-line-detail", args=[march.pk, wang.pk])).status_code == 404
    assert client.post(reverse("households:cycle-line-remove", args=[march.pk, wang.pk]),
                       {"reason": "重复。"}).status_code == 404
    # The liaison of station 2 sees the cycle through his own household's line, not station 1's lines.
    client.force_login(liaison2)
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert homes["zhao"].reference in page and homes["wang"].reference not in page
    assert client.get(reverse("households:cycle-line-detail", args=[march.pk, zhao.pk])).status_code == 200
    assert client.get(reverse("households:cycle-line-detail", args=[march.pk, wang.pk])).status_code == 404
    line = line_of(march, homes["wang"])
    assert not line.removed


def test_a_liaison_without_a_household_in_the_cycle_gets_404(client, march, station1):
    other = f.StationFactory(district=station1.district, code="SY09", name="顺义第九工会服务站")
    liaison = f.make_user("liaison9", "liaison", district=station1.district, stations=[other])
    client.force_login(liaison)
    assert client.get(reverse("households:cycle-detail", args=[march.pk])).status_code == 404


def test_the_reviewer_removes_a_line_with_a_reason_and_it_is_not_paid(client, reviewer, approver, march, homes):
    line = line_of(march, homes["li"])
    client.force_login(reviewer)
    response = client.post(reverse("households:cycle-line-remove", args=[march.pk, line.pk]),
                           {"reason": "已于本月领取临时救助。"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.removed and line.removed_reason == "已于本月领取临时救助。"
    assert [e.action for e in history_for(line)] == ["cycle_line.removed"]
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert "已于本月领取临时救助。" in page and "2,840.00" in page
    client.force_login(approver)
    client.post(reverse("households:cycle-approve", args=[march.pk]))
    assert not Payout.objects.filter(source="cycle_line", source_id=line.pk).exists()
    assert Payout.objects.filter(source="cycle_line").count() == 2


def test_removing_without_a_reason_keeps_the_line_and_shows_the_error_in_chinese(client, reviewer, march, homes):
    line = line_of(march, homes["li"])
    client.force_login(reviewer)
    response = client.post(reverse("households:cycle-line-remove", args=[march.pk, line.pk]), {"reason": "  "})
    assert response.status_code == 400
    assert response.context["remove_form"].errors["reason"]
    assert "原因" in response.content.decode()
    line.refresh_from_db()
    assert not line.removed


def test_removing_is_post_only_and_the_reviewers_alone(client, reviewer, approver, march, homes):
    line = line_of(march, homes["li"])
    url = reverse("households:cycle-line-remove", args=[march.pk, line.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 405
    client.force_login(approver)
    assert client.post(url, {"reason": "重复。"}).status_code == 403


def test_the_cycle_page_costs_the_same_queries_for_3_and_12_lines(client, reviewer, living, homes, station1,
                                                                  django_assert_max_num_queries):
    client.force_login(reviewer)
    small = services.cycle_generate(programme=living, cycle_date=MARCH, actor=reviewer).cycle
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("households:cycle-detail", args=[small.pk]))
    for _i in range(9):
        household_in(S.ON_FILE, station=station1, civil_status="dibao", civil_status_from=dt.date(2023, 7, 1))
    large = services.cycle_generate(programme=living, cycle_date=dt.date(2024, 4, 1), actor=reviewer).cycle
    assert large.line_count == 12
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("households:cycle-detail", args=[large.pk]))
    assert len(many) == len(few)


# --- approving and paying -------------------------------------------------------------------

def test_the_approver_sees_the_total_beside_the_available_balance_and_approves(client, approver, march):
    client.force_login(approver)
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    card = page.split('data-testid="approve-card"')[1]
    assert "4,260.00" in card and "100,000.00" in card
    response = client.post(reverse("households:cycle-approve", args=[march.pk]))
    assert response.status_code == 302
    march.refresh_from_db()
    assert march.status == Cycle.Status.APPROVED
    assert Payout.objects.filter(source="cycle_line", status="pending").count() == 3
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert 'data-testid="approve-card"' not in page and "待拨付" in page


def test_approval_is_refused_with_the_shortfall_and_nothing_changes(client, approver, reviewer, station1, homes,
                                                                    shunyi_fund):
    programme = make_living_programme(shunyi_fund, balance="1000")
    cycle = services.cycle_generate(programme=programme, cycle_date=MARCH, actor=reviewer).cycle
    client.force_login(approver)
    page = client.get(reverse("households:cycle-detail", args=[cycle.pk])).content.decode()
    assert "3,260.00" in page.split('data-testid="shortfall"')[1]
    response = client.post(reverse("households:cycle-approve", args=[cycle.pk]), follow=True)
    assert "3,260.00" in " ".join(str(m) for m in response.context["messages"])
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.GENERATED and not Payout.objects.exists()


def test_approving_is_the_approvers_and_post_only(client, reviewer, approver, march, daxing):
    url = reverse("households:cycle-approve", args=[march.pk])
    client.force_login(reviewer)
    assert client.post(url).status_code == 403
    client.force_login(approver)
    assert client.get(url).status_code == 405
    client.force_login(f.make_user("dx_approver", "approver", district=daxing))
    assert client.post(url).status_code == 404
    march.refresh_from_db()
    assert march.status == Cycle.Status.GENERATED


def test_finance_puts_the_approved_cycle_in_a_payout_sheet_and_the_lines_show_it(client, approver, finance, march,
                                                                                 homes):
    services.cycle_approve(cycle=march, actor=approver)
    client.force_login(finance)
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert 'data-testid="create-sheet"' in page
    response = client.post(reverse("households:cycle-sheet-create", args=[march.pk]))
    sheet = PayoutSheet.objects.get()
    assert response["Location"] == reverse("payouts:sheet-detail", args=[sheet.pk])
    assert (sheet.row_count, sheet.total) == (3, D("4260.00"))
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert sheet.number in page and 'data-testid="create-sheet"' not in page
    again = client.post(reverse("households:cycle-sheet-create", args=[march.pk]), follow=True)
    assert PayoutSheet.objects.count() == 1 and list(again.context["messages"])


def test_the_household_page_shows_the_cycle_payment(client, reviewer, approver, march, homes):
    services.cycle_approve(cycle=march, actor=approver)
    client.force_login(reviewer)
    page = client.get(reverse("households:household-detail", args=[homes["wang"].pk])).content.decode()
    payments = page.split('data-testid="payments"')[1]
    assert "2024年3月生活补贴" in payments and "1,420.00" in payments
    line = march.lines.get(household=homes["wang"])
    payout = Payout.objects.get(source="cycle_line", source_id=line.pk)
    url = reverse("households:cycle-line-detail", args=[march.pk, line.pk])
    assert f'<a href="{url}">{payout.reference}</a>' in payments
    assert client.get(url).status_code == 200


def test_the_dashboard_counts_the_paid_lines_per_programme_in_the_seeds_sentence(client, reviewer, approver,
                                                                                finance, march):
    from payouts import services as payouts

    services.cycle_approve(cycle=march, actor=approver)
    pending = list(Payout.objects.filter(source="cycle_line").order_by("id"))
    sheet = payouts.payout_sheet_create(actor=finance, fund=march.programme.fund, payouts=pending)
    os.unlink(payouts.payout_sheet_export(sheet=sheet, actor=finance).path)
    payouts.payout_mark_paid(payouts=pending[:2], actor=finance, paid_on=dt.date(2024, 3, 10),
                             bank_reference="ICBC20240310")
    assert sheet.row_count == 3
    client.force_login(reviewer)
    page = client.get(reverse("reports:dashboard"), {"kind": "month", "year": "2024", "month": "3"})
    assert page.status_code == 200
    figures = page.context["cycles"]
    assert [(r.name, r.cycles, r.person_times, r.amount) for r in figures.rows] == [
        ("生活补贴", 1, 2, D("2840.00"))]
    assert "共计救助困难职工2人次，总计救助金额0.28万元" in page.content.decode()


def test_a_city_programme_page_lists_only_the_cycles_of_the_users_district(client, reviewer, daxing_reviewer, homes,
                                                                          daxing_station):
    city = f.FundFactory(slug="city", name="市总工会困难职工帮扶", district=None)
    programme = make_living_programme(city, balance="")
    household_in(S.ON_FILE, station=daxing_station, civil_status="dibao", civil_status_from=dt.date(2023, 7, 1))
    mine = services.cycle_generate(programme=programme, cycle_date=MARCH, actor=reviewer).cycle
    theirs = services.cycle_generate(programme=programme, cycle_date=MARCH, actor=daxing_reviewer).cycle
    assert (mine.line_count, theirs.line_count) == (3, 1)
    client.force_login(reviewer)
    page = client.get(reverse("households:programme-detail", args=[programme.pk])).content.decode()
    assert page.count('data-cycle="2024-03"') == 1
    assert reverse("households:cycle-detail", args=[mine.pk]) in page
    assert reverse("households:cycle-detail", args=[theirs.pk]) not in page


def test_the_reviewer_chooses_households_for_a_chosen_programme_and_only_they_are_paid(client, reviewer, homes,
                                                                                      shunyi_fund, liaison1):
    programme = make_living_programme(shunyi_fund)
    Programme.objects.filter(pk=programme.pk).update(enrolment="chosen", name="三八节慰问困难女职工")
    client.force_login(reviewer)
    url = reverse("households:programme-choose", args=[programme.pk])
    response = client.post(url, {"households": [homes["zhao"].pk, homes["sun"].pk]})
    assert response.status_code == 302
    page = client.get(reverse("households:programme-detail", args=[programme.pk])).content.decode()
    chosen = page.split('data-testid="chosen-households"')[1].split("</table>")[0]
    assert homes["zhao"].reference in chosen and homes["sun"].reference in chosen
    assert homes["wang"].reference not in chosen
    client.post(reverse("households:programme-unchoose", args=[programme.pk, homes["sun"].pk]))
    cycle = services.cycle_generate(programme=programme, cycle_date=MARCH, actor=reviewer).cycle
    assert list(cycle.lines.values_list("household_id", flat=True)) == [homes["zhao"].pk]
    assert client.get(url).status_code == 405
    bad = client.post(url, {"households": ["abc"]}, follow=True)
    assert list(bad.context["messages"]) and programme.chosen_households.count() == 1
    client.force_login(liaison1)
    assert client.post(url, {"households": [homes["wang"].pk]}).status_code == 403


# --- discarding a cycle, putting a line back --------------------------------------------------

def test_the_reviewer_discards_a_generated_cycle_and_generates_the_month_again(client, reviewer, march, living):
    client.force_login(reviewer)
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert 'data-testid="discard-form"' in page
    refused = client.post(reverse("households:cycle-discard", args=[march.pk]), {"reason": " "})
    assert refused.status_code == 400 and refused.context["discard_form"].errors["reason"]
    assert "原因" in refused.content.decode()
    response = client.post(reverse("households:cycle-discard", args=[march.pk]), {"reason": "低保标准录错，重新生成"},
                           follow=True)
    page = response.content.decode()
    assert 'data-testid="discarded"' in page and "低保标准录错，重新生成" in page
    assert 'data-testid="discard-form"' not in page and 'data-testid="approve"' not in page
    assert [e.action for e in history_for(march)] == ["cycle.generated", "cycle.discarded"]
    again = client.post(reverse("households:cycle-generate"), {"programme": living.pk, "cycle_date": "2024-03-15"})
    fresh = Cycle.objects.exclude(pk=march.pk).get()
    assert again.status_code == 302 and fresh.period_key == march.period_key and fresh.line_count == 3


def test_an_approved_cycle_offers_no_discard_and_refuses_one(client, reviewer, approver, march):
    services.cycle_approve(cycle=march, actor=approver)
    client.force_login(reviewer)
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert 'data-testid="discard-form"' not in page
    response = client.post(reverse("households:cycle-discard", args=[march.pk]), {"reason": "晚了"}, follow=True)
    assert list(response.context["messages"])
    march.refresh_from_db()
    assert march.status == Cycle.Status.APPROVED
    client.force_login(approver)
    assert client.post(reverse("households:cycle-discard", args=[march.pk]), {"reason": "x"}).status_code == 403
    assert client.get(reverse("households:cycle-discard", args=[march.pk])).status_code == 405


def test_the_reviewer_puts_a_removed_line_back(client, reviewer, march, homes):
    line = line_of(march, homes["li"])
    services.cycle_line_remove(line=line, actor=reviewer, reason="核实中")
    client.force_login(reviewer)
    url = reverse("households:cycle-line-detail", args=[march.pk, line.pk])
    assert 'data-testid="restore-form"' in client.get(url).content.decode()
    response = client.post(reverse("households:cycle-line-restore", args=[march.pk, line.pk]), follow=True)
    page = response.content.decode()
    assert 'data-testid="restore-form"' not in page and 'data-testid="remove-form"' in page
    line.refresh_from_db()
    assert not line.removed
    assert [e.action for e in history_for(line)] == ["cycle_line.removed", "cycle_line.restored"]
    detail = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    assert "4,260.00" in detail


# --- the lines as a spreadsheet ----------------------------------------------------------------

def _workbook(response):
    from io import BytesIO

    from openpyxl import load_workbook

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


def test_the_cycles_lines_download_as_xlsx_with_id_numbers_as_text_and_amounts_as_numbers(client, reviewer, march,
                                                                                          homes):
    line = line_of(march, homes["li"])
    services.cycle_line_remove(line=line, actor=reviewer, reason="核实中")
    client.force_login(reviewer)
    page = client.get(reverse("households:cycle-detail", args=[march.pk])).content.decode()
    url = reverse("households:cycle-xlsx", args=[march.pk])
    assert f'href="{url}"' in page
    sheet = _workbook(client.get(url))
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["编号", "工会服务站", "收款人", "身份证号"] and header[7] == "金额（元）"
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=2)}
    assert set(rows) == {"王建国", "李卫东", "赵红梅"}
    wang = rows["王建国"]
    assert wang[3].value == homes["wang"].head.id_number and wang[3].data_type == "s"
    assert wang[5].data_type == "s"
    assert wang[7].value == 1420 and wang[7].data_type == "n"
    assert rows["李卫东"][9].value == "已移除: 核实中"


def test_a_liaison_downloads_only_his_stations_lines_and_outsiders_get_404(client, march, liaison1, daxing_reviewer):
    client.force_login(liaison1)
    sheet = _workbook(client.get(reverse("households:cycle-xlsx", args=[march.pk])))
    assert sorted(row[2].value for row in sheet.iter_rows(min_row=2)) == ["李卫东", "王建国"]
    client.force_login(daxing_reviewer)
    assert client.get(reverse("households:cycle-xlsx", args=[march.pk])).status_code == 404
