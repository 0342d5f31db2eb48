"""The lifecycles of payouts and payout sheets, as data, and the history codes of the payouts area."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from payouts.models import Payout, PayoutSheet
from reliefdesk.models import Role
from reliefdesk.workflow import Transition, Workflow

F = (Role.FINANCE,)
P = Payout.Status
PS = PayoutSheet.Status

PAYOUT = Workflow("payout", [
    Transition("put_in_sheet", (P.PENDING,), P.IN_SHEET, F, _("Put in a sheet"),
               "payout.put_in_sheet", _("Put in a payout sheet")),
    Transition("release", (P.IN_SHEET,), P.PENDING, F, _("Release from the sheet"),
               "payout.released", _("Released from a cancelled sheet"), reason_required=True),
    Transition("pay", (P.IN_SHEET,), P.PAID, F, _("Record as paid"), "payout.paid", _("Paid by the bank")),
    Transition("fail", (P.IN_SHEET,), P.FAILED, F, _("Record as failed"), "payout.failed", _("Payment failed"),
               reason_required=True),
    Transition("reissue", (P.FAILED,), None, F, _("Reissue the payout"),
               refusal=_("Only a failed payout can be reissued; this one is %(status)s.")),
], refusal=_("This payout is %(status)s; “%(action)s” is not possible now."))

PAYOUT_SHEET = Workflow("payout_sheet", [
    Transition("export", (PS.DRAFT,), PS.EXPORTED, F, _("Download the bank spreadsheet"),
               "payout_sheet.exported", _("Exported for the bank")),
    # A reconciled sheet (every payout recorded) gives no file the bank could execute again.
    Transition("export_again", (PS.EXPORTED,), None, F, _("Download the bank spreadsheet"),
               refusal=_("A cancelled sheet cannot be exported.")),
    Transition("record_results", (PS.EXPORTED,), None, F, _("Record results")),
    Transition("import_results", (PS.EXPORTED, PS.CLOSED), None, F, _("Import the bank's results"),
               refusal=_("Results can only be imported for an exported sheet; this one is %(status)s.")),
    Transition("close", (PS.EXPORTED,), PS.CLOSED, F, _("Close"),
               "payout_sheet.closed", _("Every payout recorded: sheet reconciled")),
    Transition("cancel", (PS.DRAFT, PS.EXPORTED), PS.CANCELLED, F, _("Cancel the sheet"),
               "payout_sheet.cancelled", _("Sheet cancelled"), reason_required=True,
               refusal=_("This sheet is %(status)s and cannot be cancelled.")),
], refusal=_("This sheet is %(status)s; “%(action)s” is not possible now."), reason_field="cancelled_reason")

WORKFLOWS = (PAYOUT, PAYOUT_SHEET)

# History codes the payouts area writes outside a transition.
HISTORY_LABELS = {
    "payout_sheet.created": _("Sheet created"),
    "payout_sheet.exported_again": _("Exported again"),
    "payout_sheet.results_imported": _("Bank results imported"),
    "payout.reissued": _("Reissued to a corrected card"),
    "payout.card_updated": _("The member's new card applied"),
}

# Codes stored before the history spoke in the past tense → what they read as now.
ALIASES = {"payout.in_sheet": "payout.put_in_sheet"}
