"""Navigation entries of the household files (the cycles add theirs in nav_cycles.py)."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("households:household-list", _("Households on file"), (Role.LIAISON, Role.REVIEWER, Role.APPROVER,
                                                                   Role.FINANCE), order=30),
    NavItem("households:review-due", _("Annual reviews due"), (Role.LIAISON, Role.REVIEWER), order=31),
    NavItem("households:batch-list", _("Filing batches"), (Role.REVIEWER, Role.APPROVER), order=32),
    NavItem("households:roster-upload", _("Civil-affairs list"), (Role.REVIEWER, Role.FINANCE), order=33),
]
