"""Inputs that once answered 500: each now gets a clear message, a 400 or a 404."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from reliefdesk.history import record_event
from tests import factories as f

pytestmark = pytest.mark.django_db

NUL = "ab\x00cd"


# --- next= on the payout pages ----------------------------------------------------------------

@pytest.mark.parametrize("target", ["payouts", "payouts:payout-detail", "cases/payouts/", "//evil.example/",
                                    "https://evil.example/", "\\\\evil.example"])
def test_a_next_without_a_leading_slash_falls_back_to_the_payout_list(client, finance, shunyi_fund, target):
    client.force_login(finance)
    response = client.post(reverse("payouts:payouts-mark-paid"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("payouts:payout-list")


def test_a_local_next_is_followed(client, finance, shunyi_fund):
    client.force_login(finance)
    target = reverse("payouts:sheet-list") + "?status=exported"
    response = client.post(reverse("payouts:payouts-mark-failed"), {"next": target})
    assert response["Location"] == target


# --- ?campaign= on the new-donation page ---------------------------------------------------------

@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "99999999999999999999", NUL])
def test_a_campaign_that_is_no_number_opens_an_empty_donation_form(client, finance, shunyi_fund, value):
    client.force_login(finance)
    response = client.get(reverse("donations:donation-create"), {"campaign": value})
    assert response.status_code in (200, 400)


def test_a_campaign_by_number_still_fills_in_its_fund(client, finance, shunyi_fund):
    campaign = f.CampaignFactory(fund=shunyi_fund)
    client.force_login(finance)
    response = client.get(reverse("donations:donation-create"), {"campaign": str(campaign.pk)})
    assert response.status_code == 200
    assert response.context["form"].initial["campaign"] == campaign


# --- the live estimate ---------------------------------------------------------------------------

@pytest.fixture
def draft(station1, shunyi_fund, medical, shunyi_rules):
    return f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical,
                                total_cost=Decimal("100000"), reimbursed=Decimal("38000"),
                                self_paid=Decimal("62000"))


@pytest.mark.parametrize("params, field", [
    ({"fund": "abc"}, "fund"), ({"category": "abc"}, "category"), ({"disease": "abc"}, "disease"),
    ({"fund": "1e400"}, "fund"), ({"disease": "-1"}, "disease"),
    ({"total_cost": "NaN"}, "total_cost"), ({"total_cost": "Infinity"}, "total_cost"),
    ({"total_cost": "1e999999"}, "total_cost"), ({"reimbursed": "-sNaN"}, "reimbursed"),
    ({"event_date": "2022-02-30"}, "event_date"), ({"event_date": "99999-01-01"}, "event_date"),
])
def test_the_live_estimate_names_the_field_it_cannot_read(client, liaison1, draft, params, field):
    client.force_login(liaison1)
    response = client.get(reverse("cases:estimate", args=[draft.pk]), {"total_cost": "100000", **params})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert body["field"] == field
    assert body["error"]


def test_the_live_estimate_still_answers_good_facts(client, liaison1, draft):
    client.force_login(liaison1)
    response = client.get(reverse("cases:estimate", args=[draft.pk]),
                          {"total_cost": "100000", "reimbursed": "38000", "event_date": "2022-05-01"})
    assert response.json()["ok"] is True
    assert response.json()["amount"] == "12,400.00"


# --- a NUL character in a search box ---------------------------------------------------------------

@pytest.mark.parametrize("url_name, user", [
    ("cases:application-list", "liaison1"),
    ("cases:review-queue", "reviewer"),
    ("cases:batch-list", "reviewer"),
    ("donations:donation-list", "finance"),
    ("donations:donor-list", "finance"),
    ("households:household-list", "reviewer"),
    ("payouts:payout-list", "finance"),
    ("payouts:sheet-list", "finance"),
    ("funds:fund-detail", "finance"),
])
def test_a_nul_character_in_a_search_box_is_refused_with_a_message(client, request, shunyi_fund, url_name, user):
    client.force_login(request.getfixturevalue(user))
    args = ["shunyi"] if url_name == "funds:fund-detail" else []
    for params in ({"q": NUL}, {"status": NUL}, {NUL: "x"}):
        response = client.get(reverse(url_name, args=args), params)
        assert response.status_code == 400
        assert "NUL" in response.content.decode()


def test_a_nul_character_in_a_posted_field_is_refused_and_nothing_is_stored(client, finance, shunyi_fund):
    from donations.models import Donor

    client.force_login(finance)
    response = client.post(reverse("donations:donor-create"), {"name": "顺义\x00建工", "kind": "unit"})
    assert response.status_code == 400
    assert not Donor.objects.exists()


def test_the_400_page_speaks_the_users_language(client, finance, shunyi_fund):
    client.force_login(finance)
    response = client.get(reverse("donations:donor-list"), {"q": NUL})
    assert "空字符" in response.content.decode()


# --- a history row without an actor ------------------------------------------------------------------

def test_a_system_action_in_a_cases_history_reads_system(client, liaison1, draft):
    record_event(draft, actor=None, action="application.submitted", from_status="draft", to_status="submitted")
    client.force_login(liaison1)
    response = client.get(reverse("cases:application-detail", args=[draft.pk]))
    assert response.status_code == 200
    history = response.content.decode().split('data-testid="history"')[1]
    assert "系统" in history


def test_a_named_actor_is_still_shown_by_name(client, liaison1, draft):
    liaison1.first_name, liaison1.last_name = "明", "张"
    liaison1.save()
    record_event(draft, actor=liaison1, action="application.submitted")
    client.force_login(liaison1)
    response = client.get(reverse("cases:application-detail", args=[draft.pk]))
    history = response.content.decode().split('data-testid="history"')[1]
    assert liaison1.get_full_name() in history
    assert "系统" not in history
