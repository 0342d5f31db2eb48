"""The donation's lifecycle as data, and the history codes the donations area writes."""
from django.utils.translation import gettext_lazy as _

from donations.models import Donation
from reliefdesk.models import Role
from reliefdesk.workflow import Transition, Workflow

D = Donation.Status
F = (Role.FINANCE,)

DONATION = Workflow("donation", [
    Transition("confirm", (D.RECORDED,), D.CONFIRMED, F, _("Confirm"), "donation.confirmed",
               _("Confirmed: the fund is credited"), refusal=_("Only a recorded donation can be confirmed.")),
    Transition("void", (D.RECORDED, D.CONFIRMED), D.VOIDED, F, _("Void"), "donation.voided", _("Voided"),
               reason_required=True, refusal=_("This donation is already voided.")),
], refusal=_("This donation is %(status)s; “%(action)s” is not possible now."), reason_field="void_reason")

WORKFLOWS = (DONATION,)

HISTORY_LABELS = {
    "donor.created": _("Donor added"),
    "donor.updated": _("Donor changed"),
    "campaign.created": _("Campaign created"),
    "campaign.updated": _("Campaign changed"),
    "donation.recorded": _("Donation recorded"),
    "donation.imported": _("Imported from a unit's spreadsheet"),
    "donation_import.uploaded": _("Spreadsheet uploaded"),
    "donation_import.committed": _("Spreadsheet imported"),
}
