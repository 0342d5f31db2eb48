"""The household file (困难职工家庭档案) and what hangs on it.

A household is filed by the four steps of an award (个人申报, 专人核实, 公开公示,
会议审批), stays on file while it is helped, is visited once a year, and
leaves hardship (解困脱困) by review or at the worker's request. A file that
left stays with its whole history; filing again is a new file.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Member
from funds.models import MONEY
from reliefdesk.models import District, Station


class Cause(models.TextChoices):
    """致困原因."""

    ILLNESS = "illness", pgettext_lazy("hardship cause", "Illness")
    SCHOOLING = "schooling", pgettext_lazy("hardship cause", "Schooling")
    DISASTER = "disaster", pgettext_lazy("hardship cause", "Disaster")
    DISABILITY = "disability", pgettext_lazy("hardship cause", "Disability")
    UNEMPLOYMENT = "unemployment", pgettext_lazy("hardship cause", "Unemployment")
    OTHER = "other", pgettext_lazy("hardship cause", "Other")


class CivilStatus(models.TextChoices):
    """The civil-affairs status of the household (民政救助身份)."""

    NONE = "none", _("None")
    DIBAO = "dibao", _("Minimum-living-allowance household")
    LOW_INCOME = "low_income", _("Low-income household")


class SchoolLevel(models.TextChoices):
    NONE = "", _("Not at school age")
    PRESCHOOL = "preschool", _("Pre-school")
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior high school")
    SENIOR = "senior", _("Senior high, vocational or technical school")
    COLLEGE = "college", _("College (associate degree)")
    UNDERGRADUATE = "undergraduate", _("Undergraduate")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("Healthy")
    CHRONIC = "chronic", _("Chronic illness")
    SERIOUS = "serious", _("Serious illness")
    DISABLED = "disabled", _("Disabled")


class ExitReason(models.TextChoices):
    """Why a household left hardship (解困脱困)."""

    RECOVERED = "recovered", _("Recovered")
    JOB_FOUND = "job_found", _("Found a job")
    INCOME_ABOVE_LINE = "income_above_line", _("Income above the line")
    OWN_REQUEST = "own_request", _("At the worker's own request")
    OTHER = "other", _("Other reason")


class FilingBatch(models.Model):
    """Households filed together: their public notice (公开公示) and the meeting (会议审批)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLIC_NOTICE = "public_notice", _("Public notice")
        APPROVED = "approved", _("Approved")

    title = models.CharField(_("title"), max_length=100)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="filing_batches",
                                 verbose_name=_("district"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    notice_start = models.DateField(_("notice starts"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("notice working days"), null=True, blank=True)
    notice_end = models.DateField(_("notice ends"), null=True, blank=True)
    meeting_date = models.DateField(_("meeting date"), null=True, blank=True)
    minutes_reference = models.CharField(_("minutes reference"), max_length=100, blank=True)
    attendees = models.TextField(_("attendees"), blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    last_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("filing batch")
        verbose_name_plural = _("filing batches")
        constraints = [models.UniqueConstraint(fields=["district", "title"], name="filing_batch_title_unique")]

    def __str__(self) -> str:
        return self.title


class Household(models.Model):
    """One needy-worker household's file: one file and one plan per household (一户一档案、一户一措施)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned")
        VERIFIED = "verified", _("Verified")
        IN_BATCH = "in_batch", _("In a filing batch")
        ON_FILE = "on_file", _("On file")
        LEFT = "left", _("Left hardship")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The states in which the file is not live: its head may be filed again.
    CLOSED_STATES = (Status.LEFT, Status.REJECTED, Status.WITHDRAWN)

    reference = models.CharField(_("file number"), max_length=24, unique=True)
    head = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="households",
                             verbose_name=_("head of the household"))
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="households",
                                verbose_name=_("service station"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="households",
                                 verbose_name=_("district"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    monthly_income = models.DecimalField(_("monthly household income (yuan)"), default=Decimal("0.00"), **MONEY)
    causes = ArrayField(models.CharField(max_length=16, choices=Cause.choices), default=list, blank=True,
                        verbose_name=_("causes of hardship"))
    cause_note = models.TextField(_("about the causes"), blank=True)
    civil_status = models.CharField(_("civil-affairs status"), max_length=12, choices=CivilStatus.choices,
                                    default=CivilStatus.NONE)
    civil_status_from = models.DateField(_("civil-affairs status from"), null=True, blank=True)
    civil_status_to = models.DateField(_("civil-affairs status until"), null=True, blank=True)
    single_parent = models.BooleanField(_("single parent"), default=False)
    narrative = models.TextField(_("Circumstances"), blank=True)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    assigned_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("reviewer"))
    verified_at = models.DateTimeField(null=True, blank=True)
    last_reason = models.TextField(_("latest reason"), blank=True)
    filing_batch = models.ForeignKey(FilingBatch, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="households", verbose_name=_("filing batch"))

    filed_on = models.DateField(_("filed on"), null=True, blank=True,
                                help_text=_("The date of the meeting that put the household on file."))
    next_review_due = models.DateField(_("next annual review due"), null=True, blank=True)

    left_on = models.DateField(_("left hardship on"), null=True, blank=True)
    exit_reason = models.CharField(_("why it left"), max_length=20, choices=ExitReason.choices, blank=True)
    exit_note = models.TextField(_("about leaving"), blank=True)
    exit_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("decided by"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("household on file")
        verbose_name_plural = _("households on file")
        constraints = [
            # A member heads at most one file that is not closed.
            models.UniqueConstraint(fields=["head"], condition=~Q(status__in=["left", "rejected", "withdrawn"]),
                                    name="household_one_live_file_per_head"),
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="household_income_not_negative"),
            models.CheckConstraint(
                condition=Q(civil_status_to__isnull=True) | Q(civil_status_from__isnull=True)
                | Q(civil_status_to__gte=models.F("civil_status_from")),
                name="household_civil_status_period_ordered"),
            models.CheckConstraint(condition=~Q(status="left") | (Q(left_on__isnull=False) & ~Q(exit_reason="")),
                                   name="household_left_has_date_and_reason"),
        ]
        indexes = [
            models.Index(fields=["district", "status"], name="household_district_status"),
            models.Index(fields=["station", "status"], name="household_station_status"),
            models.Index(fields=["status", "next_review_due"], name="household_review_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.head.name}"

    @property
    def size(self) -> int:
        """People in the household, the head included."""
        return 1 + len(self.persons.all())

    @property
    def income_per_head(self) -> Decimal:
        return (self.monthly_income / self.size).quantize(Decimal("0.01"))


class HouseholdPerson(models.Model):
    """Someone who lives with the head: relation, health, schooling and income."""

    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        PARENT_IN_LAW = "parent_in_law", _("Parent-in-law")
        GRANDCHILD = "grandchild", _("Grandchild")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="persons")
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    name = models.CharField(_("Name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    health = models.CharField(_("health"), max_length=10, choices=Health.choices, default=Health.HEALTHY)
    health_note = models.CharField(_("about the health"), max_length=200, blank=True)
    school_level = models.CharField(_("schooling level"), max_length=16, choices=SchoolLevel.choices, blank=True)
    in_school = models.BooleanField(_("in school"), default=False)
    monthly_income = models.DecimalField(_("monthly income (yuan)"), default=Decimal("0.00"), **MONEY)

    class Meta:
        ordering = ["household", "id"]
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        constraints = [
            models.UniqueConstraint(fields=["household", "id_number"], name="household_person_unique_id"),
            models.CheckConstraint(condition=~Q(in_school=True) | ~Q(school_level=""),
                                   name="household_person_in_school_has_level"),
            models.CheckConstraint(condition=Q(monthly_income__gte=0), name="household_person_income_not_negative"),
        ]
        indexes = [models.Index(fields=["id_number"], name="household_person_id_number")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


class HomeVisit(models.Model):
    """A home visit (入户调查): at filing, and once a year while on file (全面复核)."""

    class Purpose(models.TextChoices):
        FILING = "filing", _("Verification for filing")
        ANNUAL = "annual", _("Annual review")
        OTHER = "other", _("Other visit")

    class Decision(models.TextChoices):
        NONE = "", _("No decision")
        KEEP = "keep", _("Keep on file")
        LEAVE = "leave", _("Leaves hardship")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="visits")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    visited_on = models.DateField(_("visited on"))
    visitors = models.CharField(_("visited by"), max_length=200)
    findings = models.TextField(_("findings"))
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "visited_on", "id"]
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")

    def __str__(self) -> str:
        return f"{self.household.reference} {self.visited_on}"


class HouseholdDocument(models.Model):
    """Photos and scans of a visit, a signed request to leave, income proofs: stored like case documents."""

    class Kind(models.TextChoices):
        VISIT_PHOTO = "visit_photo", _("Photo of the home visit")
        VISIT_SCAN = "visit_scan", _("Scan of the visit record")
        EXIT_REQUEST = "exit_request", _("Signed request to leave")
        INCOME_PROOF = "income_proof", _("Proof of income")
        CIVIL_PROOF = "civil_proof", _("Civil-affairs certificate")
        OTHER = "other", _("Other")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="documents")
    visit = models.ForeignKey(HomeVisit, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    description = models.CharField(_("what it is"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="households/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("household document")
        verbose_name_plural = _("household documents")
        constraints = [models.UniqueConstraint(fields=["household", "sha256"],
                                               name="household_document_file_once")]

    def __str__(self) -> str:
        return self.original_name


class PlanHeading(models.TextChoices):
    """The four headings of an assistance plan (帮扶计划)."""

    EMPLOYMENT = "employment", pgettext_lazy("plan heading", "Employment")
    MEDICAL = "medical", pgettext_lazy("plan heading", "Medical")
    SCHOOLING = "schooling", pgettext_lazy("plan heading", "Schooling")
    LIVING = "living", pgettext_lazy("plan heading", "Living")


class PlanMeasure(models.Model):
    """One measure of the household's plan: what is planned, who answers for it, by when, and what came of it."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="measures")
    heading = models.CharField(_("heading"), max_length=12, choices=PlanHeading.choices)
    planned = models.TextField(_("what is planned"))
    responsible = models.CharField(_("responsible person"), max_length=100)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    job_found = models.BooleanField(_("job found"), default=False)
    amount_paid = models.DecimalField(_("subsidy paid (yuan)"), null=True, blank=True, **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["household", "due_on", "id"]
        verbose_name = _("plan measure")
        verbose_name_plural = _("plan measures")
        constraints = [
            models.CheckConstraint(condition=~Q(status="done") | Q(done_on__isnull=False),
                                   name="plan_measure_done_has_date"),
            models.CheckConstraint(condition=Q(amount_paid__isnull=True) | Q(amount_paid__gte=0),
                                   name="plan_measure_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_heading_display()}: {self.planned[:40]}"
