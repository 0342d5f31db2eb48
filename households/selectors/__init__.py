"""Reads of households, scoped: every list and lookup starts from a door here."""
from __future__ import annotations

from django.db.models import QuerySet

from households.models import FilingBatch, Household
from reliefdesk.scope import scope_queryset


def households_visible_to(*, user) -> QuerySet[Household]:
    """A liaison sees the files of his stations, district roles those of their district, an admin all."""
    return scope_queryset(Household.objects.all(), user)


def filing_batches_visible_to(*, user) -> QuerySet[FilingBatch]:
    return scope_queryset(FilingBatch.objects.all(), user, station=None)
