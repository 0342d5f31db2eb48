"""Navigation entries per app.

Each app's ``nav.py`` defines ``NAV_ITEMS``: (URL name, label, roles). The
context processor gathers them so each role sees its own entries and no
app has to edit another's template.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: tuple[str, ...]
    order: int = 50


ALL_ROLES = tuple(Role.values)

NAV_ITEMS = [
    NavItem("home", _("Home"), ALL_ROLES, order=0),
    NavItem("holiday-years", _("Holidays"), (Role.ADMIN,), order=90),
    NavItem("admin:index", _("Administration"), (Role.ADMIN,), order=99),
]

# Where each role lands after logging in (the first URL that exists wins).
ROLE_HOMES = {
    Role.LIAISON: ["cases:dashboard"],
    Role.REVIEWER: ["cases:review-queue"],
    Role.APPROVER: ["cases:batch-list"],
    Role.FINANCE: ["cases:finance-home"],
    Role.ADMIN: [],
}
