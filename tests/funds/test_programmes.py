"""Programmes of recurring aid: who may run them, and their rule sets beside the one-off ones."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from funds import services
from funds.models import Programme
from funds.selectors import programmes_visible_to
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

LIVING = {"code": "living", "name": "生活补贴", "name_en": "Living subsidy", "schedule": "monthly",
          "enrolment": "civil_status"}


@pytest.fixture
def living_category(db):
    return f.AidCategoryFactory(code="living", name="生活救助")


def test_the_approver_creates_a_programme_of_his_districts_fund(shunyi_fund, approver, living_category):
    programme = services.programme_create(fund=shunyi_fund, actor=approver, category=living_category, **LIVING)
    assert (programme.fund, programme.unit, programme.created_by) == (shunyi_fund, "household", approver)
    assert [e.action for e in history_for(programme)] == ["programme.created"]


def test_a_reviewer_may_not_and_another_districts_fund_is_404(shunyi_fund, daxing_fund, reviewer, approver,
                                                              living_category):
    with pytest.raises(PermissionDenied):
        services.programme_create(fund=shunyi_fund, actor=reviewer, category=living_category, **LIVING)
    with pytest.raises(Http404):
        services.programme_create(fund=daxing_fund, actor=approver, category=living_category, **LIVING)
    assert not Programme.objects.exists()


def test_a_city_wide_funds_programme_is_the_administrators(approver, admin_user, living_category):
    city = f.FundFactory(slug="city", district=None)
    with pytest.raises(DomainError) as refused:
        services.programme_create(fund=city, actor=approver, category=living_category, **LIVING)
    assert refused.value.field == "fund"
    assert services.programme_create(fund=city, actor=admin_user, category=living_category, **LIVING).pk


def test_a_school_programme_names_its_levels_and_pays_pupils(shunyi_fund, approver, living_category):
    values = {**LIVING, "code": "senior", "enrolment": "school", "unit": "pupil"}
    with pytest.raises(DomainError) as refused:
        services.programme_create(fund=shunyi_fund, actor=approver, category=living_category, **values)
    assert refused.value.field == "school_levels"
    with pytest.raises(DomainError) as refused:
        services.programme_create(fund=shunyi_fund, actor=approver, category=living_category,
                                  **{**values, "unit": "household", "school_levels": ["senior"]})
    assert refused.value.field == "unit"


def test_a_code_twice_in_one_fund_is_refused_beside_the_code(shunyi_fund, approver, living_category):
    services.programme_create(fund=shunyi_fund, actor=approver, category=living_category, **LIVING)
    with pytest.raises(DomainError) as refused:
        services.programme_create(fund=shunyi_fund, actor=approver, category=living_category, **LIVING)
    assert refused.value.field == "code"


def test_an_update_records_what_changed(shunyi_fund, approver, living_category):
    programme = services.programme_create(fund=shunyi_fund, actor=approver, category=living_category, **LIVING)
    services.programme_update(programme=programme, actor=approver, name="生活补助", active=False)
    programme.refresh_from_db()
    assert (programme.name, programme.active) == ("生活补助", False)
    assert history_for(programme).last().data == {"fields": ["active", "name"]}


def test_another_districts_staff_do_not_see_the_programme(shunyi_fund, daxing_reviewer, reviewer):
    programme = f.ProgrammeFactory(fund=shunyi_fund)
    assert list(programmes_visible_to(user=reviewer)) == [programme]
    assert not programmes_visible_to(user=daxing_reviewer).exists()


def test_activating_a_programmes_version_ends_only_that_programmes_previous_one(shunyi_fund, shunyi_rules,
                                                                                  admin_user):
    programme = f.ProgrammeFactory(fund=shunyi_fund, category=shunyi_rules.category, code="senior")
    first = f.programme_rule_set(programme, amount="4000")
    draft = services.rule_set_revise(rule_set=first, actor=admin_user)
    assert draft.programme == programme
    services.rule_set_activate(rule_set=draft, actor=admin_user, effective_from=dt.date(2024, 9, 1))
    first.refresh_from_db()
    shunyi_rules.refresh_from_db()
    assert first.effective_to == dt.date(2024, 8, 31)
    assert shunyi_rules.effective_to is None
