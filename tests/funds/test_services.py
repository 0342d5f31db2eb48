"""Revising, editing and activating rule sets: a used version is never edited."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from funds.errors import RuleSetLocked
from funds.models import RuleSet, Tier
from funds.selectors import rule_set_in_force
from funds.services import rule_set_activate, rule_set_revise, rule_set_save_tiers, rule_set_update
from reliefdesk.errors import DomainError
from reliefdesk.models import HistoryEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def tiers_of(rule_set):
    return [(t.lower, t.upper, t.kind, t.rate, t.amount) for t in rule_set.tiers.order_by("lower")]


def test_a_revision_is_a_draft_copy_with_the_same_tiers_and_diseases(shunyi_rules, admin_user):
    disease = f.DiseaseFactory()
    shunyi_rules.diseases.add(disease)
    draft = rule_set_revise(rule_set=shunyi_rules, actor=admin_user)
    assert draft.status == RuleSet.Status.DRAFT
    assert draft.revised_from == shunyi_rules
    assert tiers_of(draft) == tiers_of(shunyi_rules)
    assert list(draft.diseases.all()) == [disease]
    assert HistoryEvent.objects.filter(object_id=draft.pk, action="rule_set.revised").count() == 1


def test_only_an_administrator_revises(shunyi_rules, reviewer, finance):
    for user in (reviewer, finance):
        with pytest.raises(PermissionDenied):
            rule_set_revise(rule_set=shunyi_rules, actor=user)
    assert RuleSet.objects.count() == 1


def test_activating_a_revision_ends_the_previous_version_the_day_before(shunyi_rules, admin_user):
    draft = rule_set_revise(rule_set=shunyi_rules, actor=admin_user)
    rule_set_update(rule_set=draft, actor=admin_user, version_name="2024年修订", case_cap=D("25000"))
    rule_set_activate(rule_set=draft, actor=admin_user, effective_from=dt.date(2024, 1, 1))
    shunyi_rules.refresh_from_db()
    draft.refresh_from_db()
    assert shunyi_rules.effective_to == dt.date(2023, 12, 31)
    assert draft.status == RuleSet.Status.ACTIVE
    fund, category = shunyi_rules.fund, shunyi_rules.category
    assert rule_set_in_force(fund=fund, category=category, on=dt.date(2023, 12, 31)) == shunyi_rules
    assert rule_set_in_force(fund=fund, category=category, on=dt.date(2024, 1, 1)) == draft
    assert HistoryEvent.objects.filter(object_id=draft.pk, action="rule_set.activated").count() == 1
    assert HistoryEvent.objects.filter(object_id=shunyi_rules.pk, action="rule_set.period_ended").count() == 1


def test_activating_on_or_before_the_start_of_the_version_in_force_is_refused(shunyi_rules, admin_user):
    draft = rule_set_revise(rule_set=shunyi_rules, actor=admin_user)
    with pytest.raises(DomainError):
        rule_set_activate(rule_set=draft, actor=admin_user, effective_from=dt.date(2022, 1, 1))
    shunyi_rules.refresh_from_db()
    draft.refresh_from_db()
    assert shunyi_rules.effective_to is None
    assert draft.status == RuleSet.Status.DRAFT


def test_an_active_version_cannot_be_activated_again_nor_a_draft_without_tiers(shunyi_rules, admin_user):
    with pytest.raises(DomainError):
        rule_set_activate(rule_set=shunyi_rules, actor=admin_user, effective_from=dt.date(2025, 1, 1))
    empty = f.RuleSetFactory(fund=shunyi_rules.fund, category=shunyi_rules.category, status="draft")
    with pytest.raises(DomainError):
        rule_set_activate(rule_set=empty, actor=admin_user, effective_from=dt.date(2025, 1, 1))


def test_an_active_version_is_never_edited(shunyi_rules, admin_user):
    with pytest.raises(RuleSetLocked):
        rule_set_update(rule_set=shunyi_rules, actor=admin_user, case_cap=D("1"))
    shunyi_rules.refresh_from_db()
    assert shunyi_rules.case_cap is None


def test_a_draft_used_by_a_submitted_case_is_never_edited(shunyi_rules, admin_user, station1):
    draft = rule_set_revise(rule_set=shunyi_rules, actor=admin_user)
    f.ApplicationFactory(fund=shunyi_rules.fund, station=station1, status="submitted", estimate_rule_set=draft)
    with pytest.raises(RuleSetLocked):
        rule_set_save_tiers(rule_set=draft, actor=admin_user, tiers=[])
    assert draft.tiers.count() == 3


def test_tiers_of_a_draft_are_replaced_even_when_the_bounds_shift(shunyi_rules, admin_user):
    draft = rule_set_revise(rule_set=shunyi_rules, actor=admin_user)
    rule_set_save_tiers(rule_set=draft, actor=admin_user, tiers=[
        {"lower": D("20000"), "upper": D("40000"), "kind": "rate", "rate": D("15")},
        {"lower": D("40000"), "upper": None, "kind": "fixed", "amount": D("30000"), "label": "4万以上"},
    ])
    assert tiers_of(draft) == [(D("20000.00"), D("40000.00"), "rate", D("15.000"), None),
                               (D("40000.00"), None, "fixed", None, D("30000.00"))]
    assert Tier.objects.filter(rule_set=shunyi_rules).count() == 3


def test_overlapping_tiers_are_refused_with_a_message(shunyi_rules, admin_user):
    draft = rule_set_revise(rule_set=shunyi_rules, actor=admin_user)
    with pytest.raises(DomainError):
        rule_set_save_tiers(rule_set=draft, actor=admin_user, tiers=[
            {"lower": D("0"), "upper": D("500"), "kind": "rate", "rate": D("15")},
            {"lower": D("400"), "upper": None, "kind": "rate", "rate": D("15")},
        ])
    assert draft.tiers.count() == 3
