"""What the household files add to other apps' pages (reliefdesk.panels).

Every application page shows a badge when its member or its beneficiary
belongs to a household on file (page "application"), and the member page
lists the household files he heads or lives in (page "member"). cases
renders what is registered and never imports households. Each costs one query.
"""
from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from households.models import Household
from households.selectors import households_visible_to
from reliefdesk.panels import Panel


def _files_of(*, user, id_numbers, **filters):
    """Files that one of these people heads or lives in, each marked ``visible`` when the user may open it."""
    return (Household.objects.filter(Q(head__id_number__in=id_numbers) | Q(persons__id_number__in=id_numbers),
                                     **filters)
            .annotate(visible=Exists(households_visible_to(user=user).filter(pk=OuterRef("pk"))))
            .distinct().select_related("station", "head").order_by("-created_at", "-id"))


def application_badge(*, request, subject) -> dict | None:
    """The application's member or beneficiary belongs to a household on file: a badge naming it."""
    numbers = sorted({n for n in (subject.member.id_number, subject.beneficiary_id_number) if n})
    households = list(_files_of(user=request.user, id_numbers=numbers, status=Household.Status.ON_FILE))
    return {"households": households} if households else None


def member_files(*, request, subject) -> dict | None:
    """The household files the member heads or lives in, open and closed: a file left stays a file."""
    households = list(_files_of(user=request.user, id_numbers=[subject.id_number]))
    return {"households": households, "member": subject} if households else None


PANELS = {
    "application": [Panel("household-on-file", _("Household on file"), "households/_panel_badge.html",
                          application_badge)],
    "member": [Panel("household-files", _("Household files"), "households/_panel_member.html", member_files,
                     order=30)],
}
