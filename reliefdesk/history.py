"""Writing and reading the append-only history of any record."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType

from reliefdesk.models import HistoryEvent


def record_event(subject, *, actor, action: str, from_status: str = "", to_status: str = "", reason: str = "",
                 data: dict | None = None) -> HistoryEvent:
    return HistoryEvent.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        from_status=from_status or "",
        to_status=to_status or "",
        reason=reason or "",
        data=data or {},
    )


def bulk_record_events(subjects: Iterable, *, actor, action: str, from_status: str = "", to_status: str = "",
                       reason: str = "", data: dict | None = None) -> list[HistoryEvent]:
    """One INSERT for many rows (batch approval of a thousand cases)."""
    subjects = list(subjects)
    if not subjects:
        return []
    content_type = ContentType.objects.get_for_model(subjects[0])
    rows = [
        HistoryEvent(
            content_type=content_type,
            object_id=s.pk,
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            data=data or {},
        )
        for s in subjects
    ]
    return HistoryEvent.objects.bulk_create(rows)


def history_for(subject):
    return (
        HistoryEvent.objects.filter(content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk)
        .select_related("actor")
        .order_by("created_at", "id")
    )
