"""Navigation entries of the funds pages."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("funds:fund-list", _("Funds and rules"), tuple(Role.values), order=70),
]
