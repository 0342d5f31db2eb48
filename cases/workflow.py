"""The lifecycles of applications and approval batches, as data, and the history codes of the cases area.

Services move a status only through these workflows (reliefdesk.workflow
checks role, state and reason, saves and writes the history row); views
give templates the allowed actions. History codes are past tense; the
codes written before they were renamed read as the new ones (ALIASES), so
old timelines and figures stay right without rewriting a history row.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.models import Application, Batch
from reliefdesk.models import Role
from reliefdesk.workflow import Transition, Workflow

S = Application.Status
B = Batch.Status

L, R, A, F = (Role.LIAISON,), (Role.REVIEWER,), (Role.APPROVER,), (Role.FINANCE,)

APPLICATION = Workflow("application", [
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, L, _("Submit"),
               "application.submitted", _("Submitted")),
    Transition("withdraw", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, L, _("Withdraw"),
               "application.withdrawn", _("Withdrawn"), reason_required=True),
    Transition("take", (S.SUBMITTED,), S.IN_REVIEW, R, _("Take for review"),
               "application.taken", _("Taken for review")),
    Transition("return", (S.SUBMITTED, S.IN_REVIEW), S.RETURNED, R, _("Return to the station"),
               "application.returned", _("Returned to the station"), reason_required=True),
    Transition("reject", (S.SUBMITTED, S.IN_REVIEW), S.REJECTED, R, _("Reject"),
               "application.rejected", _("Rejected"), reason_required=True),
    Transition("verify", (S.IN_REVIEW,), S.VERIFIED, R, _("Verify"), "application.verified", _("Verified")),
    Transition("reopen", (S.VERIFIED,), S.IN_REVIEW, R, _("Reopen for review"),
               "application.reopened", _("Reopened for review"), reason_required=True),
    Transition("add_to_batch", (S.VERIFIED,), S.IN_BATCH, R, _("Add to a batch"),
               "application.added_to_batch", _("Added to a batch")),
    Transition("remove_from_batch", (S.IN_BATCH,), S.VERIFIED, R + A, _("Remove from the batch"),
               "application.removed_from_batch", _("Removed from the batch")),
    Transition("objection", (S.IN_BATCH,), S.IN_REVIEW, R, _("Record an objection"),
               "application.objection_recorded", _("Objection during the public notice"), reason_required=True),
    Transition("approve", (S.IN_BATCH,), S.APPROVED, A, _("Approve"), "application.approved", _("Approved")),
    Transition("mark_paid", (S.APPROVED,), S.PAID, F, _("Record as paid"), "application.paid", _("Paid")),
    Transition("mark_failed", (S.APPROVED,), S.PAYMENT_FAILED, F, _("Record as failed"),
               "application.payment_failed", _("Payment failed"), reason_required=True),
    Transition("reissue", (S.PAYMENT_FAILED,), S.APPROVED, F, _("Reissue the payout"),
               "application.reissued", _("Payout reissued")),
], refusal=_("This application is %(status)s; “%(action)s” is not possible now."), reason_field="last_reason")

BATCH = Workflow("batch", [
    Transition("add_applications", (B.DRAFT,), None, R, _("adding applications")),
    Transition("remove_application", (B.DRAFT, B.PUBLIC_NOTICE), None, R + A, _("removing an application")),
    Transition("start_notice", (B.DRAFT,), B.PUBLIC_NOTICE, R, _("starting the public notice"),
               "batch.notice_started", _("Public notice started")),
    Transition("confirm_exceptions", (B.DRAFT, B.PUBLIC_NOTICE), None, A, _("confirming exception amounts")),
    Transition("record_objection", (B.PUBLIC_NOTICE,), None, R, _("recording an objection"),
               refusal=_("Objections are recorded on a case during its batch's public notice.")),
    Transition("send_back", (B.PUBLIC_NOTICE,), B.DRAFT, A, _("sending it back"),
               "batch.sent_back", _("Sent back by the approver"), reason_required=True),
    Transition("approve", (B.PUBLIC_NOTICE,), B.APPROVED, A, _("approval"),
               "batch.approved", _("Approved at the meeting")),
], refusal=_("The batch “%(title)s” is %(status)s; %(action)s is not possible now."),
    refusal_params=lambda batch: {"title": batch.title}, reason_field="last_reason")

WORKFLOWS = (APPLICATION, BATCH)

# The states in which a case's latest reason is shown: to the station after it was returned, rejected or
# withdrawn, and to the reviewer once it is back in review (reopened, or an objection was recorded).
REASON_SHOWN_TO_STATION = (S.RETURNED, S.REJECTED, S.WITHDRAWN)
REASON_SHOWN_IN_REVIEW = (S.IN_REVIEW,)

# History codes the cases area writes outside a transition.
HISTORY_LABELS = {
    "application.created": _("Created"),
    "application.edited": _("Edited"),
    "application.document_added": _("Document uploaded"),
    "application.document_removed": _("Document removed"),
    "application.invoices_set": _("Invoice numbers changed"),
    "application.invoices_acknowledged": _("Possible double invoice acknowledged"),
    "application.review_saved": _("Checklist and amount saved"),
    "application.override_confirmed": _("Exception amount confirmed"),
    "batch.created": _("Batch created"),
    "member.registered": _("Member registered"),
    "member.registered_at_station": _("Registered at a station"),
    "member.updated": _("Member's details changed"),
    "member.family_added": _("Family member added"),
    # Written when the member's own date gave way to the household files (migration 0014).
    "member.left_hardship_noted": _("Left hardship (recorded before household files)"),
}

# Codes stored before the history spoke in the past tense → what they read as now.
ALIASES = {f"application.{t.action}": t.code for t in APPLICATION.transitions.values() if t.code}
