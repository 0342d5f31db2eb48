"""Lifecycles as data, checked by one function.

Each app's ``workflow.py`` lists the transitions of its records (from which
states, to which state, by which roles, the history code and its label) as
a :class:`Workflow` and registers it from ``AppConfig.ready()``. Services
call :meth:`Workflow.check` (role → 403, state and reason → a translated
refusal) and :meth:`Workflow.apply` (status saved with ``update_fields`` and
one history row); views hand :meth:`Workflow.allowed_actions` to templates,
so no template repeats a rule. Callers lock the row and check the scope
before, inside ``transaction.atomic()``.

A transition whose ``target`` is None is an action a state allows without
leaving it (adding cases to a draft batch, reissuing a failed payout): it
is checked the same way, and the service records what it did itself.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from reliefdesk.bulk import update_rows
from reliefdesk.errors import TransitionNotAllowed
from reliefdesk.history import bulk_record_events, record_event, register_action_labels
from reliefdesk.models import Role
from reliefdesk.registry import Registry
from reliefdesk.scope import require_role, role_of


@dataclass(frozen=True)
class Transition:
    action: str  # what the user asks for: "take"
    sources: tuple[str, ...]
    target: str | None  # None: allowed in ``sources``, the state stays
    roles: tuple[str, ...]
    verb: str  # for refusals and buttons: "Take for review"
    code: str = ""  # history code, past tense: "application.taken"
    label: str = ""  # for the timeline: "Taken for review"
    reason_required: bool = False
    refusal: str = ""  # the message when the state does not allow it; default: the workflow's


class Workflow:
    """The transitions of one kind of record, keyed by action."""

    def __init__(self, name: str, transitions: Iterable[Transition], *, refusal: str,
                 refusal_params: Callable[[object], dict] | None = None, state_field: str = "status",
                 reason_field: str | None = None):
        self.name = name
        self.transitions = {t.action: t for t in transitions}
        self.refusal = refusal
        self.refusal_params = refusal_params or (lambda obj: {})
        self.state_field = state_field
        self.reason_field = reason_field

    def __repr__(self) -> str:
        return f"<Workflow {self.name}>"

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def history_labels(self) -> dict[str, str]:
        return {t.code: t.label for t in self.transitions.values() if t.code}

    def allowed_actions(self, obj, *, user=None, role: str | None = None) -> list[str]:
        """The actions ``user`` (or a user of ``role``) could take on ``obj`` now, for buttons."""
        role = role if role is not None else role_of(user)
        state = self.state_of(obj)
        return [t.action for t in self.transitions.values()
                if state in t.sources and (role == Role.ADMIN or role in t.roles)]

    def refusal_message(self, obj, transition: Transition) -> str:
        display = getattr(obj, f"get_{self.state_field}_display")()
        params = {"status": display, "action": transition.verb, **self.refusal_params(obj)}
        return (transition.refusal or self.refusal) % params

    def check(self, obj, action: str, *, actor, reason: str = "") -> Transition:
        """The transition, if ``actor``'s role (403), the state and the reason allow it."""
        transition = self.transitions[action]
        require_role(actor, *transition.roles)
        if self.state_of(obj) not in transition.sources:
            raise TransitionNotAllowed(self.refusal_message(obj, transition), code="state")
        if transition.reason_required and not (reason or "").strip():
            raise TransitionNotAllowed(_("A reason is required."), field="reason", code="reason_required")
        return transition

    def apply(self, obj, action: str, *, actor, reason: str = "", data: dict | None = None,
              update_fields: Iterable[str] = ()):
        """Check, set the new state, save it with ``update_fields`` and write the history row."""
        transition = self.check(obj, action, actor=actor, reason=reason)
        if transition.target is None:
            raise ValueError(f"{self.name}.{action} changes no state; the service records it")
        from_state = self.state_of(obj)
        setattr(obj, self.state_field, transition.target)
        fields = {self.state_field, *update_fields}
        if transition.reason_required and self.reason_field:
            setattr(obj, self.reason_field, reason.strip())
            fields.add(self.reason_field)
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            fields.add("updated_at")
        obj.save(update_fields=sorted(fields))
        record_event(obj, actor=actor, action=transition.code, from_status=from_state, to_status=transition.target,
                     reason=(reason or "").strip(), data=data)
        return obj

    def apply_many(self, objs: list, action: str, *, actor, columns: dict[str, str] | None = None,
                   values_for: Callable | None = None, reason_for: Callable | None = None,
                   data_for: Callable | None = None) -> Transition:
        """The same transition for many locked rows in a constant number of statements.

        Every row is checked first; then one UPDATE sets the new state (and ``columns``, each
        row's values from ``values_for(obj)``) and one INSERT writes the history rows, each with
        ``reason_for(obj)`` and ``data_for(obj)``. All rows must be in the same state.
        """
        transition = self.transitions[action]
        states = set()
        for obj in objs:
            self.check(obj, action, actor=actor, reason=reason_for(obj) if reason_for else "")
            states.add(self.state_of(obj))
        if not objs:
            return transition
        if transition.target is None:
            raise ValueError(f"{self.name}.{action} changes no state; the service records it")
        if len(states) != 1:
            raise ValueError(f"{self.name}.{action}: rows in several states {sorted(states)}")
        model = type(objs[0])
        columns = dict(columns or {})
        if transition.reason_required and self.reason_field and reason_for:
            columns[self.reason_field] = "text"
        has_updated_at = any(f.name == "updated_at" for f in model._meta.concrete_fields)
        now = timezone.now()

        def row(obj):
            values = list(values_for(obj)) if values_for else []
            if transition.reason_required and self.reason_field and reason_for:
                values.append((reason_for(obj) or "").strip())
            return (obj.pk, transition.target, *values, *([now] if has_updated_at else []))

        update_rows(model._meta.db_table, columns={self.state_field: "text", **columns,
                                                   **({"updated_at": "timestamptz"} if has_updated_at else {})},
                    rows=[row(obj) for obj in objs])
        from_state = states.pop()
        for obj in objs:
            setattr(obj, self.state_field, transition.target)
        bulk_record_events(objs, actor=actor, action=transition.code, from_status=from_state,
                           to_status=transition.target,
                           reason_for=(lambda obj: (reason_for(obj) or "").strip()) if reason_for else None,
                           data_for=data_for)
        return transition


# Every lifecycle, by name, registered by its app's AppConfig.ready().
WORKFLOWS: Registry[Workflow] = Registry("workflow")


def register_workflows(*workflows: Workflow) -> None:

    for workflow in workflows:
        WORKFLOWS.register(workflow.name, workflow)
        register_action_labels(workflow.history_labels())


