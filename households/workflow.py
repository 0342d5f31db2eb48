"""The lifecycles of a household's file and of a filing batch, as data, and the history codes of households.

A file is filed by the four steps of an award — 个人申报 (the liaison
submits it), 专人核实 (a reviewer takes it and visits the home), 公开公示
(a filing batch's public notice) and 会议审批 (the approver at the meeting)
— and stays on file until it leaves hardship. Services move a status only
through these workflows (reliefdesk.workflow checks role, state and reason,
saves and writes the history row); views give templates the allowed actions.
"""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from households.models import FilingBatch, Household
from reliefdesk.models import Role
from reliefdesk.workflow import Transition, Workflow

S = Household.Status
B = FilingBatch.Status

L, R, A, F = (Role.LIAISON,), (Role.REVIEWER,), (Role.APPROVER,), (Role.FINANCE,)

# Files that are not closed: a head has at most one (the database's partial unique index).
LIVE_STATES = (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.VERIFIED, S.IN_BATCH, S.ON_FILE)
# From taking it for review until it leaves, the file has a plan (一户一措施).
PLAN_STATES = (S.IN_REVIEW, S.VERIFIED, S.IN_BATCH, S.ON_FILE)

HOUSEHOLD = Workflow("household", [
    Transition("edit", (S.DRAFT, S.RETURNED), None, L, _("changing the file")),
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, L, _("Submit"),
               "household.submitted", _("Submitted for filing")),
    Transition("withdraw", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, L, _("Withdraw"),
               "household.withdrawn", _("Withdrawn"), reason_required=True),
    Transition("take", (S.SUBMITTED,), S.IN_REVIEW, R, _("Take for verification"),
               "household.taken", _("Taken for verification")),
    Transition("return", (S.SUBMITTED, S.IN_REVIEW), S.RETURNED, R, _("Return to the station"),
               "household.returned", _("Returned to the station"), reason_required=True),
    Transition("reject", (S.SUBMITTED, S.IN_REVIEW), S.REJECTED, R, _("Reject"),
               "household.rejected", _("Rejected"), reason_required=True),
    Transition("record_filing_visit", (S.IN_REVIEW,), None, R, _("recording the home visit")),
    Transition("update_people", (S.IN_REVIEW, S.ON_FILE), None, R, _("changing the household's people")),
    Transition("verify", (S.IN_REVIEW,), S.VERIFIED, R, _("Verify"), "household.verified", _("Verified")),
    Transition("add_to_batch", (S.VERIFIED,), S.IN_BATCH, R, _("Add to a filing batch"),
               "household.added_to_batch", _("Added to a filing batch")),
    Transition("remove_from_batch", (S.IN_BATCH,), S.VERIFIED, R + A, _("Remove from the filing batch"),
               "household.removed_from_batch", _("Removed from the filing batch")),
    Transition("objection", (S.IN_BATCH,), S.IN_REVIEW, R, _("Record an objection"),
               "household.objection_recorded", _("Objection during the public notice"), reason_required=True),
    Transition("approve", (S.IN_BATCH,), S.ON_FILE, A, _("File"), "household.filed", _("Put on file at the meeting")),
    Transition("plan", PLAN_STATES, None, L + R, _("changing the assistance plan")),
    Transition("add_document", LIVE_STATES, None, L + R, _("adding a document")),
    Transition("record_review_visit", (S.ON_FILE,), None, R, _("recording the annual review")),
    Transition("update_civil_status", LIVE_STATES, None, R + F, _("changing the civil-affairs status")),
    Transition("leave", (S.ON_FILE,), S.LEFT, R, _("Leaves hardship"), "household.left", _("Left hardship")),
], refusal=_("This household's file is %(status)s; %(action)s is not possible now."), reason_field="last_reason")

FILING_BATCH = Workflow("filing_batch", [
    Transition("add_households", (B.DRAFT,), None, R, _("adding households")),
    Transition("remove_household", (B.DRAFT, B.PUBLIC_NOTICE), None, R + A, _("removing a household")),
    Transition("start_notice", (B.DRAFT,), B.PUBLIC_NOTICE, R, _("starting the public notice"),
               "filing_batch.notice_started", _("Public notice started")),
    Transition("record_objection", (B.PUBLIC_NOTICE,), None, R, _("recording an objection"),
               refusal=_("Objections are recorded on a household during its batch's public notice.")),
    Transition("send_back", (B.PUBLIC_NOTICE,), B.DRAFT, A, _("sending it back"),
               "filing_batch.sent_back", _("Sent back by the approver"), reason_required=True),
    Transition("approve", (B.PUBLIC_NOTICE,), B.APPROVED, A, _("approval"),
               "filing_batch.approved", _("Approved at the meeting")),
], refusal=_("The filing batch “%(title)s” is %(status)s; %(action)s is not possible now."),
    refusal_params=lambda batch: {"title": batch.title}, reason_field="last_reason")

WORKFLOWS = (HOUSEHOLD, FILING_BATCH)

# The states in which the file's latest reason is shown: to the station after it was returned, rejected or
# withdrawn, and to the reviewer once an objection brought it back.
REASON_SHOWN = (S.RETURNED, S.REJECTED, S.WITHDRAWN, S.IN_REVIEW)

# History codes households writes outside a transition.
HISTORY_LABELS = {
    "household.created": _("File opened"),
    "household.edited": _("File changed"),
    "household.person_added": _("Person added to the household"),
    "household.person_changed": _("Person's details changed"),
    "household.person_removed": _("Person removed from the household"),
    "household.document_added": _("Document uploaded"),
    "household.visit_recorded": _("Home visit recorded"),
    "household.review_kept": _("Annual review: kept on file"),
    "household.measure_added": _("Plan measure added"),
    "household.measure_changed": _("Plan measure changed"),
    "household.measure_done": _("Plan measure done"),
    "household.measure_dropped": _("Plan measure dropped"),
    "household.civil_status_changed": _("Civil-affairs status changed"),
    "household.roster_name_checked": _("Name on the civil-affairs list checked"),
    "household.roster_match_dismissed": _("Civil-affairs list difference dismissed"),
    "filing_batch.created": _("Filing batch created"),
    "civil_roster.uploaded": _("Civil-affairs list uploaded"),
    "civil_roster.committed": _("Civil-affairs list imported and matched"),
}
