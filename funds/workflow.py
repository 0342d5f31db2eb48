"""History codes the funds area writes, with their readable names."""
from django.utils.translation import gettext_lazy as _

HISTORY_LABELS = {
    "rule_set.created": _("Draft created"),
    "rule_set.revised": _("Revision drafted"),
    "rule_set.edited": _("Draft edited"),
    "rule_set.tiers_saved": _("Tiers saved"),
    "rule_set.activated": _("Put in force"),
    "rule_set.period_ended": _("Period ended by a newer version"),
    "programme.created": _("Programme created"),
    "programme.changed": _("Programme changed"),
    "fund.adjusted": _("Adjustment booked"),
    "fund.entry_reversed": _("Ledger entry reversed"),
    "fund.allocated": _("Allocated to a district"),
}
