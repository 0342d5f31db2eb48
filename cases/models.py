"""Members, applications, documents and approval batches."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from funds.models import MONEY, AidCategory, Disease, Fund, RuleSet
from reliefdesk import search
from reliefdesk.models import District, Employer, Station


class NameBigrams(search.NameBigrams):
    """A name's pieces for the case list's GIN index: the core's, through the SQL function this index was built
    with (``cases_name_bigrams``, migration 0015; the same body as ``reliefdesk_name_bigrams``)."""

    function = "cases_name_bigrams"


# Each sort the case list offers, within a district (reviewers) and within a station (liaisons): the key
# and the id break ties in the same direction, so one index serves both directions.
LIST_SORT_KEYS = {
    "created": ("created_at", "id"),
    "reference": ("reference",),
    "name": ("beneficiary_name", "id"),
    "status": ("status", "created_at", "id"),
    "self_paid": ("self_paid", "id"),
    "estimate": ("estimate_amount", "id"),
    "submitted": ("submitted_at", "id"),
    "event": ("event_date", "id"),
}


def _list_indexes() -> list:
    indexes = []
    for scope, prefix in (("district", "app_d"), ("station", "app_s")):
        for sort, keys in LIST_SORT_KEYS.items():
            indexes.append(models.Index(fields=[scope, *keys], name=f"{prefix}_{sort}"))
    return indexes


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Member(models.Model):
    """A union member (工会会员). The ID number identifies him across districts."""

    name = models.CharField(_("Name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("Mobile number"), max_length=11, blank=True)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
                                 verbose_name=_("Employer"))
    is_union_member = models.BooleanField(_("union member"), default=True)
    member_since = models.DateField(_("union member since"), null=True, blank=True)
    card_number = models.CharField(_("Card number"), max_length=19, blank=True)
    bank_name = models.CharField(_("Bank"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.name


class MemberRegistration(models.Model):
    """A member belongs to the stations he is registered at (and so to their districts).

    Their liaisons and the district's staff see him; everyone else sees at
    most that a member with a given full ID number exists, and his masked
    name. A station adds him through ``member_register_at_station``.
    """

    class Source(models.TextChoices):
        REGISTERED = "registered", _("Registered here")
        ADDED = "added", _("Registered here on request")
        APPLICATION = "application", _("An application was filed here")
        EMPLOYER = "employer", _("His employer's station")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="registrations",
                               verbose_name=_("member"))
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="member_registrations",
                                verbose_name=_("service station"))
    source = models.CharField(_("how"), max_length=12, choices=Source.choices, default=Source.REGISTERED)
    reason = models.TextField(_("reason"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("registered by"))
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["member", "registered_at", "id"]
        verbose_name = _("station registration")
        verbose_name_plural = _("station registrations")
        constraints = [models.UniqueConstraint(fields=["member", "station"], name="member_registered_once_per_station")]
        indexes = [models.Index(fields=["station", "member"], name="registration_station_member")]

    def __str__(self) -> str:
        return f"{self.member} @ {self.station}"


class FamilyMember(models.Model):
    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        OTHER = "other", _("Other")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="family")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    name = models.CharField(_("Name"), max_length=50)
    id_number = models.CharField(_("ID number"), max_length=18)

    class Meta:
        ordering = ["member", "relation", "name"]
        verbose_name = _("family member")
        verbose_name_plural = _("family members")
        constraints = [models.UniqueConstraint(fields=["member", "id_number"], name="family_member_unique_id")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relation_display()})"


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned")
        VERIFIED = "verified", _("Verified")
        IN_BATCH = "in_batch", _("In batch")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        PAYMENT_FAILED = "payment_failed", _("Payment failed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Byte order ("C"), which for these ASCII numbers and for names is the order the list always showed (code
    # point order, as C.UTF-8): a btree on it then also serves a prefix search (LIKE 'SY-2026-%', a surname),
    # within the district's or the station's sort index.
    reference = models.CharField(_("application number"), max_length=20, unique=True, db_collation="C")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="applications", verbose_name=_("fund"))
    category = models.ForeignKey(AidCategory, on_delete=models.PROTECT, related_name="applications",
                                 verbose_name=_("Aid category"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="applications", verbose_name=_("member"))
    beneficiary = models.ForeignKey(FamilyMember, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="applications", verbose_name=_("Beneficiary"),
                                    help_text=_("Empty: the member himself."))
    # Denormalised so the twelve-month duplicate check is one indexed query.
    beneficiary_id_number = models.CharField(_("beneficiary ID number"), max_length=18, db_index=True)
    beneficiary_name = models.CharField(_("beneficiary name"), max_length=50, db_collation="C")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="applications",
                                verbose_name=_("service station"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="applications",
                                 verbose_name=_("district"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    event_date = models.DateField(pgettext_lazy("application", "Event date"), null=True, blank=True)
    disease = models.ForeignKey(Disease, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("Disease"))
    total_cost = models.DecimalField(_("Total medical cost"), default=Decimal("0.00"), **MONEY)
    reimbursed = models.DecimalField(_("Medical insurance reimbursement"), default=Decimal("0.00"), **MONEY)
    other_aid = models.DecimalField(_("Other aid"), default=Decimal("0.00"), **MONEY)
    self_paid = models.DecimalField(_("Self-paid amount"), default=Decimal("0.00"), **MONEY)
    assessed_loss = models.DecimalField(_("assessed loss"), null=True, blank=True, **MONEY)
    narrative = models.TextField(_("Description of circumstances"), blank=True)

    # The funds engine's estimate, refreshed whenever the facts change.
    estimate_rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    estimate_eligible = models.BooleanField(null=True, blank=True)
    estimate_amount = models.DecimalField(null=True, blank=True, **MONEY)
    estimate_min = models.DecimalField(null=True, blank=True, **MONEY)
    estimate_max = models.DecimalField(null=True, blank=True, **MONEY)
    estimate_explanation = models.TextField(blank=True)

    # Review.
    assigned_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("reviewer"))
    checklist = models.JSONField(_("verification checklist"), default=dict, blank=True)
    proposed_amount = models.DecimalField(_("proposed amount"), null=True, blank=True, **MONEY)
    amount_reason = models.TextField(_("reason for the amount"), blank=True)
    is_override = models.BooleanField(_("exception amount"), default=False)
    override_code = models.CharField(_("exception reason code"), max_length=30, blank=True)
    override_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                              related_name="+")
    override_confirmed_at = models.DateTimeField(null=True, blank=True)
    invoices_acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                                 blank=True, related_name="+")
    invoices_acknowledged_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_reason = models.TextField(_("latest reason"), blank=True,
                                   help_text=_("Why it was last returned, rejected, withdrawn or objected to."))

    batch = models.ForeignKey("cases.Batch", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="applications", verbose_name=_("approval batch"))

    # Frozen at approval: never changes afterwards.
    awarded_amount = models.DecimalField(_("awarded amount"), null=True, blank=True, **MONEY)
    awarded_rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    awarded_explanation = models.TextField(blank=True)
    award_snapshot = models.JSONField(default=dict, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["submitted_at"], name="application_submitted_idx"),
            *_list_indexes(),
            # Search: a name's beginning, a piece inside a name, the end of an ID number.
            models.Index(OpClass(F("beneficiary_name"), name="text_pattern_ops"), name="app_name_prefix"),
            GinIndex(NameBigrams("beneficiary_name"), name="app_name_bigrams"),
            models.Index(OpClass(Reverse("beneficiary_id_number"), name="text_pattern_ops"),
                         name="app_id_number_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(self_paid__gte=0), name="application_self_paid_not_negative"),
            models.CheckConstraint(condition=Q(total_cost__gte=0) & Q(reimbursed__gte=0) & Q(other_aid__gte=0),
                                   name="application_amounts_not_negative"),
            models.CheckConstraint(condition=Q(awarded_amount__isnull=True) | Q(awarded_amount__gte=0),
                                   name="application_award_not_negative"),
        ]

    def __str__(self) -> str:
        return self.reference


class InvoiceNumber(models.Model):
    """A medical invoice (发票号码) claimed by an application."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(_("Invoice numbers"), max_length=40, db_index=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="invoice_unique_per_application")]

    def __str__(self) -> str:
        return self.number


class Document(models.Model):
    class Kind(models.TextChoices):
        DIAGNOSIS = "diagnosis", _("Medical diagnosis certificate")
        INVOICE = "invoice", _("Medical invoice")
        INSURANCE = "insurance", _("Medical insurance settlement statement")
        ID_COPY = "id_copy", _("Copy of ID card")
        CARD_COPY = "card_copy", _("Copy of bank card")
        FORM = "form", _("Stamped application form")
        ACCIDENT = "accident", _("Accident certificate")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # What an "other" document is (e.g. 学生证, 录取通知书): required for that kind, shown wherever it is listed.
    description = models.CharField(_("what the document is"), max_length=100, blank=True)
    file = models.FileField(_("file"), upload_to="documents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [models.UniqueConstraint(fields=["application", "sha256"],
                                               name="document_file_once_per_application")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def label(self) -> str:
        """The kind, and for an "other" document what it is: "其他：录取通知书"."""
        kind = str(self.get_kind_display())
        if not self.description:
            return kind
        return gettext("%(kind)s: %(description)s") % {"kind": kind, "description": self.description}


class Batch(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLIC_NOTICE = "public_notice", _("Public notice")
        APPROVED = "approved", _("Approved")

    title = models.CharField(_("title"), max_length=100)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="batches", verbose_name=_("fund"))
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="batches")
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
        verbose_name = _("approval batch")
        verbose_name_plural = _("approval batches")
        constraints = [models.UniqueConstraint(fields=["fund", "title"], name="batch_title_unique_per_fund")]

    def __str__(self) -> str:
        return self.title


class ApplicationDailyFigure(models.Model):
    """The dashboard's application figures of one day, and again of its whole month, kept by PostgreSQL.

    Triggers (migration ``0015``) keep it exact whoever writes: a submission counts ``received`` on the
    Beijing day of ``Application.submitted_at``; a history row of a figure's action (``application.verified``
    or the code it had before, …) counts that figure on its Beijing day; the rows follow the case's station,
    fund and category when they change. A case counts once per figure and period however often it was, say,
    returned: each event after the first of its figure adds a second row whose ``since`` is the day of the
    event before, and a period's figure is the rows without ``since`` minus those whose ``since`` lies in
    the period too. Month rows (``grain`` ``m``, ``day`` the first of the month) let a year read twelve
    rows per group instead of 365.
    """

    grain = models.CharField(max_length=1)  # d: a day, m: a month (``day`` its first)
    day = models.DateField()
    district = models.ForeignKey(District, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    station = models.ForeignKey(Station, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    category = models.ForeignKey(AidCategory, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    figure = models.CharField(max_length=16)
    since = models.DateField(null=True)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "day", "district", "station", "fund", "category", "figure",
                                            "since"], nulls_distinct=False, name="application_figure_key"),
        ]
        indexes = [
            models.Index(fields=["grain", "district", "day"], name="application_figure_district"),
            models.Index(fields=["grain", "station", "day"], name="application_figure_station"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.figure} {self.count}"
