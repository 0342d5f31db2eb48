"""Payouts, payout sheets for the bank and their lines, and who exported them.

The tables keep the names they had when these models lived in cases (the
move was state-only), so no data moved.
"""
from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Application, Batch
from funds.models import MONEY, Fund
from reliefdesk.models import District, Station


class Payout(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        IN_SHEET = "in_sheet", _("In a sheet")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        APPLICATION = "", _("Application")
        CYCLE_LINE = "cycle_line", _("Line of a recurring cycle")

    # What was approved and by which batch (a one-off application); or, for recurring aid, the line of a
    # cycle named by ``source`` and ``source_id`` (payouts never imports the app that approved it).
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="payouts")
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payouts")
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, null=True, blank=True, related_name="payouts")
    source = models.CharField(_("paid for"), max_length=16, choices=Source.choices, blank=True, default="")
    source_id = models.BigIntegerField(null=True, blank=True)
    # The number the bank's file carries for this payout: the application number, or the cycle line's.
    reference = models.CharField(_("reference"), max_length=40, db_index=True, default="")
    # What the bank's file says of it besides: the aid category and what approved it (batch or cycle title).
    aid_category = models.ForeignKey("funds.AidCategory", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    approval_title = models.CharField(_("approved in"), max_length=100, blank=True, default="")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(pgettext_lazy("bank sheet", "Amount (yuan)"), **MONEY)
    payee_name = models.CharField(_("Payee"), max_length=50)
    payee_id_number = models.CharField(_("ID number"), max_length=18)
    card_number = models.CharField(_("Card number"), max_length=19)
    bank_name = models.CharField(_("Bank"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=64, blank=True)
    failure_reason = models.TextField(_("failure reason"), blank=True)
    reissue_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="reissued_as")
    # The fund's debit of a paid payout: exactly one, and never the debit of another payout.
    ledger_entry = models.OneToOneField("funds.LedgerEntry", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="payout", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cases_payout"  # the table of before the app existed
        ordering = ["id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(condition=~Q(status="paid") | Q(ledger_entry__isnull=False),
                                   name="payout_paid_has_its_debit"),
            # At most one payout per case that is not failed: nobody is paid twice.
            models.UniqueConstraint(fields=["application"], condition=~Q(status="failed"),
                                    name="payout_one_live_per_application"),
            models.UniqueConstraint(fields=["source", "source_id"], condition=~Q(status="failed") & ~Q(source=""),
                                    name="payout_one_live_per_source"),
            # Exactly one origin: an application with its batch, or another source with its id.
            models.CheckConstraint(
                condition=(Q(source="") & Q(application__isnull=False) & Q(batch__isnull=False)
                           & Q(source_id__isnull=True))
                | (~Q(source="") & Q(application__isnull=True) & Q(batch__isnull=True) & Q(source_id__isnull=False)),
                name="payout_exactly_one_origin"),
        ]
        # A payout of an application written without them (a direct INSERT) takes its number, category and
        # batch title from the application: the bank's file reads them from the payout alone.
        triggers = [
            pgtrigger.Trigger(
                name="payout_describes_its_application", when=pgtrigger.Before, operation=pgtrigger.Insert,
                condition=pgtrigger.Condition('NEW."application_id" IS NOT NULL'),
                func="""
                    IF NEW.reference = '' OR NEW.aid_category_id IS NULL THEN
                        SELECT a.reference, a.category_id INTO NEW.reference, NEW.aid_category_id
                          FROM cases_application AS a WHERE a.id = NEW.application_id;
                    END IF;
                    IF NEW.approval_title = '' THEN
                        SELECT b.title INTO NEW.approval_title FROM cases_batch AS b WHERE b.id = NEW.batch_id;
                    END IF;
                    RETURN NEW;
                """),
        ]
        # Reports sum paid payouts by payment date.
        indexes = [models.Index(fields=["status", "paid_on"], name="payout_status_paid_on"),
                   # A cycle line's payouts (the latest of each, reissues included) are looked up by source.
                   models.Index(fields=["source", "source_id"], name="payout_source")]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


class PayoutSheet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Created")
        EXPORTED = "exported", _("Exported")
        CLOSED = "closed", _("Reconciled")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("sheet number"), max_length=30, unique=True)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="payout_sheets")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(default=Decimal("0.00"), **MONEY)
    cancelled_reason = models.TextField(blank=True)

    class Meta:
        db_table = "cases_payoutsheet"
        ordering = ["-created_at"]
        verbose_name = _("payout sheet")
        verbose_name_plural = _("payout sheets")

    def __str__(self) -> str:
        return self.number


class PayoutSheetLine(models.Model):
    sheet = models.ForeignKey(PayoutSheet, on_delete=models.PROTECT, related_name="lines")
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="sheet_lines")
    position = models.PositiveIntegerField()
    released = models.BooleanField(default=False)

    class Meta:
        db_table = "cases_payoutsheetline"
        ordering = ["sheet", "position"]
        constraints = [
            # A payout is in at most one live sheet: the bank never gets it twice.
            models.UniqueConstraint(fields=["payout"], condition=Q(released=False), name="payout_in_one_live_sheet"),
            models.UniqueConstraint(fields=["sheet", "position"], name="sheet_line_position_unique"),
        ]


class ExportLog(models.Model):
    """Who downloaded which sheet (full ID and card numbers leave the system here)."""

    sheet = models.ForeignKey(PayoutSheet, on_delete=models.PROTECT, related_name="exports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    row_count = models.PositiveIntegerField()
    total = models.DecimalField(**MONEY)

    class Meta:
        db_table = "cases_exportlog"


class PayoutDailyFigure(models.Model):
    """What was paid on one day (and again over its whole month), kept by PostgreSQL triggers.

    A payout counts when its status is paid, on its ``paid_on``, whatever made it (an award, a reissue,
    any later kind of payout): its station, district and fund are the payout's own. ``paid`` rows carry the
    count and the money by the case's aid category; ``days`` rows (no category) count the payouts by
    days from the Beijing day of the case's submission to payment, so the median and the 90th percentile
    of a period come out exact from a few rows. The triggers (migration ``0005``) follow a payout's every
    change and a case's changed category or submission.
    """

    class Figure(models.TextChoices):
        PAID = "paid"
        DAYS = "days"

    grain = models.CharField(max_length=1)  # d: a day, m: a month (``day`` its first)
    day = models.DateField()
    district = models.ForeignKey(District, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 related_name="+")
    station = models.ForeignKey(Station, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                related_name="+")
    fund = models.ForeignKey(Fund, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+")
    category = models.ForeignKey("funds.AidCategory", on_delete=models.DO_NOTHING, db_constraint=False,
                                 db_index=False, null=True, related_name="+")
    figure = models.CharField(max_length=8)
    days = models.IntegerField(null=True)
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "day", "district", "station", "fund", "category", "figure",
                                            "days"], nulls_distinct=False, name="payout_figure_key"),
        ]
        indexes = [
            models.Index(fields=["grain", "district", "day"], name="payout_figure_district"),
            models.Index(fields=["grain", "station", "day"], name="payout_figure_station"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.figure} {self.count} {self.amount}"
