"""Reads of the household file: the lists, the household page, the annual reviews due."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Prefetch, Q, QuerySet

from households.forms.file import HouseholdFilter
from households.models import Cause, HomeVisit, Household, HouseholdDocument, PlanHeading, PlanMeasure
from households.selectors import households_visible_to
from reliefdesk.scope import get_or_404

S = Household.Status
LIST_RELATED = ("head", "station", "district")


@dataclass(frozen=True)
class HouseholdList:
    queryset: QuerySet
    filterset: HouseholdFilter
    counts: dict  # status → number, over the user's files
    total: int


def household_list(*, user, data=None, today: dt.date) -> HouseholdList:
    """The filtered list, newest first, and the number of files in each status."""
    visible = households_visible_to(user=user)
    queryset = visible.select_related(*LIST_RELATED).annotate(people=Count("persons") + 1)
    filterset = HouseholdFilter(data or None, queryset=queryset, user=user, today=today)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    counts = {row["status"]: row["n"] for row in visible.order_by().values("status").annotate(n=Count("id"))}
    return HouseholdList(queryset=queryset.order_by("-created_at", "-id"), filterset=filterset,
                         counts={code: counts.get(code, 0) for code in S.values}, total=sum(counts.values()))


def household_get(*, user, pk: int) -> Household:
    """One file for its page, with its people, visits and documents; 404 outside the user's scope."""
    return get_or_404(
        households_visible_to(user=user)
        .select_related("head__employer", "station", "district", "filing_batch", "assigned_reviewer", "created_by",
                        "exit_decided_by")
        .prefetch_related("persons",
                          Prefetch("visits", queryset=HomeVisit.objects.select_related("recorded_by")
                                   .prefetch_related("documents").order_by("-visited_on", "-id")),
                          Prefetch("documents", queryset=HouseholdDocument.objects.select_related("uploaded_by"))),
        pk=pk)


def causes_text(causes) -> str:
    labels = dict(Cause.choices)
    return "、".join(str(labels.get(code, code)) for code in causes)


@dataclass(frozen=True)
class PlanGroup:
    heading: str
    label: str
    measures: list


def household_plan(*, household: Household, today: dt.date) -> tuple[list[PlanGroup], int]:
    """The measures under their four headings, each marked overdue when planned and past its day."""
    overdue = ExpressionWrapper(Q(status=PlanMeasure.Status.PLANNED, due_on__lt=today), output_field=BooleanField())
    measures = list(household.measures.annotate(overdue=overdue).select_related("created_by")
                    .order_by("due_on", "id"))
    groups = [PlanGroup(code, str(label), [m for m in measures if m.heading == code])
              for code, label in PlanHeading.choices]
    return [g for g in groups if g.measures], sum(1 for m in measures if m.overdue)


def other_files_of_head(*, household: Household, user) -> QuerySet[Household]:
    """The head's earlier (or later) files the user may see: a household filed again is a new file."""
    return (households_visible_to(user=user).filter(head_id=household.head_id).exclude(pk=household.pk)
            .order_by("-created_at"))


def days_overdue(*, household: Household, today: dt.date) -> int | None:
    if household.status != S.ON_FILE or household.next_review_due is None:
        return None
    return (today - household.next_review_due).days


def review_due_list(*, user, today: dt.date, within_days: int = 30, station=None) -> QuerySet[Household]:
    """Households on file whose annual review is due within ``within_days`` (or overdue), oldest due first."""
    queryset = (households_visible_to(user=user).select_related(*LIST_RELATED)
                .filter(status=S.ON_FILE, next_review_due__lte=today + dt.timedelta(days=within_days)))
    if station is not None:
        queryset = queryset.filter(station=station)
    return queryset.order_by("next_review_due", "id")
