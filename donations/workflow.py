"""History codes the donations area writes, with their readable names."""
from django.utils.translation import gettext_lazy as _

HISTORY_LABELS = {
    "donor.created": _("Donor added"),
    "donor.updated": _("Donor changed"),
    "campaign.created": _("Campaign created"),
    "campaign.updated": _("Campaign changed"),
    "donation.recorded": _("Donation recorded"),
    "donation.imported": _("Imported from a unit's spreadsheet"),
    "donation.confirmed": _("Confirmed: the fund is credited"),
    "donation.voided": _("Voided"),
    "donation_import.uploaded": _("Spreadsheet uploaded"),
    "donation_import.committed": _("Spreadsheet imported"),
}
