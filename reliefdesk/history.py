"""Writing and reading the append-only history of any record."""
from __future__ import annotations

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy

from reliefdesk.models import HistoryEvent
from reliefdesk.registry import Registry


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
                       reason: str = "", data: dict | None = None, reason_for: Callable | None = None,
                       data_for: Callable | None = None) -> list[HistoryEvent]:
    """One INSERT for many rows (batch approval of ten thousand cases, a bank result file).

    ``reason_for(subject)`` and ``data_for(subject)`` give each row its own reason and data.
    """
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
            reason=(reason_for(s) if reason_for else reason) or "",
            data=(data_for(s) if data_for else data) or {},
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


# Readable names of history actions, registered by each app's AppConfig.ready()
# from the module that writes them (its workflow.py).
ACTION_LABELS: Registry = Registry("history action")
# The core's own codes (jobs, holiday arrangements), registered by ReliefdeskConfig.ready().
CORE_HISTORY_LABELS = {
    "holiday_year.entered": gettext_lazy("Holiday arrangement entered"),
    "job.retried": gettext_lazy("Started again"),
    "job.work_committed": gettext_lazy("Its work was saved"),
    "job.worker_lost": gettext_lazy("Its worker stopped"),
}
# Codes written before an action was renamed, and the code they now read as.
ACTION_ALIASES: Registry = Registry("history action alias")


def register_action_labels(labels: dict) -> None:
    ACTION_LABELS.update(labels)


def register_action_aliases(aliases: dict[str, str]) -> None:
    """Old stored codes read as their new names: history rows are never rewritten."""
    ACTION_ALIASES.update(aliases)


def canonical_action(code: str) -> str:
    return ACTION_ALIASES.get(code, code)


def action_codes(code: str) -> list[str]:
    """``code`` and every older code that reads as it (for queries over stored history)."""
    return [code, *sorted(old for old, new in ACTION_ALIASES.items() if new == code)]


def action_label(code: str) -> str:
    """The readable name of ``code``; a code nobody registered is shown as it is stored."""
    return ACTION_LABELS.get(canonical_action(code), code)


def labelled_history(subject) -> list[HistoryEvent]:
    """The timeline of ``subject`` with readable action and status names."""
    try:
        statuses = dict(type(subject)._meta.get_field("status").choices or [])
    except Exception:  # a model without a status field
        statuses = {}
    events = list(history_for(subject))
    for event in events:
        event.action_label = action_label(event.action)
        event.from_label = statuses.get(event.from_status, event.from_status)
        event.to_label = statuses.get(event.to_status, event.to_status)
    return events
