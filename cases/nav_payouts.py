"""Finance's navigation entries."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("cases:finance-home", _("Fund position"), (Role.FINANCE, Role.ADMIN), order=40),
    NavItem("cases:payout-list", _("Payouts"), (Role.FINANCE, Role.ADMIN), order=41),
    NavItem("cases:sheet-list", _("Payout sheets"), (Role.FINANCE, Role.ADMIN), order=42),
]
