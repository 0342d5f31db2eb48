"""The badge an application page shows when its member or beneficiary belongs to a household on file."""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from households.models import Household
from households.selectors import households_visible_to
from reliefdesk.badges import MemberBadge


def household_badges(*, user, id_numbers: list[str]) -> list[MemberBadge]:
    """One badge per household on file that one of these people heads or lives in (one query).

    The badge names the file; it links to it when the user may open it.
    """
    on_file = (Household.objects.filter(status=Household.Status.ON_FILE)
               .filter(Q(head__id_number__in=id_numbers) | Q(persons__id_number__in=id_numbers))
               .annotate(visible=Exists(households_visible_to(user=user).filter(pk=OuterRef("pk"))))
               .distinct().select_related("station").order_by("reference"))
    badges = []
    for household in on_file:
        title = _("Needy-worker household on file since %(date)s (%(station)s)") % {
            "date": household.filed_on.isoformat() if household.filed_on else "—", "station": household.station.name}
        badges.append(MemberBadge(
            label=_("Household on file %(reference)s") % {"reference": household.reference},
            url=reverse("households:household-detail", args=[household.pk]) if household.visible else "",
            title=title, kind="warning", code="household-on-file"))
    return badges
