"""Fund pages: who sees which fund, the ledger, adjustments and reversals, try-it, editing, revise and activate."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds import ledger
from funds.models import LedgerEntry, RuleSet, Tier
from reliefdesk.models import HistoryEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def opened(shunyi_fund, admin_user):
    return ledger.ledger_post_opening_balance(fund=shunyi_fund, amount=D("800000"), actor=admin_user,
                                       booked_on=dt.date(2022, 1, 1))


def fund_url(name, fund, *args):
    return reverse(f"funds:{name}", args=[fund.slug, *args])


# --- visibility -------------------------------------------------------------

def test_a_shunyi_reviewer_sees_his_fund_and_gets_404_on_the_daxing_fund(client, reviewer, shunyi_fund, daxing_fund,
                                                                         opened):
    client.force_login(reviewer)
    listing = client.get(reverse("funds:fund-list"))
    assert shunyi_fund.name in listing.content.decode()
    assert daxing_fund.name not in listing.content.decode()
    assert client.get(fund_url("fund-detail", shunyi_fund)).status_code == 200
    assert client.get(fund_url("fund-detail", daxing_fund)).status_code == 404
    assert client.get(fund_url("rule-timeline", daxing_fund)).status_code == 404


def test_a_city_wide_fund_is_visible_to_every_district(client, daxing_reviewer):
    city = f.FundFactory(slug="city", name="市总工会困难职工帮扶", district=None)
    client.force_login(daxing_reviewer)
    assert client.get(fund_url("fund-detail", city)).status_code == 200


def test_a_liaison_sees_the_rules_of_his_district_but_not_the_ledger(client, liaison1, shunyi_rules):
    client.force_login(liaison1)
    assert client.get(fund_url("fund-detail", shunyi_rules.fund)).status_code == 403
    assert client.get(fund_url("rule-timeline", shunyi_rules.fund)).status_code == 200
    assert client.get(reverse("funds:rule-set-try", args=[shunyi_rules.pk])).status_code == 200


def test_a_daxing_user_gets_404_on_a_shunyi_rule_set(client, daxing_reviewer, shunyi_rules):
    client.force_login(daxing_reviewer)
    assert client.get(reverse("funds:rule-set-detail", args=[shunyi_rules.pk])).status_code == 404
    assert client.get(reverse("funds:rule-set-try", args=[shunyi_rules.pk])).status_code == 404


# --- money ------------------------------------------------------------------

def test_the_fund_page_shows_balance_committed_and_available(client, finance, shunyi_fund, station1, opened):
    application = f.ApplicationFactory(fund=shunyi_fund, station=station1, status="approved",
                                       awarded_amount=D("12400"))
    f.PayoutFactory(application=application)
    client.force_login(finance)
    page = client.get(fund_url("fund-detail", shunyi_fund)).content.decode()
    assert "800,000.00" in page
    assert "12,400.00" in page
    assert "787,600.00" in page


@pytest.mark.parametrize("rows", [2, 20])
def test_the_ledger_list_costs_the_same_queries_for_2_and_20_rows(client, finance, shunyi_fund, station1, rows,
                                                                  django_assert_num_queries):
    for index in range(rows // 2):
        f.LedgerEntryFactory(fund=shunyi_fund, amount=D("100") + index, kind="adjustment", reason="r")
        # A paid payout and its debit (the factory books it as recording the payment does).
        f.PayoutFactory(application=f.ApplicationFactory(fund=shunyi_fund, station=station1,
                                                         status="paid", awarded_amount=D("10")),
                        status="paid")
    client.force_login(finance)
    client.get(fund_url("fund-detail", shunyi_fund))  # warm the session and content types
    # 10, and three for the ledger's balances: the period's opening and closing balance, the foot totals of
    # the filtered rows, and the running balance of the page's rows.
    with django_assert_num_queries(10):
        response = client.get(fund_url("fund-detail", shunyi_fund))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == rows + 1


def test_the_ledger_is_filtered_and_exported_with_numeric_amounts(client, finance, shunyi_fund, opened):
    ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D("-250.50"), reason="银行手续费", actor=finance,
                           booked_on=dt.date(2022, 3, 1))
    client.force_login(finance)
    filtered = client.get(fund_url("fund-detail", shunyi_fund), {"kind": "adjustment"}).content.decode()
    assert "银行手续费" in filtered
    assert "800,000.00</td>" not in filtered
    response = client.get(fund_url("ledger-export", shunyi_fund))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["台账"].iter_rows(values_only=True))
    assert rows[0][:3] == ("日期", "类别", "金额(元)")
    amounts = sorted(row[2] for row in rows[1:])
    assert amounts == [-250.5, 800000]


def test_finance_books_an_adjustment_and_one_history_row_is_written(client, finance, shunyi_fund, opened):
    client.force_login(finance)
    response = client.post(fund_url("fund-adjust", shunyi_fund),
                           {"amount": "-100.00", "booked_on": "2022-04-01", "reason": "手续费"})
    assert response.status_code == 302
    assert LedgerEntry.objects.filter(kind="adjustment", amount=D("-100.00")).count() == 1
    assert HistoryEvent.objects.filter(action="fund.adjusted").count() == 1


def test_an_adjustment_without_a_reason_comes_back_with_the_error(client, finance, shunyi_fund, opened):
    client.force_login(finance)
    response = client.post(fund_url("fund-adjust", shunyi_fund), {"amount": "-100.00", "booked_on": "2022-04-01"})
    assert response.status_code == 400
    assert LedgerEntry.objects.count() == 1


def test_adjusting_is_post_only_for_finance_in_scope(client, finance, reviewer, daxing_finance, shunyi_fund, opened):
    data = {"amount": "1", "booked_on": "2022-04-01", "reason": "x"}
    client.force_login(finance)
    assert client.get(fund_url("fund-adjust", shunyi_fund)).status_code == 405
    client.force_login(reviewer)
    assert client.post(fund_url("fund-adjust", shunyi_fund), data).status_code == 403
    client.force_login(daxing_finance)
    assert client.post(fund_url("fund-adjust", shunyi_fund), data).status_code == 404
    assert LedgerEntry.objects.count() == 1


def test_finance_reverses_an_entry_once(client, finance, reviewer, shunyi_fund, opened):
    url = fund_url("entry-reverse", shunyi_fund, opened.pk)
    client.force_login(reviewer)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(finance)
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "期初录错"}).status_code == 302
    assert client.post(url, {"reason": "again"}).status_code == 302
    assert LedgerEntry.objects.filter(kind="reversal").count() == 1
    assert HistoryEvent.objects.filter(action="fund.entry_reversed").count() == 1


# --- rule sets --------------------------------------------------------------

def test_the_rule_set_page_shows_tiers_and_a_chart(client, reviewer, shunyi_rules):
    client.force_login(reviewer)
    page = client.get(reverse("funds:rule-set-detail", args=[shunyi_rules.pk])).content.decode()
    assert "<svg" in page and 'data-testid="aid-chart"' in page
    assert "100,000.00" in page and "30,000.00" in page


def test_the_timeline_draws_each_version_as_a_bar(client, reviewer, shunyi_rules):
    client.force_login(reviewer)
    page = client.get(fund_url("rule-timeline", shunyi_rules.fund)).content.decode()
    assert 'data-testid="timeline"' in page
    assert "<rect" in page and shunyi_rules.version_name in page


def test_try_it_gives_the_amount_and_its_explanation(client, liaison1, shunyi_rules):
    client.force_login(liaison1)
    response = client.get(reverse("funds:rule-set-try", args=[shunyi_rules.pk]),
                          {"basis_amount": "62000", "event_date": "2022-03-01", "submission_date": "2022-03-20",
                           "is_member": "on"})
    page = response.content.decode()
    assert "12,400.00" in page
    assert "自付 62,000.00 元，属 5万–10万 档，按 20% 计 12,400.00 元" in page


def test_try_it_with_bad_input_shows_field_errors(client, liaison1, shunyi_rules):
    client.force_login(liaison1)
    response = client.get(reverse("funds:rule-set-try", args=[shunyi_rules.pk]),
                          {"basis_amount": "abc", "event_date": "2022-03-20", "submission_date": "2022-03-01"})
    form = response.context["form"]
    assert "basis_amount" in form.errors
    assert "submission_date" in form.errors
    assert response.context["result"] is None


def test_an_administrator_revises_edits_and_activates_a_version(client, admin_user, shunyi_rules):
    client.force_login(admin_user)
    response = client.post(reverse("funds:rule-set-revise", args=[shunyi_rules.pk]))
    draft = RuleSet.objects.get(revised_from=shunyi_rules)
    assert response.url == reverse("funds:rule-set-edit", args=[draft.pk])
    assert client.get(response.url).status_code == 200
    data = {
        "version_name": "2025年修订", "effective_from": "2025-01-01", "effective_to": "", "date_basis": "event",
        "basis": "self_paid", "minimum_basis": "20000", "case_cap": "", "annual_cap": "", "case_minimum": "",
        "max_awards_per_year": "", "window_days": "", "membership_required": "on", "rounding": "cent",
        "source_note": "test",
        "tiers-TOTAL_FORMS": "2", "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "0", "tiers-MAX_NUM_FORMS": "1000",
        "tiers-0-lower": "20000", "tiers-0-upper": "60000", "tiers-0-kind": "rate", "tiers-0-rate": "25",
        "tiers-1-lower": "60000", "tiers-1-upper": "", "tiers-1-kind": "fixed", "tiers-1-amount": "35000",
    }
    assert client.post(reverse("funds:rule-set-edit", args=[draft.pk]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.version_name == "2025年修订"
    assert [(t.lower, t.kind) for t in draft.tiers.order_by("lower")] == [(D("20000.00"), "rate"),
                                                                        (D("60000.00"), "fixed")]
    url = reverse("funds:rule-set-activate", args=[draft.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"effective_from": "2025-01-01"}).status_code == 302
    shunyi_rules.refresh_from_db()
    assert shunyi_rules.effective_to == dt.date(2024, 12, 31)
    assert RuleSet.objects.get(pk=draft.pk).status == "active"
    assert HistoryEvent.objects.filter(object_id=draft.pk, action="rule_set.activated").count() == 1


def test_overlapping_tiers_in_the_formset_come_back_with_an_error(client, admin_user, shunyi_rules):
    client.force_login(admin_user)
    draft = RuleSet.objects.get(pk=client.post(reverse("funds:rule-set-revise", args=[shunyi_rules.pk]))
                                .url.split("/")[-3])
    data = {
        "version_name": "x", "effective_from": "2025-01-01", "date_basis": "event", "basis": "self_paid",
        "membership_required": "on", "rounding": "cent",
        "tiers-TOTAL_FORMS": "2", "tiers-INITIAL_FORMS": "0", "tiers-MIN_NUM_FORMS": "0", "tiers-MAX_NUM_FORMS": "1000",
        "tiers-0-lower": "0", "tiers-0-upper": "500", "tiers-0-kind": "rate", "tiers-0-rate": "25",
        "tiers-1-lower": "400", "tiers-1-upper": "", "tiers-1-kind": "rate", "tiers-1-rate": "",
    }
    response = client.post(reverse("funds:rule-set-edit", args=[draft.pk]), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[1].errors["rate"]
    assert draft.tiers.count() == 3


def test_editing_a_used_version_is_refused(client, admin_user, shunyi_rules, station1):
    draft = f.RuleSetFactory(fund=shunyi_rules.fund, category=shunyi_rules.category, status="draft")
    f.TierFactory(rule_set=draft)
    f.ApplicationFactory(fund=shunyi_rules.fund, station=station1, status="approved", awarded_rule_set=draft)
    client.force_login(admin_user)
    url = reverse("funds:rule-set-edit", args=[draft.pk])
    assert client.get(url).status_code == 302
    client.post(url, {"version_name": "changed", "tiers-TOTAL_FORMS": "0", "tiers-INITIAL_FORMS": "0"})
    draft.refresh_from_db()
    assert draft.version_name != "changed"
    assert Tier.objects.filter(rule_set=draft).count() == 1
    assert client.get(reverse("funds:rule-set-edit", args=[shunyi_rules.pk])).status_code == 302


def test_only_an_administrator_revises_or_activates(client, reviewer, shunyi_rules):
    client.force_login(reviewer)
    assert client.post(reverse("funds:rule-set-revise", args=[shunyi_rules.pk])).status_code == 403
    assert client.post(reverse("funds:rule-set-activate", args=[shunyi_rules.pk]),
                       {"effective_from": "2025-01-01"}).status_code == 403
    assert client.get(reverse("funds:rule-set-edit", args=[shunyi_rules.pk])).status_code == 403
    assert RuleSet.objects.count() == 1


def test_activating_into_an_overlap_changes_nothing(client, admin_user, shunyi_rules):
    client.force_login(admin_user)
    client.post(reverse("funds:rule-set-revise", args=[shunyi_rules.pk]))
    draft = RuleSet.objects.get(revised_from=shunyi_rules)
    response = client.post(reverse("funds:rule-set-activate", args=[draft.pk]), {"effective_from": "2021-06-01"})
    assert response.status_code == 400
    draft.refresh_from_db()
    shunyi_rules.refresh_from_db()
    assert draft.status == "draft"
    assert shunyi_rules.effective_to is None


@pytest.mark.parametrize("extra_funds", [1, 8])
def test_the_fund_list_costs_the_same_queries_however_many_funds(client, admin_user, shunyi_fund, extra_funds,
                                                                 django_assert_num_queries):
    for n in range(extra_funds):
        fund = f.FundFactory(slug=f"fund-{n}", name=f"基金{n}", district=shunyi_fund.district)
        f.LedgerEntryFactory(fund=fund, amount=D("1000") + n)
    client.force_login(admin_user)
    client.get(reverse("funds:fund-list"))
    with django_assert_num_queries(5):
        page = client.get(reverse("funds:fund-list")).content.decode()
    assert "1,000.00" in page


def test_the_rule_set_history_names_each_action(client, admin_user, shunyi_rules):
    client.force_login(admin_user)
    client.post(reverse("funds:rule-set-revise", args=[shunyi_rules.pk]))
    draft = RuleSet.objects.get(revised_from=shunyi_rules)
    response = client.get(reverse("funds:rule-set-detail", args=[draft.pk]))
    assert [str(e.action_label) for e in response.context["history"]] == ["已起草修订版"]
