"""What the payouts area adds to other apps' pages (reliefdesk.panels)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from payouts.selectors import payouts_awaiting_member_card
from reliefdesk.models import Role
from reliefdesk.panels import Panel
from reliefdesk.scope import role_of


def member_card_change(*, request, subject) -> dict | None:
    """Finance sees the member's pending payouts that still carry an older card, with the button to apply his."""
    if role_of(request.user) not in (Role.FINANCE, Role.ADMIN):
        return None
    changes = list(payouts_awaiting_member_card(user=request.user, member=subject))
    if not changes:
        return None
    return {"member": subject, "card_changes": changes}


PANELS = {
    "member": [Panel("payouts-card", _("Payouts waiting for the new card"), "payouts/_member_card_change.html",
                     member_card_change, order=40)],
}
