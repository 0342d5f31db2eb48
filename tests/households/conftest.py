"""Households in each state of the filing flow, for the tests of households."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funds.models import Programme
from households.models import HomeVisit, Household
from tests import factories as f

S = Household.Status

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def upload(name="visit.jpg", content=JPEG):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def household_in(status: str, *, station, created_by=None, **kwargs) -> Household:
    """A file of ``station`` in ``status``, made a month ago (so visits and notices may follow)."""
    household = f.HouseholdFactory(station=station, status=status, created_by=created_by or f.UserFactory(),
                                   **kwargs)
    Household.objects.filter(pk=household.pk).update(created_at=timezone.now() - dt.timedelta(days=30))
    household.refresh_from_db()
    return household


def with_filing_visit(household: Household, reviewer) -> Household:
    HomeVisit.objects.create(household=household, purpose=HomeVisit.Purpose.FILING,
                             visited_on=timezone.localdate() - dt.timedelta(days=2), visitors="王审核、社区主任",
                             findings="住房简陋，妻子卧病在床。", recorded_by=reviewer)
    return household


def make_living_programme(fund, *, dibao: str = "1420.00", balance: str = "100000") -> Programme:
    """Shunyi's living subsidy: 1 × the monthly 低保标准 (1,420 from 2024-01-01) per 低保/低收入 household."""
    category = f.AidCategoryFactory(code="living", name="生活救助", name_en="Living subsidy")
    programme = Programme.objects.create(fund=fund, category=category, code="sy-living", name="生活补贴",
                                         name_en="Living subsidy", schedule="monthly", enrolment="civil_status",
                                         unit="household")
    rule_set = f.RuleSetFactory(fund=fund, category=category, programme=programme, version_name="2024年版",
                                effective_from=dt.date(2024, 1, 1), basis="none", minimum_basis=None)
    parameter = f.ParameterFactory(code="dibao_monthly")
    f.ParameterValueFactory(parameter=parameter, valid_from=dt.date(2024, 1, 1), value=Decimal(dibao))
    f.TierFactory(rule_set=rule_set, lower=Decimal("0"), upper=None, kind="parameter", rate=None, parameter=parameter,
                  multiplier=Decimal("1"), label="每户每月")
    if balance:
        f.LedgerEntryFactory(fund=fund, amount=Decimal(balance))
    return programme


@pytest.fixture
def head(station1):
    return f.MemberFactory(name="王建国", stations=[station1])


@pytest.fixture
def draft(station1, liaison1, head):
    return household_in(S.DRAFT, station=station1, created_by=liaison1, head=head, filed_on=None,
                        next_review_due=None)
