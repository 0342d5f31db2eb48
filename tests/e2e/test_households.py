"""A household filed in the browser and paid its monthly living subsidy.

The liaison files it, the reviewer visits from his phone, notice and meeting put it on file; then the
reviewer generates a month's living-subsidy cycle, the approver approves it, finance exports the bank
spreadsheet, and the household page shows the payment.
"""
from __future__ import annotations

import datetime as dt

import pytest
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.models import Cycle, CycleLine, FilingBatch, HomeVisit, Household
from payouts import services as payouts
from payouts.models import Payout, PayoutSheet
from tests import factories as f
from tests.conftest import login
from tests.households.conftest import make_living_programme

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

S = Household.Status
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 256
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    """A phone-sized tab (390 × 844, touch); it too fails the test on a Content-Security-Policy violation."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    tab = context.new_page()
    tab.set_default_timeout(15000)
    blocked = []
    tab.on("console", lambda message: blocked.append(message.text)
           if "Content Security Policy" in message.text else None)
    yield tab
    context.close()
    assert blocked == [], "blocked by the Content-Security-Policy"


def fits_the_screen(tab) -> bool:
    return tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_liaison_files_the_reviewer_visits_from_his_phone_and_the_household_goes_on_file_and_is_paid(
        page, phone, live_server, liaison1, reviewer, approver, finance, station1, shunyi_fund, frozen_today,
        tmp_path):
    head = f.MemberFactory(name="王建国", stations=[station1])
    living = make_living_programme(shunyi_fund)  # 1 × 低保标准 (1,420 from 2024-01-01) a month
    # The story is told in March 2024: the liaison opens the file on Monday the 4th.
    frozen_today(dt.date(2024, 3, 4))
    login(page, live_server, "liaison1")
    page.goto(live_server.url + reverse("households:household-new"))
    page.fill("input[name=head]", head.id_number)
    page.select_option("select[name=station]", str(station1.pk))
    page.fill("input[name=monthly_income]", "2400")
    page.check("input[name=causes][value=illness]")
    page.check("input[name=causes][value=schooling]")
    page.select_option("select[name=civil_status]", "dibao")
    page.fill("input[name=civil_status_from]", "2023-07-01")
    page.fill("textarea[name=narrative]", "妻子肾出血长期治疗，孩子读高中，家庭生活困难。")
    page.click("[data-testid=household-form] button[type=submit]")
    page.wait_for_selector("[data-testid=household-status]")
    household = Household.objects.get(head=head)
    Household.objects.filter(pk=household.pk).update(created_at=timezone.make_aware(dt.datetime(2024, 3, 4, 9)))

    page.click("[data-testid=add-person]")
    page.select_option("select[name=relation]", "child")
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=id_number]", f.make_id_number(birth=dt.date(2008, 6, 8), seq=17))
    page.select_option("select[name=school_level]", "senior")
    page.check("input[name=in_school]")
    page.click("[data-testid=person-form] button[type=submit]")
    page.wait_for_selector("[data-testid=people] [data-person]")
    assert "1,200.00" in page.inner_text("[data-testid=income-per-head]")
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=household-status]")
    household.refresh_from_db()
    assert household.status == S.SUBMITTED

    # The reviewer on his phone, in the household's home.
    login(phone, live_server, "reviewer")
    phone.goto(live_server.url + reverse("households:household-detail", args=[household.pk]))
    assert fits_the_screen(phone)
    phone.click("[data-testid=take]")
    phone.click("[data-testid=record-visit]")
    phone.wait_for_selector("[data-testid=visit-form]")
    assert fits_the_screen(phone)
    phone.fill("input[name=visitors]", "王审核、社区主任")
    phone.fill("textarea[name=findings]", "一家三口，妻子卧床，住房简陋，孩子读高二。情况属实。")
    phone.set_input_files("input[name=files]", files=[
        {"name": "kitchen.jpg", "mimeType": "image/jpeg", "buffer": JPEG},
        {"name": "bedroom.jpg", "mimeType": "image/jpeg", "buffer": JPEG + b"\x01"}])
    phone.click("[data-testid=visit-save]")
    phone.wait_for_selector("[data-testid=verify]")
    visit = HomeVisit.objects.get(household=household)
    assert (visit.visited_on, visit.documents.count()) == (dt.date(2024, 3, 4), 2)
    phone.click("[data-testid=verify]")
    phone.wait_for_selector("[data-testid=household-status]")
    household.refresh_from_db()
    assert household.status == S.VERIFIED

    # Back at the desk: a filing batch and its public notice.
    page.context.clear_cookies()
    login(page, live_server, "reviewer")
    page.goto(live_server.url + reverse("households:batch-create"))
    page.fill("input[name=title]", "2024年第1批建档")
    page.click("[data-testid=batch-form] button[type=submit]")
    page.wait_for_selector("[data-testid=candidates]")
    batch = FilingBatch.objects.get(title="2024年第1批建档")
    FilingBatch.objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(dt.datetime(2024, 3, 4, 10)))
    page.check(f"input[name=households][value='{household.pk}']")
    page.click("[data-testid=add-selected]")
    page.wait_for_selector(f"[data-testid=batch-households] tr[data-reference='{household.reference}']")
    page.fill("[data-testid=notice-form] input[name=start]", "2024-03-04")
    page.click("[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("[data-testid=notice-end]:has-text('2024-03-08')")
    page.click("[data-testid=notice-link]")
    notice = page.inner_text("[data-testid=notice-table]")
    assert head.name not in notice and head.id_number not in notice and "因病、因学" in notice
    page.context.clear_cookies()

    # The meeting the Monday after the notice.
    frozen_today(dt.date(2024, 3, 11))
    login(page, live_server, "approver")
    page.goto(live_server.url + reverse("households:batch-detail", args=[batch.pk]))
    page.fill("[data-testid=approve-form] input[name=meeting_date]", "2024-03-11")
    page.fill("[data-testid=approve-form] input[name=minutes_reference]", "顺工帮审〔2024〕3号")
    page.fill("[data-testid=approve-form] textarea[name=attendees]", "赵审批、王审核")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=approve-form]", state="detached")
    household.refresh_from_db()
    assert (household.status, household.filed_on, household.next_review_due) == (
        S.ON_FILE, dt.date(2024, 3, 11), dt.date(2025, 3, 11))
    page.goto(live_server.url + reverse("households:household-detail", args=[household.pk]))
    assert page.inner_text("[data-testid=household-status]") == str(S.ON_FILE.label)

    # April: the reviewer generates the month's living subsidy; the household is 低保 and on file.
    page.context.clear_cookies()
    frozen_today(dt.date(2024, 4, 1))
    login(page, live_server, "reviewer")
    page.goto(live_server.url + reverse("households:cycle-generate"))
    page.select_option("[data-testid=generate-form] select[name=programme]", str(living.pk))
    page.fill("[data-testid=generate-form] input[name=cycle_date]", "2024-04-01")
    page.click("[data-testid=generate]")
    page.wait_for_selector("[data-testid=cycle-lines-table]")
    cycle = Cycle.objects.get(programme=living)
    line = CycleLine.objects.get(cycle=cycle, household=household)
    row = page.inner_text(f"[data-testid=cycle-lines-table] tr[data-line='{line.pk}']")
    assert "1,420.00" in row and "低保标准" in row
    assert page.inner_text("[data-testid=cycle-total]") == "1,420.00"
    page.context.clear_cookies()

    # The approver sees the total beside the fund's available balance and approves.
    login(page, live_server, "approver")
    page.goto(live_server.url + reverse("households:cycle-detail", args=[cycle.pk]))
    assert page.inner_text("[data-testid=approve-total]") == "1,420.00"
    assert page.inner_text("[data-testid=available]") == "100,000.00"
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=approve-card]", state="detached")
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.APPROVED
    page.context.clear_cookies()

    # Finance puts the cycle in a payout sheet and downloads the bank spreadsheet.
    login(page, live_server, "finance")
    page.goto(live_server.url + reverse("households:cycle-detail", args=[cycle.pk]))
    page.click("[data-testid=create-sheet]")
    page.wait_for_selector("[data-testid=export]")
    with page.expect_download() as download_info:
        page.click("[data-testid=export]")
    exported = tmp_path / "bank.xlsx"
    download_info.value.save_as(exported)
    rows = list(load_workbook(exported)["拨付明细"].iter_rows(values_only=True))
    payout = Payout.objects.get(source="cycle_line", source_id=line.pk)
    assert len(rows) == 2
    bank_row = dict(zip(rows[0], rows[1]))
    assert bank_row["申请编号"] == payout.reference and bank_row["收款人"] == "王建国"
    assert bank_row["身份证号"] == head.id_number and bank_row["卡号"] == head.card_number  # as text, every digit
    assert Decimal(str(bank_row["金额(元)"])) == Decimal("1420.00")
    payouts.payout_mark_paid(payouts=[payout], actor=finance, paid_on=dt.date(2024, 4, 1),
                             bank_reference="CCB20240401001")
    assert PayoutSheet.objects.get().status == PayoutSheet.Status.CLOSED
    page.context.clear_cookies()

    # The household page lists the month's payment among what the household received.
    login(page, live_server, "reviewer")
    page.goto(live_server.url + reverse("households:household-detail", args=[household.pk]))
    payment = page.inner_text(f"[data-testid=payments] tr[data-payment='{payout.reference}']")
    assert "2024年4月生活补贴" in payment and "1,420.00" in payment
    assert page.inner_text("[data-testid=paid-total]") == "1,420.00"
