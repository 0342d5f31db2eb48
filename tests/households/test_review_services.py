"""The annual review's due date, leaving hardship, and filing again."""
from __future__ import annotations

import datetime as dt

import pytest

from households.models import ExitReason, HomeVisit, Household, HouseholdDocument
from households.services import filing, review
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from tests.households.conftest import PDF, household_in, upload

pytestmark = pytest.mark.django_db

S = Household.Status
D = dt.date


@pytest.fixture
def on_file(station1):
    return household_in(S.ON_FILE, station=station1, filed_on=D(2024, 3, 15), next_review_due=D(2025, 3, 15))


def test_the_review_is_due_a_year_after_filing_and_a_year_after_each_visit_that_keeps_the_file(on_file, reviewer):
    visit = review.household_review_visit(actor=reviewer, household=on_file, visited_on=D(2025, 4, 2),
                                          visitors="王审核", findings="妻子仍在透析。", decision="keep",
                                          today=D(2025, 4, 2))
    on_file.refresh_from_db()
    assert visit.purpose == HomeVisit.Purpose.ANNUAL and visit.decision == "keep"
    # Seventeen days late: the next review is a year after this visit, not after the missed date.
    assert on_file.next_review_due == D(2026, 4, 2)
    assert [e.action for e in history_for(on_file)] == ["household.visit_recorded", "household.review_kept"]


def test_a_review_visit_needs_a_decision(on_file, reviewer):
    with pytest.raises(DomainError) as info:
        review.household_review_visit(actor=reviewer, household=on_file, visited_on=D(2025, 4, 2), visitors="王审核",
                                      findings="……", decision="", today=D(2025, 4, 2))
    assert info.value.field == "decision"
    assert not HomeVisit.objects.exists()


def test_a_review_visit_can_decide_that_the_household_leaves_hardship(on_file, reviewer):
    review.household_review_visit(actor=reviewer, household=on_file, visited_on=D(2025, 4, 2), visitors="王审核",
                                  findings="妻子已康复，夫妻均已就业。", decision="leave", exit_reason="recovered",
                                  today=D(2025, 4, 2))
    on_file.refresh_from_db()
    assert (on_file.status, on_file.left_on, on_file.exit_reason, on_file.next_review_due) == (
        S.LEFT, D(2025, 4, 2), ExitReason.RECOVERED, None)


def test_an_exit_without_a_reason_is_refused_beside_the_field(on_file, reviewer):
    with pytest.raises(DomainError) as info:
        review.household_leave(actor=reviewer, household=on_file, exit_reason="", left_on=D(2025, 1, 1),
                               today=D(2025, 1, 2))
    assert info.value.field == "exit_reason"
    with pytest.raises(DomainError) as info:
        review.household_leave(actor=reviewer, household=on_file, exit_reason="other", left_on=D(2025, 1, 1),
                               today=D(2025, 1, 2))
    assert info.value.field == "exit_note"
    on_file.refresh_from_db()
    assert on_file.status == S.ON_FILE


def test_leaving_at_the_workers_own_request_needs_his_signed_request(on_file, reviewer):
    with pytest.raises(DomainError) as info:
        review.household_leave(actor=reviewer, household=on_file, exit_reason="own_request", left_on=D(2025, 3, 1),
                               today=D(2025, 3, 2))
    assert info.value.field == "request_file"
    left = review.household_leave(actor=reviewer, household=on_file, exit_reason="own_request",
                                  left_on=D(2025, 3, 1), request_file=upload("申请书.pdf", PDF), today=D(2025, 3, 2))
    assert (left.status, left.exit_reason, left.exit_decided_by) == (S.LEFT, "own_request", reviewer)
    assert left.documents.get().kind == HouseholdDocument.Kind.EXIT_REQUEST
    assert [e.action for e in history_for(left)] == ["household.document_added", "household.left"]


def test_leaving_before_the_filing_or_in_the_future_is_refused(on_file, reviewer):
    for day in (D(2024, 3, 1), D(2025, 3, 3)):
        with pytest.raises(DomainError) as info:
            review.household_leave(actor=reviewer, household=on_file, exit_reason="job_found", left_on=day,
                                   today=D(2025, 3, 2))
        assert info.value.field == "left_on"


def test_after_leaving_the_head_is_filed_again_as_a_new_file_and_the_old_one_keeps_its_history(
        on_file, reviewer, liaison1, station1):
    review.household_leave(actor=reviewer, household=on_file, exit_reason="job_found", left_on=D(2025, 3, 1),
                           today=D(2025, 3, 2))
    again = filing.household_create(actor=liaison1, head=on_file.head, station=station1)
    assert again.status == S.DRAFT and again.reference != on_file.reference
    assert [e.action for e in history_for(on_file)] == ["household.left"]
    assert list(Household.objects.filter(head=on_file.head).order_by("pk").values_list("status", flat=True)) == [
        S.LEFT, S.DRAFT]


def test_only_a_household_on_file_leaves_hardship(reviewer, station1):
    household = household_in(S.IN_REVIEW, station=station1)
    with pytest.raises(DomainError):
        review.household_leave(actor=reviewer, household=household, exit_reason="recovered", left_on=D(2025, 3, 1))
