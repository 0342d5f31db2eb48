"""The application state machine: allowed transitions as data, in one place.

Every service that changes an application's status goes through
:func:`apply_transition`, which checks the transition is allowed for the
actor's role, saves the new status with ``update_fields`` and writes the
history row. Callers lock the row (``select_for_update``) and check the
scope before calling it, inside ``transaction.atomic()``.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Application
from reliefdesk.errors import TransitionNotAllowed
from reliefdesk.history import record_event, register_action_labels
from reliefdesk.models import Role
from reliefdesk.scope import require_role

S = Application.Status


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    label: str  # what happened, for the timeline ("Taken for review")
    verb: str  # what the user asks for, for refusals ("Take for review")
    reason_required: bool = False


L, R, A, F = (Role.LIAISON,), (Role.REVIEWER,), (Role.APPROVER,), (Role.FINANCE,)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        # action, from, to, roles, timeline label, what the user asks for
        Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, L,
                   gettext_lazy("Submitted"), gettext_lazy("Submit")),
        Transition("withdraw", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, L,
                   gettext_lazy("Withdrawn"), gettext_lazy("Withdraw"),
                   reason_required=True),
        Transition("take", (S.SUBMITTED,), S.IN_REVIEW, R,
                   gettext_lazy("Taken for review"), gettext_lazy("Take for review")),
        Transition("return", (S.SUBMITTED, S.IN_REVIEW), S.RETURNED, R, gettext_lazy("Returned to the station"),
                   gettext_lazy("Return to the station"), reason_required=True),
        Transition("reject", (S.SUBMITTED, S.IN_REVIEW), S.REJECTED, R,
                   gettext_lazy("Rejected"), gettext_lazy("Reject"),
                   reason_required=True),
        Transition("verify", (S.IN_REVIEW,), S.VERIFIED, R, gettext_lazy("Verified"), gettext_lazy("Verify")),
        Transition("reopen", (S.VERIFIED,), S.IN_REVIEW, R,
                   gettext_lazy("Reopened for review"), gettext_lazy("Reopen for review"),
                   reason_required=True),
        Transition("add_to_batch", (S.VERIFIED,), S.IN_BATCH, R,
                   gettext_lazy("Added to a batch"), gettext_lazy("Add to a batch")),
        Transition("remove_from_batch", (S.IN_BATCH,), S.VERIFIED, R + A, gettext_lazy("Removed from the batch"),
                   gettext_lazy("Remove from the batch")),
        Transition("objection", (S.IN_BATCH,), S.IN_REVIEW, R, gettext_lazy("Objection during the public notice"),
                   gettext_lazy("Record an objection"), reason_required=True),
        Transition("approve", (S.IN_BATCH,), S.APPROVED, A, gettext_lazy("Approved"), gettext_lazy("Approve")),
        Transition("mark_paid", (S.APPROVED,), S.PAID, F, gettext_lazy("Paid"), gettext_lazy("Record as paid")),
        Transition("mark_failed", (S.APPROVED,), S.PAYMENT_FAILED, F,
                   gettext_lazy("Payment failed"), gettext_lazy("Record as failed"),
                   reason_required=True),
        Transition("reissue", (S.PAYMENT_FAILED,), S.APPROVED, F,
                   gettext_lazy("Payout reissued"), gettext_lazy("Reissue the payout")),
    ]
}

ACTION_LABELS = {f"application.{t.action}": t.label for t in TRANSITIONS.values()}
ACTION_LABELS.update({
    "application.created": gettext_lazy("Created"),
    "application.edited": gettext_lazy("Edited"),
    "application.document_added": gettext_lazy("Document uploaded"),
    "application.invoices_acknowledged": gettext_lazy("Possible double invoice acknowledged"),
    "application.override_confirmed": gettext_lazy("Exception amount confirmed"),
    "application.invoices_set": gettext_lazy("Invoice numbers changed"),
    "application.document_removed": gettext_lazy("Document removed"),
    "application.review_saved": gettext_lazy("Checklist and amount saved"),
    "batch.created": gettext_lazy("Batch created"),
    "batch.notice_started": gettext_lazy("Public notice started"),
    "batch.sent_back": gettext_lazy("Sent back by the approver"),
    "batch.approved": gettext_lazy("Approved at the meeting"),
})
register_action_labels(ACTION_LABELS)


def allowed_actions(application: Application, role: str | None) -> list[str]:
    """The actions a user of ``role`` could take on ``application`` now (for buttons)."""
    return [
        t.action for t in TRANSITIONS.values()
        if application.status in t.sources and (role == Role.ADMIN or role in t.roles)
    ]


def check_transition(application: Application, action: str, *, actor, reason: str = "") -> Transition:
    transition = TRANSITIONS[action]
    require_role(actor, *transition.roles)
    if application.status not in transition.sources:
        raise TransitionNotAllowed(
            _("This application is %(status)s; “%(action)s” is not possible now.")
            % {"status": application.get_status_display(), "action": transition.verb}
        )
    if transition.reason_required and not (reason or "").strip():
        raise TransitionNotAllowed(_("A reason is required."), field="reason")
    return transition


def apply_transition(application: Application, action: str, *, actor, reason: str = "", data: dict | None = None,
                     update_fields: tuple[str, ...] = ()) -> Application:
    """Check, set the new status, save ``update_fields`` with it, and write history.

    The caller has locked ``application`` with select_for_update inside an
    atomic block and checked the actor's scope.
    """
    transition = check_transition(application, action, actor=actor, reason=reason)
    from_status = application.status
    application.status = transition.target
    fields = {"status", "updated_at", *update_fields}
    if transition.reason_required:
        application.last_reason = reason.strip()
        fields.add("last_reason")
    application.save(update_fields=sorted(fields))
    record_event(application, actor=actor, action=f"application.{action}", from_status=from_status,
                 to_status=transition.target, reason=reason.strip(), data=data)
    return application
