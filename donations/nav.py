"""Navigation entries of the donation pages (finance and administrators)."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("donations:donation-list", _("Donations"), (Role.FINANCE, Role.ADMIN), order=60),
    NavItem("donations:campaign-list", _("Campaigns"), (Role.FINANCE, Role.ADMIN), order=61),
    NavItem("donations:import-upload", _("Import donations"), (Role.FINANCE, Role.ADMIN), order=62),
]
