"""The household pages: each filing step's view, scoping, the lists' queries, the badge, bad input beside its field."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from households.models import FilingBatch, Household
from reliefdesk.history import history_for
from tests import factories as f
from tests.households.conftest import household_in, upload, with_filing_visit

pytestmark = pytest.mark.django_db

S = Household.Status
TODAY = dt.date.today


# (url name, starting status, acting user, outsider, wrong role, POST data, status after, history code)
STEPS = [
    ("household-submit", S.DRAFT, "liaison1", "liaison2", "reviewer", {}, S.SUBMITTED, "household.submitted"),
    ("household-withdraw", S.DRAFT, "liaison1", "liaison2", "reviewer", {"reason": "职工本人放弃。"}, S.WITHDRAWN,
     "household.withdrawn"),
    ("household-take", S.SUBMITTED, "reviewer", "daxing_reviewer", "liaison1", {}, S.IN_REVIEW, "household.taken"),
    ("household-return", S.IN_REVIEW, "reviewer", "daxing_reviewer", "liaison1", {"reason": "缺收入证明。"},
     S.RETURNED, "household.returned"),
    ("household-reject", S.IN_REVIEW, "reviewer", "daxing_reviewer", "approver", {"reason": "收入高于标准。"},
     S.REJECTED, "household.rejected"),
    ("household-verify", S.IN_REVIEW, "reviewer", "daxing_reviewer", "liaison1", {}, S.VERIFIED,
     "household.verified"),
    ("household-leave", S.ON_FILE, "reviewer", "daxing_reviewer", "liaison1",
     {"exit_reason": "recovered", "left_on": "TODAY"}, S.LEFT, "household.left"),
]
POST_ONLY = [step for step in STEPS if step[0] != "household-leave"]


@pytest.fixture
def cast(liaison1, liaison2, reviewer, approver, daxing_reviewer):
    return {"liaison1": liaison1, "liaison2": liaison2, "reviewer": reviewer, "approver": approver,
            "daxing_reviewer": daxing_reviewer}


def file_in(status, station, reviewer):
    household = household_in(status, station=station)
    return with_filing_visit(household, reviewer) if status == S.IN_REVIEW else household


def data_of(data):
    return {k: (TODAY().isoformat() if v == "TODAY" else v) for k, v in data.items()}


@pytest.mark.parametrize(("name", "start", "actor", "_o", "_w", "data", "after", "code"), STEPS,
                         ids=[s[0] for s in STEPS])
def test_each_step_changes_the_file_and_writes_one_history_row(client, cast, station1, name, start, actor, _o, _w,
                                                               data, after, code):
    household = file_in(start, station1, cast["reviewer"])
    client.force_login(cast[actor])
    response = client.post(reverse(f"households:{name}", args=[household.pk]), data_of(data))
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == after
    assert [e.action for e in history_for(household)] == [code]


@pytest.mark.parametrize(("name", "start", "actor"), [s[:3] for s in POST_ONLY], ids=[s[0] for s in POST_ONLY])
def test_a_step_is_post_only(client, cast, station1, name, start, actor):
    household = file_in(start, station1, cast["reviewer"])
    client.force_login(cast[actor])
    assert client.get(reverse(f"households:{name}", args=[household.pk])).status_code == 405


@pytest.mark.parametrize(("name", "start", "outsider", "data"), [(s[0], s[1], s[3], s[5]) for s in STEPS],
                         ids=[s[0] for s in STEPS])
def test_an_outsider_gets_404_and_nothing_changes(client, cast, station1, name, start, outsider, data):
    household = file_in(start, station1, cast["reviewer"])
    client.force_login(cast[outsider])
    assert client.post(reverse(f"households:{name}", args=[household.pk]), data_of(data)).status_code == 404
    household.refresh_from_db()
    assert household.status == start and not history_for(household).exists()


@pytest.mark.parametrize(("name", "start", "wrong", "data"), [(s[0], s[1], s[4], s[5]) for s in STEPS],
                         ids=[s[0] for s in STEPS])
def test_a_wrong_role_gets_403_and_nothing_changes(client, cast, station1, name, start, wrong, data):
    household = file_in(start, station1, cast["reviewer"])
    client.force_login(cast[wrong])
    assert client.post(reverse(f"households:{name}", args=[household.pk]), data_of(data)).status_code == 403
    household.refresh_from_db()
    assert household.status == start and not history_for(household).exists()


@pytest.mark.parametrize(("name", "actor", "data"), [("household-take", "reviewer", {}),
                                                     ("household-verify", "reviewer", {}),
                                                     ("household-submit", "liaison1", {})])
def test_a_step_the_state_does_not_allow_changes_nothing(client, cast, station1, name, actor, data):
    household = household_in(S.ON_FILE, station=station1)
    client.force_login(cast[actor])
    response = client.post(reverse(f"households:{name}", args=[household.pk]), data, follow=True)
    assert response.status_code == 200
    household.refresh_from_db()
    assert household.status == S.ON_FILE and not history_for(household).exists()
    assert list(response.context["messages"])


def test_a_reason_left_empty_stays_beside_its_field_and_changes_nothing(client, reviewer, station1):
    household = household_in(S.IN_REVIEW, station=station1)
    client.force_login(reviewer)
    response = client.post(reverse("households:household-return", args=[household.pk]), {"reason": " "})
    assert response.status_code == 400
    assert response.context["reason_form"].errors["reason"]
    household.refresh_from_db()
    assert household.status == S.IN_REVIEW


# --- scope -----------------------------------------------------------------------------

def test_another_stations_liaison_and_another_districts_reviewer_get_404_on_a_household(
        client, station1, liaison2, daxing_reviewer, liaison1):
    household = household_in(S.ON_FILE, station=station1)
    for user in (liaison2, daxing_reviewer):
        client.force_login(user)
        for name in ("household-detail", "household-edit", "person-new", "household-visit", "household-review",
                     "household-leave", "measure-new"):
            assert client.get(reverse(f"households:{name}", args=[household.pk])).status_code in (403, 404)
        assert client.get(reverse("households:household-detail", args=[household.pk])).status_code == 404
        assert household.reference not in client.get(reverse("households:household-list")).content.decode()
    client.force_login(liaison1)
    assert client.get(reverse("households:household-detail", args=[household.pk])).status_code == 200


def test_a_document_is_served_only_inside_the_scope(client, station1, reviewer, daxing_reviewer, frozen_today):
    from households.services.filing import household_record_visit

    household = household_in(S.IN_REVIEW, station=station1)
    visit = household_record_visit(actor=reviewer, household=household, visited_on=TODAY(), visitors="王审核",
                                   findings="……", files=[upload()])
    document = visit.documents.get()
    url = reverse("households:document-download", args=[household.pk, document.pk])
    client.force_login(daxing_reviewer)
    assert client.get(url).status_code == 404
    client.force_login(reviewer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


# --- lists -------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [2, 20])
def test_the_household_list_costs_the_same_queries_for_2_and_20_files(client, reviewer, station1, count,
                                                                      django_assert_num_queries):
    for _ in range(count):
        f.HouseholdPersonFactory(household=household_in(S.ON_FILE, station=station1))
    client.force_login(reviewer)
    with django_assert_num_queries(6):
        response = client.get(reverse("households:household-list") + "?status=on_file&cause=illness")
    assert response.context["page_obj"].paginator.count == count
    assert all(h.people == 2 for h in response.context["page_obj"])


@pytest.mark.parametrize("count", [2, 20])
def test_the_due_list_costs_the_same_queries_for_2_and_20_files(client, reviewer, station1, count,
                                                                django_assert_num_queries):
    for _ in range(count):
        household_in(S.ON_FILE, station=station1, next_review_due=TODAY() - dt.timedelta(days=3))
    client.force_login(reviewer)
    with django_assert_num_queries(6):
        response = client.get(reverse("households:review-due"))
    assert [late for _h, late, _a in response.context["rows"]] == [3] * count


def test_the_list_masks_id_numbers_and_filters_by_cause_civil_status_and_single_parent(client, reviewer, station1):
    poor = household_in(S.ON_FILE, station=station1, causes=["schooling"], civil_status="dibao",
                        civil_status_from=dt.date(2024, 1, 1), single_parent=True)
    other = household_in(S.ON_FILE, station=station1, causes=["illness"])
    client.force_login(reviewer)
    html = client.get(reverse("households:household-list")).content.decode()
    assert poor.head.id_number not in html and poor.head.id_number[-4:] in html
    for query in ("cause=schooling", "civil_status=dibao", "single_parent=on"):
        page = client.get(reverse("households:household-list") + "?" + query).context["page_obj"]
        assert [h.pk for h in page] == [poor.pk], query
    assert other.pk in [h.pk for h in client.get(reverse("households:household-list")).context["page_obj"]]


def test_the_due_list_shows_days_overdue_and_filters_by_station(client, reviewer, station1, station2):
    late = household_in(S.ON_FILE, station=station1, next_review_due=TODAY() - dt.timedelta(days=40))
    soon = household_in(S.ON_FILE, station=station2, next_review_due=TODAY() + dt.timedelta(days=10))
    household_in(S.ON_FILE, station=station2, next_review_due=TODAY() + dt.timedelta(days=200))
    client.force_login(reviewer)
    rows = client.get(reverse("households:review-due")).context["rows"]
    assert [(h.pk, days) for h, days, _a in rows] == [(late.pk, 40), (soon.pk, -10)]
    rows = client.get(reverse("households:review-due") + f"?station={station2.pk}&within=0").context["rows"]
    assert rows == []


# --- forms keep what was typed ---------------------------------------------------------------

def test_a_head_with_a_live_file_is_refused_beside_the_field_naming_it(client, liaison1, station1):
    household = household_in(S.ON_FILE, station=station1)
    client.force_login(liaison1)
    response = client.post(reverse("households:household-new"), {
        "head": household.head.id_number, "station": station1.pk, "monthly_income": "1800", "civil_status": "none",
        "narrative": "孩子上大学。"})
    assert response.status_code == 400
    assert household.reference in " ".join(response.context["form"].errors["head"])
    assert response.context["form"]["narrative"].value() == "孩子上大学。"
    assert Household.objects.count() == 1


def test_an_unregistered_head_is_refused_beside_the_field(client, liaison1, station1):
    client.force_login(liaison1)
    response = client.post(reverse("households:household-new"), {
        "head": f.make_id_number(seq=777), "station": station1.pk, "monthly_income": "0", "civil_status": "none"})
    assert response.status_code == 400 and response.context["form"].errors["head"]


def test_a_person_with_a_bad_id_number_stays_in_the_form_with_the_error_beside_it(client, liaison1, station1):
    household = household_in(S.DRAFT, station=station1, created_by=liaison1)
    client.force_login(liaison1)
    response = client.post(reverse("households:person-new", args=[household.pk]), {
        "relation": "child", "name": "王小明", "id_number": "110105200606080170", "health": "healthy",
        "school_level": "senior", "in_school": "on", "monthly_income": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["id_number"]
    assert response.context["form"]["name"].value() == "王小明"
    assert not household.persons.exists()


def test_a_liaison_files_a_household_from_the_pages(client, liaison1, station1, head):
    client.force_login(liaison1)
    response = client.post(reverse("households:household-new"), {
        "head": head.id_number, "station": station1.pk, "monthly_income": "2400", "causes": ["illness", "schooling"],
        "civil_status": "dibao", "civil_status_from": "2024-01-01", "narrative": "妻子肾出血，孩子读高中。"})
    household = Household.objects.get()
    assert response.status_code == 302
    response = client.post(reverse("households:person-new", args=[household.pk]), {
        "relation": "child", "name": "王小明", "id_number": f.make_id_number(birth=dt.date(2008, 6, 8), seq=17),
        "health": "healthy", "school_level": "senior", "in_school": "on", "monthly_income": "0"})
    assert response.status_code == 302
    client.post(reverse("households:household-submit", args=[household.pk]))
    household.refresh_from_db()
    assert household.status == S.SUBMITTED and household.size == 2
    page = client.get(reverse("households:household-detail", args=[household.pk])).content.decode()
    assert "1,200.00" in page  # 2,400 a month for two people


# --- the badge on application pages ---------------------------------------------------------

def test_application_pages_show_the_badge_of_a_household_on_file(client, reviewer, liaison1, station1, station2,
                                                                 shunyi_rules):
    household = household_in(S.ON_FILE, station=station2)
    spouse = f.HouseholdPersonFactory(household=household)
    member = f.MemberFactory(id_number=spouse.id_number, name=spouse.name)
    case = f.ApplicationFactory(member=member, station=station1, fund=shunyi_rules.fund,
                                category=shunyi_rules.category, status="submitted", submitted_at=timezone.now())
    client.force_login(reviewer)
    html = client.get(reverse("cases:review", args=[case.pk])).content.decode()
    assert household.reference in html
    assert reverse("households:household-detail", args=[household.pk]) in html
    client.force_login(liaison1)  # sees the case at his station, not the household at station 2
    html = client.get(reverse("cases:application-detail", args=[case.pk])).content.decode()
    assert 'data-badge="household-on-file"' in html
    assert reverse("households:household-detail", args=[household.pk]) not in html


def test_the_member_page_lists_the_household_files_he_heads_or_lives_in(client, reviewer, station1):
    old = household_in(S.LEFT, station=station1, left_on=dt.date(2019, 3, 18), exit_reason="own_request")
    current = household_in(S.ON_FILE, station=station1, head=old.head)
    client.force_login(reviewer)
    html = client.get(reverse("cases:member-detail", args=[old.head.pk])).content.decode()
    assert 'data-testid="member-household-files"' in html
    assert old.reference in html and current.reference in html
    spouse = f.HouseholdPersonFactory(household=current)
    lives_with = f.MemberFactory(id_number=spouse.id_number, name=spouse.name, stations=[station1])
    html = client.get(reverse("cases:member-detail", args=[lives_with.pk])).content.decode()
    assert current.reference in html and old.reference not in html


def test_a_household_that_left_shows_no_badge(client, reviewer, station1, shunyi_rules):
    household = household_in(S.LEFT, station=station1, left_on=dt.date(2024, 1, 1), exit_reason="recovered")
    case = f.ApplicationFactory(member=household.head, station=station1, fund=shunyi_rules.fund,
                                category=shunyi_rules.category, status="submitted", submitted_at=timezone.now())
    client.force_login(reviewer)
    assert 'data-badge="household-on-file"' not in client.get(reverse("cases:review", args=[case.pk])).content.decode()


# --- the household page ------------------------------------------------------------------------

def test_the_household_page_lists_awards_to_the_head_and_his_family_with_totals_per_year(
        client, reviewer, station1, shunyi_fund):
    household = household_in(S.ON_FILE, station=station1)
    spouse = f.HouseholdPersonFactory(household=household)
    paid = f.PayoutFactory(application__member=household.head, application__station=station1,
                           application__fund=shunyi_fund, status="paid", paid_on=dt.date(2023, 5, 4),
                           amount=Decimal("12400.00"))
    f.PayoutFactory(application__member__id_number=spouse.id_number, application__station=station1,
                    application__fund=shunyi_fund, status="paid", paid_on=dt.date(2023, 9, 1),
                    payee_id_number=spouse.id_number, amount=Decimal("3000.00"))
    f.PayoutFactory(application__station=station1, application__fund=shunyi_fund, status="paid",
                    paid_on=dt.date(2023, 9, 1))  # someone else's
    client.force_login(reviewer)
    payments = client.get(reverse("households:household-detail", args=[household.pk])).context["payments"]
    assert [(y.year, y.count, y.amount) for y in payments.years] == [(2023, 2, Decimal("15400.00"))]
    assert paid.application.reference in [line.reference for line in payments.lines]


def test_the_filing_notice_masks_names_and_id_numbers_and_reads_the_causes(client, reviewer, station1):
    household = household_in(S.IN_BATCH, station=station1, causes=["illness", "schooling"])
    batch = f.FilingBatchFactory(district=station1.district, status=FilingBatch.Status.PUBLIC_NOTICE,
                                 notice_start=dt.date(2026, 9, 7), notice_days=5, notice_end=dt.date(2026, 9, 11))
    Household.objects.filter(pk=household.pk).update(filing_batch=batch)
    client.force_login(reviewer)
    html = client.get(reverse("households:batch-notice", args=[batch.pk])).content.decode()
    assert household.head.name not in html and household.head.id_number not in html
    assert household.head.id_number[-4:] in html
    assert "因病、因学" in html
    response = client.get(reverse("households:batch-notice-xlsx", args=[batch.pk]))
    assert response.status_code == 200
