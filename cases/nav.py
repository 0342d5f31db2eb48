"""Navigation entries of intake, review and approval, and the start pages of their roles."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import ALL_ROLES, NavItem

NAV_ITEMS = [
    NavItem("cases:dashboard", _("My station"), (Role.LIAISON,), order=10),
    NavItem("cases:application-new", _("New application"), (Role.LIAISON,), order=11),
    NavItem("cases:application-list", _("Applications"), ALL_ROLES, order=12),
    NavItem("cases:review-queue", _("Review queue"), (Role.REVIEWER,), order=20),
    NavItem("cases:batch-list", _("Approval batches"), (Role.REVIEWER, Role.APPROVER), order=21),
    NavItem("cases:override-report", _("Exception amounts"), (Role.REVIEWER, Role.APPROVER), order=22),
]

ROLE_HOMES = {
    Role.LIAISON: "cases:dashboard",
    Role.REVIEWER: "cases:review-queue",
    Role.APPROVER: "cases:batch-list",
}
