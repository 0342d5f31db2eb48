"""Recurring aid paid in cycles (周期性帮扶): a programme's cycle for a date, its lines and who was left out.

A cycle is generated for one programme, one district and one period (2024-03, 2024-autumn,
2025-spring-festival): the database keeps one such cycle, so generating twice or two reviewers at once
give the same cycle. Each enrolled household (or pupil) that qualifies on the cycle's date gets one line
with its amount and explanation; the others are recorded as left out with the reason. Approval freezes
the lines and makes each one a payout.
"""
from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funds.models import MONEY, ParameterValue, Programme, RuleSet
from households.models.household import Household, HouseholdPerson
from reliefdesk.models import District


class Cycle(models.Model):
    class Status(models.TextChoices):
        GENERATED = "generated", _("Generated")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        DISCARDED = "discarded", _("Discarded")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cycles",
                                  verbose_name=_("programme"))
    # The district whose households the cycle pays (a district fund's own district; a city-wide fund's
    # programme runs a cycle per district, paid from that district's part).
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="cycles",
                                 verbose_name=_("district"))
    cycle_date = models.DateField(_("cycle date"))
    period_key = models.CharField(_("period"), max_length=40)
    title = models.CharField(_("title"), max_length=100)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.GENERATED,
                              db_index=True)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="cycles",
                                 verbose_name=_("rule set"))
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    left_out_count = models.PositiveIntegerField(_("left out"), default=0)
    total = models.DecimalField(_("total (yuan)"), default=Decimal("0.00"), **MONEY)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    discard_reason = models.TextField(_("why it was discarded"), blank=True, db_default="")

    class Meta:
        ordering = ["-cycle_date", "-id"]
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        constraints = [
            # Generating a cycle twice, or two reviewers at once, gives one live cycle; a discarded one
            # leaves its period free to be generated again.
            models.UniqueConstraint(fields=["programme", "district", "period_key"], name="cycle_one_per_period",
                                    condition=~Q(status="discarded")),
            models.CheckConstraint(condition=Q(total__gte=0), name="cycle_total_not_negative"),
            models.CheckConstraint(condition=Q(status__in=["generated", "discarded"]) | Q(approved_at__isnull=False),
                                   name="cycle_approved_has_time"),
            # An approved cycle is never discarded: its lines became payouts.
            models.CheckConstraint(condition=~Q(status="discarded") | Q(approved_at__isnull=True),
                                   name="cycle_discarded_never_approved"),
        ]
        indexes = [models.Index(fields=["district", "cycle_date"], name="cycle_district_date")]

    def __str__(self) -> str:
        return self.title


class CycleLine(models.Model):
    """One household's (or pupil's) entitlement in a cycle, frozen once the cycle is approved."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="lines")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cycle_lines")
    pupil = models.ForeignKey(HouseholdPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("pupil"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    explanation = models.TextField(_("explanation"))
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+")
    parameter_value = models.ForeignKey(ParameterValue, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    parameter_amount = models.DecimalField(_("parameter value used"), null=True, blank=True, **MONEY)
    payee_name = models.CharField(_("Payee"), max_length=50)
    payee_id_number = models.CharField(_("ID number"), max_length=18)
    card_number = models.CharField(_("Card number"), max_length=19)
    bank_name = models.CharField(_("Bank"), max_length=100)
    removed = models.BooleanField(_("removed"), default=False)
    removed_reason = models.TextField(_("why it was removed"), blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("cycle line")
        verbose_name_plural = _("cycle lines")
        constraints = [
            # Nobody twice in one cycle (a household line has no pupil: NULLS NOT DISTINCT keeps it single).
            models.UniqueConstraint(fields=["cycle", "household", "pupil"], nulls_distinct=False,
                                    name="cycle_line_once_per_unit"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="cycle_line_amount_positive"),
            models.CheckConstraint(condition=Q(removed=False) | ~Q(removed_reason=""),
                                   name="cycle_line_removed_has_reason"),
            models.CheckConstraint(condition=~Q(card_number=""), name="cycle_line_has_card"),
        ]
        indexes = [models.Index(fields=["household", "cycle"], name="cycle_line_household")]
        # An approved cycle's lines are frozen: PostgreSQL refuses to change or delete them, whoever asks.
        triggers = [
            pgtrigger.Trigger(
                name="cycle_line_frozen_once_approved", when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func="""
                    IF EXISTS (SELECT 1 FROM households_cycle WHERE id = OLD.cycle_id AND status <> 'generated') THEN
                        RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation',
                            MESSAGE = format('cycle line %s belongs to an approved cycle and is frozen', OLD.id);
                    END IF;
                    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                    RETURN NEW;
                """),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.payee_name} {self.amount}"


class CycleExclusion(models.Model):
    """Someone enrolled in the programme who gets no line in this cycle, and why."""

    class Reason(models.TextChoices):
        LEFT_HARDSHIP = "left_hardship", _("Left hardship")
        NOT_ON_FILE = "not_on_file", _("Not on file on the cycle's date")
        NO_CIVIL_STATUS = "no_civil_status", _("Not minimum-living or low-income on the cycle's date")
        NOT_IN_SCHOOL = "not_in_school", _("Not in school at the programme's levels")
        NO_CARD = "no_card", _("Card number missing")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="exclusions")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="cycle_exclusions")
    pupil = models.ForeignKey(HouseholdPerson, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)

    class Meta:
        ordering = ["cycle", "id"]
        verbose_name = _("left out of a cycle")
        verbose_name_plural = _("left out of cycles")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "household", "pupil"], nulls_distinct=False,
                                    name="cycle_exclusion_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_reason_display()}"


class ProgrammeEnrolment(models.Model):
    """A household the reviewer chose for a programme enrolled by choice (e.g. six needy women workers)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="chosen_households")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="programme_enrolments")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "id"]
        verbose_name = _("chosen household")
        verbose_name_plural = _("chosen households")
        constraints = [models.UniqueConstraint(fields=["programme", "household"],
                                               name="programme_enrolment_once")]
