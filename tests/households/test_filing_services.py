"""The filing flow's services: each step changes the file and writes one history row; each refusal changes nothing."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from cases.models import MemberRegistration
from households.models import HomeVisit, Household, HouseholdDocument
from households.services import filing
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f
from tests.households.conftest import PDF, household_in, upload, with_filing_visit

pytestmark = pytest.mark.django_db

S = Household.Status


def codes(household):
    return [event.action for event in history_for(household)]


def test_a_liaison_opens_a_draft_file_with_a_reference_of_its_district_and_year(liaison1, station1, head):
    household = filing.household_create(actor=liaison1, head=head, station=station1, monthly_income="2400",
                                        causes=["schooling", "illness"], narrative="妻子肾出血，孩子读高中。")
    assert household.status == S.DRAFT
    assert household.reference.startswith(f"SY-HH-{household.created_at.year}-")
    assert household.reference.endswith("00001")
    assert household.causes == ["illness", "schooling"]  # in the order of the list of causes
    assert household.district == station1.district
    assert codes(household) == ["household.created"]


def test_a_head_with_a_live_file_is_refused_and_the_message_names_that_file(liaison1, station1, draft):
    with pytest.raises(DomainError) as info:
        filing.household_create(actor=liaison1, head=draft.head, station=station1)
    assert info.value.field == "head"
    assert draft.reference in info.value.message
    assert Household.objects.filter(head=draft.head).count() == 1


def test_a_head_whose_live_file_the_liaison_cannot_see_is_refused_without_naming_it(liaison2, station2, draft):
    MemberRegistration.objects.create(member=draft.head, station=station2)  # he moved to station 2
    with pytest.raises(DomainError) as info:
        filing.household_create(actor=liaison2, head=draft.head, station=station2)
    assert info.value.field == "head"
    assert draft.reference not in info.value.message


def test_the_database_refuses_a_second_live_file_for_one_head(draft, station1):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.HouseholdFactory(head=draft.head, station=station1, status=S.SUBMITTED)


def test_a_head_whose_file_left_hardship_is_filed_again_as_a_new_file(liaison1, station1, head):
    old = household_in(S.LEFT, station=station1, head=head, left_on=dt.date(2024, 3, 1), exit_reason="recovered")
    new = filing.household_create(actor=liaison1, head=head, station=station1)
    assert new.pk != old.pk and new.reference != old.reference
    old.refresh_from_db()
    assert (old.status, old.left_on) == (S.LEFT, dt.date(2024, 3, 1))


def test_only_a_liaison_opens_a_file_and_only_at_his_stations(reviewer, liaison1, liaison2, station2, head):
    with pytest.raises(PermissionDenied):
        filing.household_create(actor=reviewer, head=head, station=station2)
    with pytest.raises(Http404):
        filing.household_create(actor=liaison1, head=head, station=station2)
    with pytest.raises(Http404):  # a member of another station is not his to file
        filing.household_create(actor=liaison2, head=head, station=station2)
    assert not Household.objects.exists()


def test_a_head_filed_at_another_of_the_liaisons_stations_belongs_to_it_from_then_on(station1, head):
    other = f.StationFactory(district=station1.district, code="SY09")
    liaison = f.make_user("two_stations", "liaison", district=station1.district, stations=[station1, other])
    filing.household_create(actor=liaison, head=head, station=other)
    assert set(head.registrations.values_list("station__code", flat=True)) == {station1.code, "SY09"}


# --- people -------------------------------------------------------------------------

def test_a_person_is_added_with_the_birth_date_from_the_id_number(liaison1, draft):
    id_number = f.make_id_number(area="110105", birth=dt.date(2006, 6, 8), seq=17)
    person = filing.household_person_add(actor=liaison1, household=draft, relation="child", name="王小明",
                                         id_number=id_number, school_level="senior", in_school=True)
    assert person.birth_date == dt.date(2006, 6, 8)
    assert codes(draft) == ["household.person_added"]


@pytest.mark.parametrize("id_number", ["110105200606080171", "11010520060608017"])
def test_a_person_whose_id_number_fails_gb_11643_is_refused_beside_the_field(liaison1, draft, id_number):
    with pytest.raises(DomainError) as info:
        filing.household_person_add(actor=liaison1, household=draft, relation="child", name="王小明",
                                    id_number=id_number)
    assert info.value.field == "id_number"
    assert not draft.persons.exists()


def test_a_person_with_the_id_number_of_another_member_of_the_household_is_refused(liaison1, draft):
    id_number = f.make_id_number(area="110105", birth=dt.date(1966, 3, 14), seq=42)
    filing.household_person_add(actor=liaison1, household=draft, relation="spouse", name="李秀英", id_number=id_number)
    with pytest.raises(DomainError) as info:
        filing.household_person_add(actor=liaison1, household=draft, relation="sibling", name="李秀兰",
                                    id_number=id_number)
    assert info.value.field == "id_number"
    assert "李秀英" in info.value.message
    assert draft.persons.count() == 1


def test_the_heads_own_id_number_is_not_a_second_person(liaison1, draft):
    with pytest.raises(DomainError) as info:
        filing.household_person_add(actor=liaison1, household=draft, relation="other", name="王建国",
                                    id_number=draft.head.id_number)
    assert info.value.field == "id_number"


def test_someone_in_school_needs_a_schooling_level(liaison1, draft):
    with pytest.raises(DomainError) as info:
        filing.household_person_add(actor=liaison1, household=draft, relation="child", name="王小明",
                                    id_number=f.make_id_number(birth=dt.date(2012, 1, 1), seq=5), in_school=True)
    assert info.value.field == "school_level"


def test_the_station_no_longer_changes_the_people_once_the_district_verifies(liaison1, station1):
    household = household_in(S.IN_REVIEW, station=station1)
    with pytest.raises(PermissionDenied):
        filing.household_person_add(actor=liaison1, household=household, relation="child", name="王小明",
                                    id_number=f.make_id_number(birth=dt.date(2012, 1, 1), seq=5))


# --- the steps ---------------------------------------------------------------------

def test_submitting_needs_the_causes_and_the_circumstances(liaison1, draft):
    Household.objects.filter(pk=draft.pk).update(causes=[], narrative="")
    with pytest.raises(DomainError) as info:
        filing.household_submit(actor=liaison1, household=draft)
    assert [field for field, _m in info.value.problems] == ["causes", "narrative"]
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and codes(draft) == []


def test_submitting_moves_the_draft_to_the_district_with_one_history_row(liaison1, draft):
    household = filing.household_submit(actor=liaison1, household=draft)
    assert household.status == S.SUBMITTED and household.submitted_at is not None
    assert codes(household) == ["household.submitted"]


def test_a_reviewer_takes_returns_and_rejects_with_a_reason(reviewer, station1):
    taken = filing.household_take(actor=reviewer, household=household_in(S.SUBMITTED, station=station1))
    assert (taken.status, taken.assigned_reviewer) == (S.IN_REVIEW, reviewer)
    returned = filing.household_return(actor=reviewer, household=taken, reason="缺少收入证明。")
    assert (returned.status, returned.last_reason) == (S.RETURNED, "缺少收入证明。")
    rejected = filing.household_reject(actor=reviewer, household=household_in(S.IN_REVIEW, station=station1),
                                       reason="家庭收入高于标准。")
    assert rejected.status == S.REJECTED
    assert codes(returned) == ["household.taken", "household.returned"]
    assert codes(rejected) == ["household.rejected"]


def test_returning_without_a_reason_is_refused_and_changes_nothing(reviewer, station1):
    household = household_in(S.IN_REVIEW, station=station1)
    with pytest.raises(DomainError):
        filing.household_return(actor=reviewer, household=household, reason="  ")
    household.refresh_from_db()
    assert household.status == S.IN_REVIEW and codes(household) == []


def test_a_withdrawn_file_frees_the_head_for_a_new_one(liaison1, station1, draft):
    filing.household_withdraw(actor=liaison1, household=draft, reason="职工本人放弃。")
    assert filing.household_create(actor=liaison1, head=draft.head, station=station1).status == S.DRAFT


def test_the_home_visit_is_recorded_with_its_photos_and_scans_by_content(reviewer, station1, frozen_today):
    household = household_in(S.IN_REVIEW, station=station1)
    today = frozen_today(dt.date.today())
    visit = filing.household_record_visit(actor=reviewer, household=household, visited_on=today,
                                          visitors="王审核、社区主任", findings="住房简陋。",
                                          files=[upload("kitchen.pdf"), upload("record.jpg", PDF)])
    kinds = sorted((d.original_name, d.kind, d.content_type) for d in visit.documents.all())
    # Named after what they are: the "PDF" is a photo, the "photo" a scan.
    assert kinds == [("kitchen.jpg", HouseholdDocument.Kind.VISIT_PHOTO, "image/jpeg"),
                     ("record.pdf", HouseholdDocument.Kind.VISIT_SCAN, "application/pdf")]
    assert codes(household).count("household.visit_recorded") == 1


def test_a_visit_in_the_future_or_with_a_file_that_is_no_image_is_refused(reviewer, station1):
    household = household_in(S.IN_REVIEW, station=station1)
    with pytest.raises(DomainError) as info:
        filing.household_record_visit(actor=reviewer, household=household,
                                      visited_on=dt.date.today() + dt.timedelta(days=1), visitors="王审核",
                                      findings="……")
    assert info.value.field == "visited_on"
    with pytest.raises(DomainError) as info:
        filing.household_record_visit(actor=reviewer, household=household, visited_on=dt.date.today(),
                                      visitors="王审核", findings="……", files=[upload("x.jpg", b"<html>")])
    assert info.value.field == "files"
    assert not HomeVisit.objects.exists() and not HouseholdDocument.objects.exists()


def test_verifying_needs_the_home_visit(reviewer, station1):
    household = household_in(S.IN_REVIEW, station=station1)
    with pytest.raises(DomainError):
        filing.household_verify(actor=reviewer, household=household)
    household.refresh_from_db()
    assert household.status == S.IN_REVIEW
    verified = filing.household_verify(actor=reviewer, household=with_filing_visit(household, reviewer))
    assert verified.status == S.VERIFIED and verified.verified_at is not None
    assert codes(verified) == ["household.verified"]


def test_a_transition_the_state_does_not_allow_is_refused_and_changes_nothing(reviewer, station1):
    household = household_in(S.DRAFT, station=station1)
    with pytest.raises(TransitionNotAllowed):
        filing.household_take(actor=reviewer, household=household)
    household.refresh_from_db()
    assert household.status == S.DRAFT and codes(household) == []


def test_a_reviewer_of_another_district_gets_404(daxing_reviewer, station1):
    household = household_in(S.SUBMITTED, station=station1)
    with pytest.raises(Http404):
        filing.household_take(actor=daxing_reviewer, household=household)


def test_an_income_below_zero_is_refused_beside_the_field(liaison1, draft):
    with pytest.raises(DomainError) as info:
        filing.household_update(actor=liaison1, household=draft, monthly_income=Decimal("-1"))
    assert info.value.field == "monthly_income"
