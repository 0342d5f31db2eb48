import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Application
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status


def submitted_case(station, rules, **kwargs):
    kwargs.setdefault("submitted_at", timezone.now() - dt.timedelta(days=3))
    kwargs.setdefault("status", S.SUBMITTED)
    return f.ApplicationFactory(station=station, fund=rules.fund, category=rules.category, **kwargs)


@pytest.fixture
def case(station1, shunyi_rules):
    return submitted_case(station1, shunyi_rules)


@pytest.fixture
def in_review(station1, shunyi_rules, reviewer):
    return submitted_case(station1, shunyi_rules, status=S.IN_REVIEW, assigned_reviewer=reviewer)


def ticked(application):
    return list(application.category.checklist)


# ------------------------------------------------------------------ queue

def test_the_queue_shows_the_districts_waiting_cases_oldest_first_with_days_waiting(
        client, reviewer, station1, station2, shunyi_rules, daxing_station, daxing_fund):
    old = submitted_case(station2, shunyi_rules, submitted_at=timezone.now() - dt.timedelta(days=12))
    new = submitted_case(station1, shunyi_rules, submitted_at=timezone.now() - dt.timedelta(days=1))
    f.ApplicationFactory(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category, status=S.DRAFT)
    foreign = f.ApplicationFactory(station=daxing_station, fund=daxing_fund, status=S.SUBMITTED,
                                   reference="DX-2022-00001", submitted_at=timezone.now())
    client.force_login(reviewer)
    response = client.get(reverse("cases:review-queue"))
    assert response.status_code == 200
    rows = [(a.reference, waiting) for a, waiting, *_flags in response.context["rows"]]
    assert rows == [(old.reference, 12), (new.reference, 1)]
    # The view says which case is overdue (more than ten days) and which may be taken; the template asks.
    assert [(overdue, "take" in actions) for _a, _w, overdue, actions in response.context["rows"]] == [
        (True, True), (False, True)]
    assert foreign.reference not in response.content.decode()


def test_the_queue_masks_id_numbers(client, reviewer, case):
    client.force_login(reviewer)
    html = client.get(reverse("cases:review-queue")).content.decode()
    assert case.beneficiary_id_number not in html
    assert case.beneficiary_id_number[:6] + "********" + case.beneficiary_id_number[-4:] in html


@pytest.mark.parametrize("rows", [2, 20])
def test_the_queue_costs_the_same_queries_for_2_and_20_cases(client, reviewer, station1, shunyi_rules, rows,
                                                             django_assert_num_queries):
    for _ in range(rows):
        submitted_case(station1, shunyi_rules)
    client.force_login(reviewer)
    with django_assert_num_queries(6):
        response = client.get(reverse("cases:review-queue"))
    assert len(response.context["rows"]) == rows


def test_a_liaison_cannot_open_the_review_queue(client, liaison1):
    client.force_login(liaison1)
    assert client.get(reverse("cases:review-queue")).status_code == 403


# ------------------------------------------------------------------ take

def test_taking_from_the_queue_moves_the_case_into_review(client, reviewer, case):
    client.force_login(reviewer)
    response = client.post(reverse("cases:review-take", args=[case.pk]))
    assert response.status_code == 302
    assert response.url == reverse("cases:review", args=[case.pk])
    case.refresh_from_db()
    assert (case.status, case.assigned_reviewer) == (S.IN_REVIEW, reviewer)
    assert history_for(case).count() == 1


def test_take_by_get_is_405(client, reviewer, case):
    client.force_login(reviewer)
    assert client.get(reverse("cases:review-take", args=[case.pk])).status_code == 405


def test_take_by_a_reviewer_of_another_district_is_404(client, daxing_reviewer, case):
    client.force_login(daxing_reviewer)
    assert client.post(reverse("cases:review-take", args=[case.pk])).status_code == 404
    assert Application.objects.get(pk=case.pk).status == S.SUBMITTED


def test_take_by_a_liaison_is_403(client, liaison1, case):
    client.force_login(liaison1)
    assert client.post(reverse("cases:review-take", args=[case.pk])).status_code == 403
    assert Application.objects.get(pk=case.pk).status == S.SUBMITTED


def test_taking_a_case_already_taken_changes_nothing(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(reverse("cases:review-take", args=[in_review.pk]), follow=True)
    assert "该申请当前为审核中，暂不能“领取审核”。" in response.content.decode()
    assert not history_for(in_review).exists()


# ------------------------------------------------------------------ review page

def test_the_review_page_shows_the_rule_explanation_and_the_duplicate_warning(
        client, reviewer, in_review, station2, shunyi_rules):
    f.ApplicationFactory(station=station2, fund=shunyi_rules.fund, category=shunyi_rules.category,
                         member=in_review.member, status=S.PAID, event_date=dt.date(2021, 9, 1))
    client.force_login(reviewer)
    response = client.get(reverse("cases:review", args=[in_review.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "自付 62,000.00 元" in html and "12,400.00" in html
    assert 'data-testid="duplicate-warning"' in html


def test_the_review_page_of_another_district_is_404(client, daxing_reviewer, in_review):
    client.force_login(daxing_reviewer)
    assert client.get(reverse("cases:review", args=[in_review.pk])).status_code == 404


def test_saving_the_checklist_and_the_computed_amount(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(reverse("cases:review-save", args=[in_review.pk]),
                           {"checklist": ticked(in_review), "amount": "", "amount_reason": "", "override_code": ""})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.proposed_amount == Decimal("12400.00")
    assert all(in_review.checklist.values())
    assert [e.action for e in history_for(in_review)] == ["application.review_saved"]


def test_an_exception_amount_without_a_code_comes_back_with_the_error_next_to_the_field(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(reverse("cases:review-save", args=[in_review.pk]),
                           {"checklist": ticked(in_review), "amount": "20000", "amount_reason": "特别困难",
                            "override_code": ""})
    assert response.status_code == 400
    assert "override_code" in response.context["form"].errors
    assert response.context["form"]["amount"].value() == "20000"
    in_review.refresh_from_db()
    assert in_review.proposed_amount is None


def test_save_by_get_is_405(client, reviewer, in_review):
    client.force_login(reviewer)
    assert client.get(reverse("cases:review-save", args=[in_review.pk])).status_code == 405


# ------------------------------------------------------------------ verify

@pytest.fixture
def reviewed(in_review):
    Application.objects.filter(pk=in_review.pk).update(
        checklist={code: True for code in in_review.category.checklist}, proposed_amount=Decimal("12400.00"))
    return in_review


def test_verifying_a_reviewed_case(client, reviewer, reviewed):
    client.force_login(reviewer)
    response = client.post(reverse("cases:review-verify", args=[reviewed.pk]))
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == S.VERIFIED
    assert [e.action for e in history_for(reviewed)] == ["application.verified"]


def test_verify_by_get_is_405(client, reviewer, reviewed):
    client.force_login(reviewer)
    assert client.get(reverse("cases:review-verify", args=[reviewed.pk])).status_code == 405


def test_verify_by_an_outsider_is_404(client, daxing_reviewer, reviewed):
    client.force_login(daxing_reviewer)
    assert client.post(reverse("cases:review-verify", args=[reviewed.pk])).status_code == 404
    assert Application.objects.get(pk=reviewed.pk).status == S.IN_REVIEW


def test_verify_by_an_approver_is_403(client, approver, reviewed):
    client.force_login(approver)
    assert client.post(reverse("cases:review-verify", args=[reviewed.pk])).status_code == 403
    assert Application.objects.get(pk=reviewed.pk).status == S.IN_REVIEW


def test_verify_without_the_checklist_changes_nothing_and_says_why(client, reviewer, in_review):
    client.force_login(reviewer)
    response = client.post(reverse("cases:review-verify", args=[in_review.pk]), follow=True)
    assert "请先勾选所有核实清单项；缺少：" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    assert not history_for(in_review).exists()


def test_acknowledging_a_double_invoice_from_the_review_page(client, reviewer, reviewed, station2, shunyi_rules):
    other = submitted_case(station2, shunyi_rules)
    f.InvoiceNumberFactory(application=reviewed, number="11002200001")
    f.InvoiceNumberFactory(application=other, number="11002200001")
    client.force_login(reviewer)
    assert 'data-testid="invoice-warning"' in client.get(reverse("cases:review", args=[reviewed.pk])).content.decode()
    client.post(reverse("cases:review-verify", args=[reviewed.pk]))
    assert Application.objects.get(pk=reviewed.pk).status == S.IN_REVIEW
    response = client.post(reverse("cases:review-acknowledge-invoices", args=[reviewed.pk]))
    assert response.status_code == 302
    assert [e.action for e in history_for(reviewed)] == ["application.invoices_acknowledged"]
    client.post(reverse("cases:review-verify", args=[reviewed.pk]))
    assert Application.objects.get(pk=reviewed.pk).status == S.VERIFIED


def test_acknowledge_by_get_is_405(client, reviewer, reviewed):
    client.force_login(reviewer)
    assert client.get(reverse("cases:review-acknowledge-invoices", args=[reviewed.pk])).status_code == 405


# ------------------------------------------------------------------ return and reject

@pytest.mark.parametrize("action,status", [("return", S.RETURNED), ("reject", S.REJECTED)])
def test_return_and_reject_record_the_reason(client, reviewer, in_review, action, status):
    client.force_login(reviewer)
    response = client.post(reverse(f"cases:review-{action}", args=[in_review.pk]), {"reason": "缺少诊断证明"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert (in_review.status, in_review.last_reason) == (status, "缺少诊断证明")
    events = list(history_for(in_review))
    assert len(events) == 1 and events[0].reason == "缺少诊断证明"


@pytest.mark.parametrize("action", ["return", "reject"])
def test_return_and_reject_without_a_reason_change_nothing(client, reviewer, in_review, action):
    client.force_login(reviewer)
    response = client.post(reverse(f"cases:review-{action}", args=[in_review.pk]), {"reason": "   "})
    assert response.status_code == 400
    assert "reason" in response.context["reason_form"].errors
    assert Application.objects.get(pk=in_review.pk).status == S.IN_REVIEW
    assert not history_for(in_review).exists()


@pytest.mark.parametrize("action", ["return", "reject"])
def test_return_and_reject_refuse_get_outsiders_and_other_roles(client, in_review, action, daxing_reviewer,
                                                                 liaison1):
    url = reverse(f"cases:review-{action}", args=[in_review.pk])
    client.force_login(daxing_reviewer)
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(liaison1)
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Application.objects.get(pk=in_review.pk).status == S.IN_REVIEW


# ------------------------------------------------------------------ overrides

@pytest.fixture
def override_case(station1, shunyi_rules):
    return f.reviewed_application(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                  proposed_amount=Decimal("20000.00"), is_override=True,
                                  override_code="hardship_exceptional", amount_reason="两人同时患病")


def test_the_overrides_report_lists_every_exception_amount(client, approver, override_case, station1, shunyi_rules):
    f.reviewed_application(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category)
    client.force_login(approver)
    response = client.get(reverse("cases:override-report"))
    html = response.content.decode()
    assert [a.reference for a, _label in response.context["rows"]] == [override_case.reference]
    assert "两人同时患病" in html and "20,000.00" in html


def test_the_approver_confirms_an_exception_from_the_report(client, approver, override_case):
    client.force_login(approver)
    response = client.post(reverse("cases:override-confirm", args=[override_case.pk]))
    assert response.status_code == 302
    override_case.refresh_from_db()
    assert override_case.override_confirmed_by == approver
    assert [e.action for e in history_for(override_case)] == ["application.override_confirmed"]


def test_confirming_an_exception_refuses_get_outsiders_and_reviewers(client, override_case, reviewer, daxing):
    url = reverse("cases:override-confirm", args=[override_case.pk])
    client.force_login(reviewer)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    client.force_login(f.make_user("dx_approver", "approver", district=daxing))
    assert client.post(url).status_code == 404
    assert Application.objects.get(pk=override_case.pk).override_confirmed_at is None
