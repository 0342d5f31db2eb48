"""Intake navigation: the liaison's station, a new application, and the list everyone scoped sees."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import ALL_ROLES, NavItem

NAV_ITEMS = [
    NavItem("cases:dashboard", _("My station"), (Role.LIAISON,), order=10),
    NavItem("cases:application-new", _("New application"), (Role.LIAISON,), order=11),
    NavItem("cases:application-list", _("Applications"), ALL_ROLES, order=12),
]
