"""Navigation entries of programmes and their cycles."""
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import Role
from reliefdesk.nav import NavItem

NAV_ITEMS = [
    NavItem("households:cycle-list", _("Recurring aid"), (Role.LIAISON, Role.REVIEWER, Role.APPROVER, Role.FINANCE,
                                                    Role.ADMIN),
            order=34),
    NavItem("households:programme-list", _("Programmes"), (Role.REVIEWER, Role.APPROVER, Role.FINANCE, Role.ADMIN),
            order=35),
]
