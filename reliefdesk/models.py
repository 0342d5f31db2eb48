"""The organisation core: districts, stations, employers, staff and history."""
from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LIAISON = "liaison", _("Station liaison")
    REVIEWER = "reviewer", _("District reviewer")
    APPROVER = "approver", _("District approver")
    FINANCE = "finance", _("Finance")
    ADMIN = "admin", _("Administrator")


DISTRICT_ROLES = (Role.REVIEWER, Role.APPROVER, Role.FINANCE)


class District(models.Model):
    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,4}$", _("Two to four capital letters, e.g. SY."))],
    )
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=50, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        return self.name


class Station(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="stations", verbose_name=_("district"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["district__code", "code"]
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="station_code_unique_in_district")]

    def __str__(self) -> str:
        return self.name


class Employer(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="employers", verbose_name=_("district"))
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, null=True, blank=True, related_name="employers", verbose_name=_("service station")
    )
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    has_union = models.BooleanField(_("has a union"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="employer_name_unique_in_district")]

    def __str__(self) -> str:
        return self.name


class StaffAssignment(models.Model):
    """What a user may do (role) and where (district, stations)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("district")
    )
    stations = models.ManyToManyField(Station, blank=True, related_name="liaisons", verbose_name=_("service stations"))

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="admin") | models.Q(district__isnull=False),
                name="assignment_district_required_unless_admin",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.sync_group()

    def sync_group(self) -> None:
        """The role is also a Django group, so permissions follow it."""
        from django.contrib.auth.models import Group

        role_groups = Group.objects.filter(name__in=Role.values)
        self.user.groups.remove(*role_groups)
        group, _created = Group.objects.get_or_create(name=self.role)
        self.user.groups.add(group)
        if self.role == Role.ADMIN and not (self.user.is_staff and self.user.is_superuser):
            type(self.user).objects.filter(pk=self.user.pk).update(is_staff=True, is_superuser=True)


class Holiday(models.Model):
    """Public holidays skipped when a notice period is counted in working days."""

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=50)
    is_workday = models.BooleanField(
        _("make-up working day"), default=False, help_text=_("Tick for a weekend day that is a working day (make-up workday).")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class HolidayYear(models.Model):
    """The State Council's holiday arrangement of one year is in the calendar, in full.

    Working days are counted only across years listed here: in a year
    without its arrangement every holiday would count as a working day.
    """

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    source = models.CharField(_("source"), max_length=200, blank=True,
                              help_text=_("The State Council's notice, e.g. 国办发明电〔2026〕7号."))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("holiday arrangement")
        verbose_name_plural = _("holiday arrangements")

    def __str__(self) -> str:
        return str(self.year)


class Counter(models.Model):
    """The last number given out of a gap-free sequence (application numbers, receipts, payout sheets).

    ``reliefdesk.counters.counter_take`` raises it inside the caller's
    transaction: the row stays locked until it ends, so two users never get
    the same number, and a rolled-back entry gives its number back.
    """

    key = models.CharField(max_length=80, unique=True)  # e.g. "application:3:2022" (district id, year)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.key} = {self.last}"


class AppendOnlyQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("History rows are never deleted.")

    def update(self, **kwargs):
        raise PermissionError("History rows are never updated.")


class AppendOnlyModel(models.Model):
    """Rows are inserted, never updated or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are never deleted.")


class HistoryEvent(AppendOnlyModel):
    """One state change of any record: who, when, from, to and why."""

    # No index of its own: history_subject_idx starts with it (one index less to fill per history row).
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, db_index=False)
    object_id = models.BigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    action = models.CharField(_("action"), max_length=64)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("history event")
        verbose_name_plural = _("history events")
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"], name="history_subject_idx")]
        # The last line: raw SQL, a shell or another program cannot rewrite history either.
        triggers = [pgtrigger.Protect(name="history_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class Job(models.Model):
    """A long export or import run by the background worker, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    params = models.JSONField(default=dict, blank=True)
    result_file = models.CharField(max_length=500, blank=True)
    result_name = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Who runs it and whether he still lives: "host:pid" of the worker, its last sign of life.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0
