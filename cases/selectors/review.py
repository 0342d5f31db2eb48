"""Reads for district review: the reviewer's queue, the review page and the overrides report."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from cases.estimate import assess
from cases.forms.review import ReviewQueueFilter
from cases.models import Application
from cases.selectors.intake import applications_visible_to, duplicate_warnings, invoice_conflicts
from reliefdesk.errors import DomainError
from reliefdesk.history import labelled_history
from reliefdesk.scope import get_or_404

S = Application.Status

QUEUE_STATUSES = (S.SUBMITTED, S.IN_REVIEW)

def review_queue(*, user, data=None) -> tuple[QuerySet[Application], object]:
    """Submitted and in-review cases of the user's district, oldest submission first."""

    queryset = (applications_visible_to(user=user).filter(status__in=QUEUE_STATUSES)
                .select_related("assigned_reviewer").order_by("submitted_at", "id"))
    filterset = ReviewQueueFilter(data or None, queryset=queryset, user=user)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return queryset, filterset


# A case waiting longer than this since its submission is shown as overdue in the queue.
OVERDUE_DAYS = 10


def is_overdue(waiting: int | None) -> bool:
    return waiting is not None and waiting > OVERDUE_DAYS


def days_waiting(*, application: Application, today=None) -> int | None:
    if application.submitted_at is None:
        return None
    today = today or timezone.localdate()
    return (today - timezone.localdate(application.submitted_at)).days


def application_for_review(*, user, pk: int) -> Application:
    return get_or_404(applications_visible_to(user=user).select_related(
        "member__employer", "beneficiary", "estimate_rule_set", "assigned_reviewer", "batch", "override_confirmed_by",
        "invoices_acknowledged_by"), pk=pk)


@dataclass(frozen=True)
class RuleAssessment:
    """The funds engine's answer for the case now, or why there is none."""

    rule_set: object | None
    result: object | None
    error: str = ""


def rule_assessment(*, application: Application) -> RuleAssessment:

    try:
        rule_set, result = assess(application)
    except DomainError as exc:
        return RuleAssessment(None, None, str(exc.message))
    return RuleAssessment(rule_set, result)


@dataclass(frozen=True)
class ReviewContext:
    application: Application
    assessment: RuleAssessment
    duplicates: list
    invoice_conflicts: list
    invoices: list
    documents: list
    history: list


def review_context(*, user, application: Application) -> ReviewContext:
    return ReviewContext(
        application=application,
        assessment=rule_assessment(application=application),
        duplicates=duplicate_warnings(application=application, user=user),
        invoice_conflicts=invoice_conflicts(application=application, user=user),
        invoices=list(application.invoices.all()),
        documents=list(application.documents.all()),
        history=labelled_history(application),
    )


def override_report(*, user) -> QuerySet[Application]:
    """Every case with an exception amount, newest first, with who confirmed it."""
    return (applications_visible_to(user=user).filter(is_override=True)
            .select_related("batch", "override_confirmed_by", "assigned_reviewer")
            .order_by("-updated_at", "-id"))
