"""Reads of households, scoped: every list and lookup starts from a door here."""
from __future__ import annotations

from django.db.models import QuerySet

from households.models import CivilRoster, CivilRosterMatch, FilingBatch, Household, HouseholdDocument
from reliefdesk.models import Role
from reliefdesk.scope import role_of, scope_queryset


def households_visible_to(*, user) -> QuerySet[Household]:
    """A liaison sees the files of his stations, district roles those of their district, an admin all."""
    return scope_queryset(Household.objects.all(), user)


def filing_batches_visible_to(*, user) -> QuerySet[FilingBatch]:
    return scope_queryset(FilingBatch.objects.all(), user, station=None)


def household_documents_visible_to(*, user) -> QuerySet[HouseholdDocument]:
    return scope_queryset(HouseholdDocument.objects.select_related("household"), user,
                          station="household__station", district="household__district")


def civil_rosters_visible_to(*, user) -> QuerySet[CivilRoster]:
    """A district's imported lists: its district roles see them (a liaison sees none: they are the bureau's)."""
    if role_of(user) == Role.LIAISON:
        return CivilRoster.objects.none()
    return scope_queryset(CivilRoster.objects.select_related("district", "uploaded_by"), user, station=None)


def civil_roster_matches_visible_to(*, user) -> QuerySet[CivilRosterMatch]:
    return CivilRosterMatch.objects.filter(roster__in=civil_rosters_visible_to(user=user),
                                           household__in=households_visible_to(user=user))
