"""Finance's navigation entries and start page."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("payouts:finance-home", _("Fund position"), (Role.FINANCE, Role.ADMIN), order=40),
    NavItem("payouts:payout-list", _("Payouts"), (Role.FINANCE, Role.ADMIN), order=41),
    NavItem("payouts:sheet-list", _("Payout sheets"), (Role.FINANCE, Role.ADMIN), order=42),
]

ROLE_HOMES = {Role.FINANCE: "payouts:finance-home"}
