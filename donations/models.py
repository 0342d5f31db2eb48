"""Donors, campaigns and donations (一元捐、十元捐)."""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from funds.models import MONEY, Fund
from reliefdesk.models import District, Employer
from reliefdesk.search import NameBigrams


class Donor(models.Model):
    class Kind(models.TextChoices):
        UNIT = "unit", _("Donor unit")
        UNION = "union", _("Union organisation")
        INDIVIDUAL = "individual", _("Individual")
        ANONYMOUS = "anonymous", _("Anonymous")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    # Indexed by donor_list_order and donor_unique_in_district, which start with it.
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="donors", verbose_name=_("district"),
                                 db_index=False)
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, null=True, blank=True, related_name="donors",
                                 verbose_name=_("employer"))
    unit_name = models.CharField(_("Organization"), max_length=200, blank=True,
                                 help_text=_("For an individual: the unit through which he gave."))
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    # The two-character pieces of the name and of the unit (reliefdesk.search), kept by the database: the
    # search then reads them from the row instead of computing them again for every candidate.
    name_pieces = models.GeneratedField(expression=NameBigrams("name"), output_field=ArrayField(models.TextField()),
                                        db_persist=True)
    unit_pieces = models.GeneratedField(expression=NameBigrams("unit_name"),
                                        output_field=ArrayField(models.TextField()), db_persist=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")
        constraints = [models.UniqueConstraint(fields=["district", "kind", "name", "unit_name"],
                                               name="donor_unique_in_district")]
        indexes = [
            # The donor list walks a district's donors by (name, id).
            models.Index(fields=["district", "name", "id"], name="donor_list_order"),
            # The donor search: a prefix of the name, or of the unit an individual gave through.
            models.Index(F("district"), OpClass(Upper("name"), name="text_pattern_ops"), name="donor_name_prefix"),
            models.Index(F("district"), OpClass(Upper("unit_name"), name="text_pattern_ops"),
                         name="donor_unit_prefix"),
            # ... or a piece inside them (reliefdesk.search).
            GinIndex(fields=["name_pieces"], name="donor_name_pieces"),
            GinIndex(fields=["unit_pieces"], name="donor_unit_pieces"),
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("fund"))
    name = models.CharField(_("name"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    target = models.DecimalField(_("target amount"), null=True, blank=True, **MONEY)
    channel_notes = models.TextField(_("channel notes"), blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [models.UniqueConstraint(fields=["fund", "name"], name="campaign_name_unique_per_fund")]

    def __str__(self) -> str:
        return self.name


class DonationImport(models.Model):
    """An uploaded unit spreadsheet: previewed, then committed all or nothing."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATED = "validated", _("Checked")
        COMMITTED = "committed", _("Imported")
        REJECTED = "rejected", _("Has errors")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.UPLOADED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_ok = models.PositiveIntegerField(default=0)
    total_ok = models.DecimalField(default=0, **MONEY)
    errors = models.JSONField(default=list, blank=True)
    # Rows repeating an existing gift (same donor, amount and date), each with the earlier receipt number.
    warnings = models.JSONField(default=list, blank=True)
    job = models.ForeignKey("reliefdesk.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]


class Donation(models.Model):
    class Channel(models.TextChoices):
        QR = "qr", _("QR code")
        BANK = "bank", _("Bank transfer")
        CASH = "cash", _("Cash")
        PAYROLL = "payroll", _("Payroll deduction")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        CONFIRMED = "confirmed", _("Confirmed")
        VOIDED = "voided", _("Voided")

    # Indexed by donation_fund_date_idx and donation_receipt_unique, which start with it.
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="donations", verbose_name=_("fund"),
                             db_index=False)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="donations",
                                 verbose_name=_("campaign"))
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, null=True, blank=True, related_name="donations",
                              verbose_name=_("donor"), help_text=_("Empty: anonymous."))
    amount = models.DecimalField(_("amount"), **MONEY)
    received_on = models.DateField(_("date received"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_reference = models.CharField(_("transaction number"), max_length=64, null=True, blank=True)
    receipt_year = models.PositiveSmallIntegerField()
    receipt_seq = models.PositiveIntegerField()
    receipt_number = models.CharField(_("receipt number"), max_length=30, unique=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECORDED)
    void_reason = models.TextField(_("void reason"), blank=True)
    import_batch = models.ForeignKey(DonationImport, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="donations")
    # The fund's credit of a confirmed donation, and its reversal when a confirmed donation is voided. No foreign
    # key: the check at commit (migration 0013) reads every written donation's entries and refuses one whose entry
    # is missing or not its own, and the ledger refuses DELETE; a foreign key would only check again, per row,
    # that the entry exists (100,000 checks at an import's commit).
    credit_entry = models.OneToOneField("funds.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="donation", editable=False, db_constraint=False)
    void_entry = models.OneToOneField("funds.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="voided_donation", editable=False, db_constraint=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
            models.UniqueConstraint(fields=["channel", "external_reference"],
                                    condition=Q(external_reference__isnull=False) & ~Q(external_reference=""),
                                    name="donation_reference_unique_per_channel"),
            models.UniqueConstraint(fields=["fund", "receipt_year", "receipt_seq"], name="donation_receipt_unique"),
            # One credit per donation (credit_entry is one-to-one), none before it is confirmed, and a
            # voided one was either never credited or is reversed.
            models.CheckConstraint(condition=~Q(status="recorded")
                                   | Q(credit_entry__isnull=True, void_entry__isnull=True),
                                   name="donation_recorded_is_not_booked"),
            models.CheckConstraint(condition=~Q(status="voided")
                                   | Q(credit_entry__isnull=True, void_entry__isnull=True)
                                   | Q(credit_entry__isnull=False, void_entry__isnull=False),
                                   name="donation_voided_credit_is_reversed"),
        ]
        indexes = [models.Index(fields=["fund", "received_on"], name="donation_fund_date_idx"),
                   # A plain index: no pattern-ops twin for LIKE, which nothing asks of a status.
                   models.Index(fields=["status"], name="donation_status_idx")]

    def __str__(self) -> str:
        return self.receipt_number


class DonationDailyFigure(models.Model):
    """Confirmed donations of one day (and again of its whole month), kept by PostgreSQL triggers.

    A donation counts while it is confirmed, on its ``received_on``, under its district and fund twice:
    in a ``campaign`` row under its campaign (the totals and the table by campaign read these), and in a
    ``unit`` row under the unit that gave or collected it (a unit donor's name, an individual's unit, else
    his name; empty for an anonymous gift). The triggers (migration ``0009``) follow every change of a
    donation and of a donor's name, unit or kind.
    """

    class Kind(models.TextChoices):
        CAMPAIGN = "campaign"
        UNIT = "unit"

    kind = models.CharField(max_length=8)
    grain = models.CharField(max_length=1)  # d: a day, m: a month (``day`` its first)
    day = models.DateField()
    district = models.ForeignKey(District, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 null=True, related_name="+")
    unit = models.CharField(max_length=200, null=True)
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "kind", "grain", "day", "fund", "campaign", "unit"],
                                    nulls_distinct=False, name="donation_figure_key"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.count} {self.amount}"
