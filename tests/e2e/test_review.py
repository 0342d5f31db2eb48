"""A quarter's review in the browser: verify, batch, notice, approve, and the station sees it."""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Application, Batch
from payouts.models import Payout
from tests import factories as f
from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

S = Application.Status


@pytest.fixture
def submitted(station1, station2, shunyi_rules, liaison1):
    f.LedgerEntryFactory(fund=shunyi_rules.fund, amount=Decimal("1000000.00"))
    cases = []
    for index, total in enumerate((Decimal("62000"), Decimal("45000"), Decimal("130000"))):
        cases.append(f.ApplicationFactory(
            station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category, status=S.SUBMITTED,
            created_by=liaison1, total_cost=total, reimbursed=Decimal("0"),
            submitted_at=timezone.now() - dt.timedelta(days=5 - index)))
    return cases


def verify_in_browser(page, live_server, application):
    page.goto(live_server.url + reverse("cases:review-queue"))
    page.click(f"tr[data-reference='{application.reference}'] [data-testid=take]")
    page.wait_for_url(f"**{reverse('cases:review', args=[application.pk])}")
    for box in page.locator("input[name=checklist]").all():
        box.check()
    page.click("[data-testid=review-form] button[type=submit]")
    page.wait_for_selector("[data-testid=proposed-amount]")
    page.click("[data-testid=verify]")
    page.wait_for_url(f"**{reverse('cases:review-queue')}")


def test_a_reviewer_batches_three_cases_the_approver_approves_and_the_liaison_sees_them_approved(
        page, live_server, submitted, reviewer, approver, liaison1, frozen_today):
    login(page, live_server, "reviewer")
    for application in submitted:
        verify_in_browser(page, live_server, application)
    assert set(Application.objects.values_list("status", flat=True)) == {S.VERIFIED}
    assert sorted(Application.objects.values_list("proposed_amount", flat=True)) == [
        Decimal("6750.00"), Decimal("12400.00"), Decimal("30000.00")]

    page.goto(live_server.url + reverse("cases:batch-create"))
    page.fill("input[name=title]", "2022年第一季度第1批")
    page.click("[data-testid=batch-form] button[type=submit]")
    page.wait_for_selector("[data-testid=candidates]")
    for application in submitted:
        page.check(f"input[name=applications][value='{application.pk}']")
    page.click("[data-testid=add-selected]")
    page.wait_for_selector("[data-testid=batch-total]:has-text('49,150.00')")
    # The story is told in March 2022: the batch is made, its notice starts on Monday 7 March ...
    Batch.objects.filter(title="2022年第一季度第1批").update(
        created_at=timezone.make_aware(dt.datetime(2022, 3, 4, 9)))
    frozen_today(dt.date(2022, 3, 7))
    page.fill("[data-testid=notice-form] input[name=start]", "2022-03-07")
    page.click("[data-testid=notice-form] button[type=submit]")
    page.wait_for_selector("[data-testid=notice-end]:has-text('2022-03-11')")
    batch = Batch.objects.get(title="2022年第一季度第1批")
    assert batch.status == Batch.Status.PUBLIC_NOTICE

    page.goto(live_server.url + reverse("cases:batch-notice", args=[batch.pk]))
    notice = page.inner_text("[data-testid=notice-table]")
    for application in submitted:
        assert application.member.name not in notice
        assert application.member.id_number not in notice
    page.context.clear_cookies()

    # ... and the approver comes after it has ended.
    frozen_today(dt.date(2022, 3, 15))
    login(page, live_server, "approver")
    page.goto(live_server.url + reverse("cases:batch-detail", args=[batch.pk]))
    page.fill("[data-testid=approve-form] input[name=meeting_date]", "2022-03-15")
    page.fill("[data-testid=approve-form] input[name=minutes_reference]", "顺工帮审〔2022〕1号")
    page.fill("[data-testid=approve-form] textarea[name=attendees]", "赵审批、王审核、钱财务")
    page.click("[data-testid=approve]")
    page.wait_for_selector("[data-testid=approve-form]", state="detached")
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.APPROVED
    assert Payout.objects.filter(batch=batch).count() == 3
    page.context.clear_cookies()

    login(page, live_server, "liaison1")
    with translation.override("zh-hans"):
        approved_label = str(S.APPROVED.label)
    for application in submitted:
        page.goto(live_server.url + reverse("cases:application-detail", args=[application.pk]))
        assert approved_label in page.inner_text("main")
