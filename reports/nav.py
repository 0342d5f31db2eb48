"""Report navigation entries."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("reports:dashboard", _("Reports"), (Role.REVIEWER, Role.APPROVER, Role.FINANCE, Role.ADMIN), order=80),
    NavItem("reports:dashboard", _("My stations' figures"), (Role.LIAISON,), order=80),
]
