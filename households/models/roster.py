"""The civil-affairs roster (民政信息比对): the bureau's list of 低保 and 低收入 households, matched with the files.

Finance or a reviewer imports the list (an xlsx of 姓名, 身份证号, 类别,
起始日期, 截止日期): it is checked row by row first, then stored all or
nothing, and matched by ID number against the heads and the people of the
district's live files. Each difference is a match to accept (the file's
civil-affairs status and dates follow the list, with a history row) or to
dismiss.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from households.models.household import CivilStatus, Household, HouseholdPerson
from reliefdesk.models import District


class CivilRoster(models.Model):
    """One imported civil-affairs list of a district, as of a date."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATED = "validated", _("Checked")
        REJECTED = "rejected", _("Has errors")
        COMMITTED = "committed", _("Imported and matched")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="civil_rosters",
                                 verbose_name=_("district"))
    as_of = models.DateField(_("list dated"))
    file = models.FileField(upload_to="rosters/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_ok = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    job = models.ForeignKey("reliefdesk.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("civil-affairs roster")
        verbose_name_plural = _("civil-affairs rosters")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.as_of})"


class CivilRosterEntry(models.Model):
    """One row of an imported list; written by COPY when the list is imported."""

    roster = models.ForeignKey(CivilRoster, on_delete=models.PROTECT, related_name="entries")
    row = models.PositiveIntegerField(_("row"))
    name = models.CharField(_("Name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18)
    category = models.CharField(_("category"), max_length=12,
                                choices=[(CivilStatus.DIBAO, CivilStatus.DIBAO.label),
                                         (CivilStatus.LOW_INCOME, CivilStatus.LOW_INCOME.label)])
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["roster", "row"]
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(fields=["roster", "id_number"], name="civil_roster_entry_once"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                                   name="civil_roster_entry_period_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.get_category_display()}"


class CivilRosterMatch(models.Model):
    """A difference between the list and a live file, found when the list was imported."""

    class Kind(models.TextChoices):
        NEW = "new", _("Newly on the list")
        CHANGED = "changed", _("On the list with another status or dates")
        DROPPED = "dropped", _("Dropped off the list")
        NAME_DIFFERS = "name_differs", _("Name differs")

    class Status(models.TextChoices):
        OPEN = "open", _("To decide")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    # The kinds that change the file's civil-affairs status when accepted; a household has at most one per list.
    STATUS_KINDS = (Kind.NEW, Kind.CHANGED, Kind.DROPPED)

    roster = models.ForeignKey(CivilRoster, on_delete=models.PROTECT, related_name="matches")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="roster_matches")
    person = models.ForeignKey(HouseholdPerson, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               help_text=_("Empty: the head of the household."))
    entry = models.ForeignKey(CivilRosterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["roster", "kind", "household", "id"]
        verbose_name = _("roster match")
        verbose_name_plural = _("roster matches")
        constraints = [
            models.UniqueConstraint(fields=["roster", "household"], condition=Q(kind__in=["new", "changed", "dropped"]),
                                    name="civil_roster_match_status_once"),
            models.UniqueConstraint(fields=["roster", "entry", "household"], condition=Q(kind="name_differs"),
                                    name="civil_roster_match_name_once"),
            models.CheckConstraint(condition=Q(kind="dropped") | Q(entry__isnull=False),
                                   name="civil_roster_match_has_entry"),
        ]
        indexes = [models.Index(fields=["roster", "kind", "status"], name="civil_roster_match_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.household.reference}"
