"""A member's card changed after approval reaches his pending payouts only through finance's explicit step."""
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Application
from cases.services import intake as svc
from payouts.models import Payout
from payouts.services import payouts_apply_member_card
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

OLD_CARD = f.luhn_complete("622202020000123456")
NEW_CARD = f.luhn_complete("621700000099887766")


@pytest.fixture
def member(station1):
    return f.MemberFactory(name="王建国", card_number=OLD_CARD, bank_name="中国工商银行北京顺义支行", stations=[station1])


@pytest.fixture
def payouts(member, shunyi_fund, station1):
    batch = f.BatchFactory(fund=shunyi_fund, status="approved")
    pending = f.PayoutFactory(application__member=member, application__fund=shunyi_fund,
                              application__station=station1, application__batch=batch, batch=batch)
    in_sheet = f.PayoutFactory(application__member=member, application__fund=shunyi_fund,
                               application__station=station1, application__batch=batch, batch=batch,
                               status=Payout.Status.IN_SHEET)
    f.PayoutSheetLineFactory(payout=in_sheet, sheet__fund=shunyi_fund)
    return pending, in_sheet


@pytest.fixture
def new_card(member, liaison1, payouts):
    svc.member_update(actor=liaison1, member=member, card_number=NEW_CARD, bank_name="中国建设银行北京顺义支行")
    member.refresh_from_db()
    return member


def test_a_changed_card_leaves_the_approved_payouts_as_they_were(new_card, payouts):
    pending, in_sheet = payouts
    pending.refresh_from_db()
    in_sheet.refresh_from_db()
    assert pending.card_number == OLD_CARD and in_sheet.card_number == OLD_CARD


def test_finance_sees_the_pending_payout_on_the_member_page_and_applies_the_new_card(client, finance, new_card,
                                                                                      payouts):
    pending, in_sheet = payouts
    client.force_login(finance)
    member_page = reverse("cases:member-detail", args=[new_card.pk])
    response = client.get(member_page)
    assert 'data-testid="panel-payouts-card"' in response.content.decode()
    (panel,) = [p for p in response.context["panels"] if p.key == "payouts-card"]
    assert pending.application.reference in panel.html and in_sheet.application.reference not in panel.html
    response = client.post(reverse("payouts:payouts-apply-member-card", args=[new_card.pk]),
                           {"payouts": [pending.pk], "next": member_page})
    assert response.status_code == 302 and response.url == member_page
    pending.refresh_from_db()
    in_sheet.refresh_from_db()
    assert (pending.card_number, pending.bank_name) == (NEW_CARD, "中国建设银行北京顺义支行")
    assert in_sheet.card_number == OLD_CARD
    event = history_for(pending).get(action="payout.card_updated")
    assert event.actor == finance
    assert event.data["old_card"].endswith(OLD_CARD[-4:]) and event.data["new_card"].endswith(NEW_CARD[-4:])
    assert 'data-testid="panel-payouts-card"' not in client.get(member_page).content.decode()


def test_the_payout_page_lists_the_payouts_waiting_for_the_new_card(client, finance, new_card, payouts):
    pending, _in_sheet = payouts
    client.force_login(finance)
    html = client.get(reverse("payouts:payout-detail", args=[pending.pk])).content.decode()
    assert 'data-testid="card-change"' in html
    assert reverse("payouts:payouts-apply-member-card", args=[new_card.pk]) in html


def test_a_payout_in_a_live_sheet_is_refused_and_nothing_changes(finance, new_card, payouts):
    pending, in_sheet = payouts
    with pytest.raises(DomainError):
        payouts_apply_member_card(actor=finance, member=new_card, payouts=[pending, in_sheet])
    pending.refresh_from_db()
    assert pending.card_number == OLD_CARD
    assert not history_for(pending).filter(action="payout.card_updated").exists()


def test_another_districts_finance_gets_404_and_a_liaison_403(client, daxing_finance, liaison1, new_card, payouts):
    pending, _in_sheet = payouts
    apply = reverse("payouts:payouts-apply-member-card", args=[new_card.pk])
    client.force_login(daxing_finance)
    assert client.post(apply, {"payouts": [pending.pk]}).status_code == 404
    client.force_login(liaison1)
    assert client.post(apply, {"payouts": [pending.pk]}).status_code == 403
    assert 'data-testid="panel-payouts-card"' not in client.get(
        reverse("cases:member-detail", args=[new_card.pk])).content.decode()
    pending.refresh_from_db()
    assert pending.card_number == OLD_CARD


def test_another_members_payout_cannot_take_this_members_card(finance, new_card, shunyi_fund, station1):
    other = f.make_payouts(1, fund=shunyi_fund, station=station1, amounts=[Decimal("5000.00")])[0]
    with pytest.raises(DomainError):
        payouts_apply_member_card(actor=finance, member=new_card, payouts=[other])
    assert Application.objects.get(pk=other.application_id).member_id != new_card.pk
