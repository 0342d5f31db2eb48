"""Navigation of review and batch approval (gathered by cases/nav.py)."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("cases:review-queue", _("Review queue"), (Role.REVIEWER,), order=20),
    NavItem("cases:batch-list", _("Approval batches"), (Role.REVIEWER, Role.APPROVER), order=21),
    NavItem("cases:override-report", _("Exception amounts"), (Role.REVIEWER, Role.APPROVER), order=22),
]
