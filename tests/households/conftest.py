"""Households in each state of the filing flow, for the tests of households."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

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


@pytest.fixture
def head(station1):
    return f.MemberFactory(name="王建国", stations=[station1])


@pytest.fixture
def draft(station1, liaison1, head):
    return household_in(S.DRAFT, station=station1, created_by=liaison1, head=head, filed_on=None,
                        next_review_due=None)
