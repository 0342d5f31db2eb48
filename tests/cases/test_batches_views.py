import datetime as dt
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import Application, Batch
from payouts.models import Payout
from cases.services import batches
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status
B = Batch.Status


@pytest.fixture
def funded(shunyi_fund):
    f.LedgerEntryFactory(fund=shunyi_fund, amount=Decimal("1000000.00"))
    return shunyi_fund


@pytest.fixture
def verified(station1, station2, shunyi_rules):
    names = ["张三明", "李四", "欧阳小明"]
    return [
        f.reviewed_application(station=station, fund=shunyi_rules.fund, category=shunyi_rules.category,
                               estimate_rule_set=shunyi_rules, member=f.MemberFactory(name=name),
                               proposed_amount=amount)
        for station, name, amount in ((station1, names[0], Decimal("12400.00")),
                                      (station1, names[1], Decimal("7500.00")),
                                      (station2, names[2], Decimal("30000.00")))
    ]


@pytest.fixture
def batch(funded, reviewer):
    batch = batches.batch_create(actor=reviewer, fund=funded, title="2022年第一季度第1批")
    # Made in early March 2022, so its notice may start from then on.
    Batch.objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(dt.datetime(2022, 3, 4, 9)))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def filled(batch, verified, reviewer):
    batches.batch_add_applications(batch=batch, applications=verified, actor=reviewer)
    return batch


@pytest.fixture
def noticed(filled, reviewer):
    # Started long ago, so its notice has ended by now.
    return batches.batch_start_notice(batch=filled, actor=reviewer, start=dt.date(2022, 3, 7),
                                      today=dt.date(2022, 3, 7))


# ------------------------------------------------------------------ list and create

def test_a_reviewer_creates_a_batch_from_the_form(client, reviewer, funded):
    client.force_login(reviewer)
    assert client.get(reverse("cases:batch-create")).status_code == 200
    response = client.post(reverse("cases:batch-create"), {"fund": funded.pk, "title": "2022年第一季度第3批"})
    batch = Batch.objects.get(title="2022年第一季度第3批")
    assert response.status_code == 302 and response.url == reverse("cases:batch-detail", args=[batch.pk])
    assert (batch.fund, batch.created_by, batch.status) == (funded, reviewer, B.DRAFT)


def test_a_duplicate_title_comes_back_with_the_error_on_the_title(client, reviewer, batch, funded):
    client.force_login(reviewer)
    response = client.post(reverse("cases:batch-create"), {"fund": funded.pk, "title": batch.title})
    assert "title" in response.context["form"].errors
    assert Batch.objects.count() == 1


def test_an_approver_cannot_create_a_batch(client, approver):
    client.force_login(approver)
    assert client.get(reverse("cases:batch-create")).status_code == 403


@pytest.mark.parametrize("count", [2, 20])
def test_the_batch_list_shows_counts_and_totals_at_a_fixed_query_cost(client, reviewer, funded, station1,
                                                                      shunyi_rules, count,
                                                                      django_assert_num_queries):
    for n in range(count):
        b = f.BatchFactory(fund=funded, title=f"批次{n}", created_by=reviewer)
        f.reviewed_application(station=station1, fund=funded, category=shunyi_rules.category, status=S.IN_BATCH,
                               batch=b)
    client.force_login(reviewer)
    with django_assert_num_queries(5):
        response = client.get(reverse("cases:batch-list"))
    batches_shown = list(response.context["page_obj"])
    assert len(batches_shown) == count
    assert all(b.case_count == 1 and b.total == Decimal("12400.00") for b in batches_shown)


def test_another_districts_batches_are_not_listed_and_their_pages_are_404(client, daxing_reviewer, filled):
    client.force_login(daxing_reviewer)
    assert filled.title not in client.get(reverse("cases:batch-list")).content.decode()
    assert client.get(reverse("cases:batch-detail", args=[filled.pk])).status_code == 404
    assert client.get(reverse("cases:batch-notice", args=[filled.pk])).status_code == 404


# ------------------------------------------------------------------ batch page

def test_the_batch_page_shows_totals_by_category_and_the_candidates(client, reviewer, batch, verified):
    client.force_login(reviewer)
    response = client.get(reverse("cases:batch-detail", args=[batch.pk]))
    assert [a.reference for a in response.context["candidate_page"]] == [a.reference for a in verified]
    batches.batch_add_applications(batch=batch, applications=verified[:2], actor=reviewer)
    response = client.get(reverse("cases:batch-detail", args=[batch.pk]))
    totals = response.context["totals"]
    assert (totals.count, totals.total) == (2, Decimal("19900.00"))
    assert [(row.name, row.count, row.total) for row in totals.by_category] == [("大病医疗救助", 2, Decimal("19900.00"))]
    assert [a.reference for a in response.context["candidate_page"]] == [verified[2].reference]


def test_adding_ticked_cases(client, reviewer, batch, verified):
    client.force_login(reviewer)
    response = client.post(reverse("cases:batch-add", args=[batch.pk]),
                           {"applications": [verified[0].pk, verified[2].pk]})
    assert response.status_code == 302
    assert set(batch.applications.values_list("pk", flat=True)) == {verified[0].pk, verified[2].pk}
    assert [e.action for e in history_for(verified[0])] == ["application.added_to_batch"]


def test_adding_refuses_get_outsiders_and_approvers(client, batch, verified, daxing_reviewer, approver):
    url = reverse("cases:batch-add", args=[batch.pk])
    client.force_login(approver)
    assert client.get(url).status_code == 405
    assert client.post(url, {"applications": [verified[0].pk]}).status_code == 403
    client.force_login(daxing_reviewer)
    assert client.post(url, {"applications": [verified[0].pk]}).status_code == 404
    assert not batch.applications.exists()


def test_removing_a_case_from_the_batch(client, reviewer, filled, verified):
    client.force_login(reviewer)
    url = reverse("cases:batch-remove", args=[filled.pk, verified[1].pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    case = Application.objects.get(pk=verified[1].pk)
    assert (case.status, case.batch) == (S.VERIFIED, None)
    assert [e.action for e in history_for(case)] == ["application.added_to_batch", "application.removed_from_batch"]


def test_starting_the_notice_from_the_batch_page(client, reviewer, filled, frozen_today):
    frozen_today(dt.date(2022, 3, 9))
    client.force_login(reviewer)
    url = reverse("cases:batch-start-notice", args=[filled.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"start": "2022-03-09", "days": "5"})
    assert response.status_code == 302
    filled.refresh_from_db()
    assert (filled.status, filled.notice_end) == (B.PUBLIC_NOTICE, dt.date(2022, 3, 15))
    assert [e.action for e in history_for(filled)] == ["batch.created", "batch.notice_started"]


def test_starting_the_notice_refuses_outsiders_and_approvers(client, filled, daxing_reviewer, approver):
    url = reverse("cases:batch-start-notice", args=[filled.pk])
    client.force_login(approver)
    assert client.post(url, {"start": "2022-03-09", "days": "5"}).status_code == 403
    client.force_login(daxing_reviewer)
    assert client.post(url, {"start": "2022-03-09", "days": "5"}).status_code == 404
    assert Batch.objects.get(pk=filled.pk).status == B.DRAFT


def test_an_empty_batch_cannot_start_its_notice(client, reviewer, batch):
    client.force_login(reviewer)
    response = client.post(reverse("cases:batch-start-notice", args=[batch.pk]), {"start": "2022-03-09", "days": "5"})
    assert response.status_code == 400
    assert Batch.objects.get(pk=batch.pk).status == B.DRAFT


# ------------------------------------------------------------------ notice

def test_the_public_notice_masks_names_and_id_numbers(client, reviewer, noticed, verified):
    client.force_login(reviewer)
    html = client.get(reverse("cases:batch-notice", args=[noticed.pk])).content.decode()
    assert "张*明" in html and "李*" in html and "欧**明" in html
    for case in verified:
        assert case.member.name not in html
        assert case.member.id_number not in html
        assert case.member.id_number[:6] + "********" + case.member.id_number[-4:] in html
    assert "2022-03-07" in html and "2022-03-11" in html
    assert "49,900.00" in html


def test_the_notice_spreadsheet_has_the_same_masked_rows(client, approver, noticed, verified):
    client.force_login(approver)
    response = client.get(reverse("cases:batch-notice-xlsx", args=[noticed.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"张*明", "李*", "欧**明"}
    assert by_name["李*"][2] == verified[1].member.id_number[:6] + "********" + verified[1].member.id_number[-4:]
    assert by_name["欧**明"][5] == 30000
    assert sheet.cell(row=2, column=6).number_format == "#,##0.00"


def test_a_draft_batch_has_no_notice_yet(client, reviewer, filled):
    client.force_login(reviewer)
    assert client.get(reverse("cases:batch-notice", args=[filled.pk])).status_code == 302


# ------------------------------------------------------------------ objection

def test_recording_an_objection_sends_the_case_back_to_review(client, reviewer, noticed, verified):
    client.force_login(reviewer)
    url = reverse("cases:batch-objection", args=[noticed.pk, verified[0].pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "群众反映收入情况不实"}).status_code == 302
    case = Application.objects.get(pk=verified[0].pk)
    assert (case.status, case.batch) == (S.IN_REVIEW, None)
    assert history_for(case).last().reason == "群众反映收入情况不实"


def test_an_objection_needs_its_text_and_a_reviewer(client, reviewer, approver, noticed, verified):
    url = reverse("cases:batch-objection", args=[noticed.pk, verified[0].pk])
    client.force_login(reviewer)
    client.post(url, {"reason": " "})
    client.force_login(approver)
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Application.objects.get(pk=verified[0].pk).status == S.IN_BATCH


# ------------------------------------------------------------------ send back and approve

def test_the_approver_sends_the_batch_back(client, approver, noticed):
    client.force_login(approver)
    url = reverse("cases:batch-send-back", args=[noticed.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"reason": "需补充入户调查材料"})
    assert response.status_code == 302
    noticed.refresh_from_db()
    assert (noticed.status, noticed.last_reason) == (B.DRAFT, "需补充入户调查材料")


def test_sending_back_refuses_reviewers_and_outsiders(client, reviewer, noticed, daxing):
    url = reverse("cases:batch-send-back", args=[noticed.pk])
    client.force_login(reviewer)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(f.make_user("dx_approver", "approver", district=daxing))
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Batch.objects.get(pk=noticed.pk).status == B.PUBLIC_NOTICE


APPROVAL = {"meeting_date": "2022-03-15", "minutes_reference": "顺工帮〔2022〕3号", "attendees": "赵审批、王审核"}


def test_the_approver_approves_after_the_notice(client, approver, noticed, verified):
    client.force_login(approver)
    url = reverse("cases:batch-approve", args=[noticed.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, APPROVAL)
    assert response.status_code == 302
    noticed.refresh_from_db()
    assert (noticed.status, noticed.minutes_reference) == (B.APPROVED, "顺工帮〔2022〕3号")
    assert Payout.objects.filter(batch=noticed).count() == 3
    for case in verified:
        assert [e.action for e in history_for(case)][-1] == "application.approved"
    assert [e.action for e in history_for(noticed)][-1] == "batch.approved"


def test_approval_refuses_reviewers_and_outsiders(client, reviewer, noticed, daxing):
    url = reverse("cases:batch-approve", args=[noticed.pk])
    client.force_login(reviewer)
    assert client.post(url, APPROVAL).status_code == 403
    client.force_login(f.make_user("dx_approver", "approver", district=daxing))
    assert client.post(url, APPROVAL).status_code == 404
    assert Batch.objects.get(pk=noticed.pk).status == B.PUBLIC_NOTICE
    assert not Payout.objects.exists()


def test_approval_before_the_notice_ends_is_refused_on_the_page(client, approver, filled, reviewer, frozen_today):
    import django.utils.timezone as tz

    frozen_today(dt.date(2022, 3, 7))
    batches.batch_start_notice(batch=filled, actor=reviewer, start=tz.localdate())
    client.force_login(approver)
    response = client.post(reverse("cases:batch-approve", args=[filled.pk]),
                           {**APPROVAL, "meeting_date": tz.localdate().isoformat()})
    assert response.status_code == 400
    notice_end = Batch.objects.get(pk=filled.pk).notice_end
    assert f"公示期至{notice_end:%Y-%m-%d}，批次自次日起方可批准。" in response.content.decode()
    assert Batch.objects.get(pk=filled.pk).status == B.PUBLIC_NOTICE


def test_a_shortfall_is_shown_with_its_amount_and_nothing_is_approved(client, approver, noticed, funded):
    f.LedgerEntryFactory(fund=funded, kind="adjustment", amount=Decimal("-980000.00"), description="调出")
    client.force_login(approver)
    response = client.post(reverse("cases:batch-approve", args=[noticed.pk]), APPROVAL)
    assert response.status_code == 400
    html = response.content.decode()
    assert "缺口29,900.00元" in html
    assert Batch.objects.get(pk=noticed.pk).status == B.PUBLIC_NOTICE
    assert not Payout.objects.exists()


def test_the_batch_page_shows_the_approver_the_fund_position(client, approver, noticed):
    client.force_login(approver)
    response = client.get(reverse("cases:batch-detail", args=[noticed.pk]))
    assert response.context["position"].available == Decimal("1000000.00")
    assert response.context["notice_over"] is True


def test_the_liaison_cannot_open_batches(client, liaison1, noticed):
    client.force_login(liaison1)
    assert client.get(reverse("cases:batch-list")).status_code == 403
    assert client.get(reverse("cases:batch-detail", args=[noticed.pk])).status_code == 403


def test_the_batch_timeline_names_each_step(client, reviewer, noticed):
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("cases:batch-detail", args=[noticed.pk]))
    labels = [str(e.action_label) for e in response.context["history"]]
    assert labels == ["Batch created", "Public notice started"]
    assert "Public notice started" in response.content.decode()


def _batch_page(client, batch, django_assert_max_num_queries, **params):
    with django_assert_max_num_queries(25) as captured:
        response = client.get(reverse("cases:batch-detail", args=[batch.pk]), params)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def test_the_batch_page_shows_fifty_cases_a_page_with_the_totals_of_all_at_a_fixed_query_cost(
        client, reviewer, funded, station1, station2, shunyi_rules, django_assert_max_num_queries):
    def batch_of(count, title):
        batch = f.BatchFactory(fund=funded, title=title, created_by=reviewer)
        for n in range(count):
            f.reviewed_application(station=station1 if n % 2 else station2, fund=funded,
                                   category=shunyi_rules.category, status=S.IN_BATCH, batch=batch,
                                   proposed_amount=Decimal("1000.50"))
        return batch

    small, big = batch_of(3, "小批次"), batch_of(60, "大批次")
    client.force_login(reviewer)

    _, small_queries = _batch_page(client, small, django_assert_max_num_queries)
    first, big_queries = _batch_page(client, big, django_assert_max_num_queries)
    second, _ = _batch_page(client, big, django_assert_max_num_queries, cases=2)

    assert big_queries == small_queries
    shown = [a.reference for a in first.context["applications"]] + [a.reference for a in second.context["applications"]]
    assert len(first.context["applications"]) == 50 and len(shown) == 60
    assert sorted(shown) == sorted(big.applications.values_list("reference", flat=True))
    for response in (first, second):
        assert (response.context["totals"].count, response.context["totals"].total) == (60, Decimal("60030.00"))
        assert "60,030.00" in response.content.decode()
    assert "cases=2" in first.content.decode()
