"""What-if: decided cases judged again under a draft, checked against figures worked out by hand."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funds.services import rule_set_revise, rule_set_save_tiers, rule_set_update
from funds.whatif import run_whatif
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
PERIOD = {"date_from": dt.date(2022, 1, 1), "date_to": dt.date(2022, 12, 31)}


@pytest.fixture
def draft(shunyi_rules, admin_user):
    draft = rule_set_revise(rule_set=shunyi_rules, actor=admin_user)
    rule_set_save_tiers(rule_set=draft, actor=admin_user, tiers=[
        {"lower": D("20000"), "upper": D("50000"), "kind": "rate", "rate": D("20")},
        {"lower": D("50000"), "upper": D("100000"), "kind": "rate", "rate": D("25")},
        {"lower": D("100000"), "upper": None, "kind": "fixed", "amount": D("35000")},
    ])
    return draft


def decided(fund, station, self_paid, granted, *, status="approved", event=dt.date(2022, 3, 1), member=None, **kw):
    extra = {"member": member} if member else {}
    return f.ApplicationFactory(fund=fund, station=station, status=status, total_cost=D(self_paid),
                                reimbursed=D("0"), awarded_amount=D(granted) if granted else None, event_date=event,
                                **extra, **kw)


@pytest.fixture
def cases(shunyi_rules, station1):
    fund = shunyi_rules.fund
    decided(fund, station1, "30000", "4500", reference="SY-2022-00001")
    decided(fund, station1, "62000", "12400", status="paid", reference="SY-2022-00002")
    decided(fund, station1, "120000", "30000", reference="SY-2022-00003")
    decided(fund, station1, "15000", "1000", reference="SY-2022-00004")          # an exception amount then
    decided(fund, station1, "62000", None, status="verified", reference="SY-2022-00005")  # not decided
    decided(fund, station1, "62000", "9300", event=dt.date(2021, 6, 1), reference="SY-2021-00001")  # other period


def test_the_draft_is_compared_with_what_was_granted_case_by_case(draft, cases):
    result = run_whatif(draft, **PERIOD)
    assert result.count == 4
    assert result.total_granted == D("47900.00")
    assert result.total_draft == D("56500.00")        # 6,000 + 15,500 + 35,000 + 0
    assert result.difference == D("8600.00")
    assert result.not_eligible == 1
    by_tier = {t.label: (t.count, t.granted, t.draft) for t in result.tiers}
    assert by_tier["2万–5万"] == (1, D("4500.00"), D("6000.00"))
    assert by_tier["10万以上"] == (1, D("30000.00"), D("35000.00"))
    assert by_tier["不符合条件"] == (1, D("1000.00"), D("0.00"))
    assert [c.reference for c in result.biggest_changes] == ["SY-2022-00003", "SY-2022-00002", "SY-2022-00001",
                                                            "SY-2022-00004"]


def test_earlier_awards_of_the_same_person_count_toward_the_drafts_annual_cap(draft, shunyi_rules, station1,
                                                                             admin_user):
    draft = rule_set_update(rule_set=draft, actor=admin_user, annual_cap=D("40000"))
    member = f.MemberFactory()
    decided(shunyi_rules.fund, station1, "62000", "12400", member=member, event=dt.date(2022, 3, 1))
    decided(shunyi_rules.fund, station1, "120000", "27600", member=member, event=dt.date(2022, 6, 1))
    result = run_whatif(draft, **PERIOD)
    assert result.total_draft == D("40000.00")        # 15,500, then what is left of 40,000: 24,500


def test_the_what_if_runs_in_a_fixed_number_of_queries(draft, cases, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        run_whatif(draft, **PERIOD)


def test_the_what_if_page_and_its_spreadsheet_show_the_same_totals(client, reviewer, draft, cases):
    client.force_login(reviewer)
    url = reverse("funds:rule-set-whatif", args=[draft.pk])
    params = {"date_from": "2022-01-01", "date_to": "2022-12-31"}
    page = client.get(url, params).content.decode()
    assert "47,900.00" in page and "56,500.00" in page and "8,600.00" in page
    response = client.get(reverse("funds:rule-set-whatif-export", args=[draft.pk]), params)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[1][2:6] == (4, 47900, 56500, 8600)
    changes = list(workbook["变化最大的案件"].iter_rows(values_only=True))
    assert changes[1][0] == "SY-2022-00003"


def test_a_period_ending_before_it_starts_is_a_field_error(client, reviewer, draft):
    client.force_login(reviewer)
    response = client.get(reverse("funds:rule-set-whatif", args=[draft.pk]),
                          {"date_from": "2022-12-31", "date_to": "2022-01-01"})
    assert "date_to" in response.context["form"].errors


def test_a_liaison_may_not_run_a_what_if(client, liaison1, draft):
    client.force_login(liaison1)
    assert client.get(reverse("funds:rule-set-whatif", args=[draft.pk])).status_code == 403
