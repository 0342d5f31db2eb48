"""Funds, aid categories, versioned rule sets with tiers, parameters and the ledger."""
from __future__ import annotations

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    BigIntegerRangeField,
    DateRangeField,
    DecimalRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from reliefdesk.models import AppendOnlyModel, District

MONEY = {"max_digits": 12, "decimal_places": 2}


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class NumericRange(Func):
    function = "NUMRANGE"
    output_field = DecimalRangeField()


class SingletonRange(Func):
    """``int8range(x, x, '[]')``: equality as range overlap.

    The embedded PostgreSQL has no btree_gist, so exclusion constraints
    express "same fund" as overlapping one-point ranges, which GiST indexes
    natively.
    """

    template = "INT8RANGE(%(expressions)s, %(expressions)s, '[]')"
    output_field = BigIntegerRangeField()


class OrZero(Func):
    """``COALESCE(x, 0)`` with the 0 written out: a constraint's expression takes no parameters."""

    template = "COALESCE(%(expressions)s, 0)"
    output_field = models.BigIntegerField()


class AidCategory(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    required_documents = models.JSONField(
        _("required documents"), default=list, blank=True, help_text=_("Document kind codes this category requires.")
    )
    checklist = models.JSONField(
        _("verification checklist"), default=list, blank=True, help_text=_("Checklist item codes for reviewers.")
    )
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("aid category")
        verbose_name_plural = _("aid categories")

    def __str__(self) -> str:
        return self.name


class Fund(models.Model):
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="funds",
                                 verbose_name=_("district"), help_text=_("Empty for a city-wide programme."))
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("public-notice working days"), default=5)
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    # An exception amount (outside what the rule gives) may be at most the lower of these; empty: no bound.
    exception_max_amount = models.DecimalField(
        _("largest exception amount"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("An exception amount may not exceed this many yuan. Empty: no fixed maximum."), **MONEY)
    exception_cap_multiple = models.DecimalField(
        _("exception at most this multiple of the rule's cap"), max_digits=6, decimal_places=2, null=True,
        blank=True, validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("E.g. 2: an exception amount may be at most twice the most the rule gives a case (its cap per "
                    "case, or its highest tier). Empty: no such bound."))

    class Meta:
        ordering = ["slug"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.CheckConstraint(condition=Q(exception_max_amount__isnull=True) | Q(exception_max_amount__gt=0),
                                   name="fund_exception_max_positive"),
            models.CheckConstraint(condition=Q(exception_cap_multiple__isnull=True) | Q(exception_cap_multiple__gt=0),
                                   name="fund_exception_multiple_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Disease(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("disease")
        verbose_name_plural = _("diseases")

    def __str__(self) -> str:
        return self.name


class InUseAndChanged(pgtrigger.Condition):
    """``OLD.<flag>`` is set and a column other than ``allowed`` changes (or the status goes back to draft)."""

    def __init__(self, *, flag: str, allowed: tuple[str, ...], no_return_to_draft: bool = False):
        self.flag = flag
        self.allowed = allowed
        self.no_return_to_draft = no_return_to_draft

    def resolve(self, model) -> str:
        changed = pgtrigger.AnyChange(exclude=list(self.allowed)).resolve(model)
        if self.no_return_to_draft:
            changed = f"({changed}) OR NEW.\"status\" = 'draft'"
        return f'OLD."{self.flag}" IS NOT NULL AND OLD."{self.flag}" IS DISTINCT FROM FALSE AND ({changed})'


def _refuse(message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = 'integrity_constraint_violation', MESSAGE = {message};"


class Parameter(models.Model):
    """A figure with dated values, e.g. the monthly minimum-living standard."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="元")

    class Meta:
        ordering = ["code"]
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")

    def __str__(self) -> str:
        return self.name


class ParameterValue(models.Model):
    parameter = models.ForeignKey(Parameter, on_delete=models.CASCADE, related_name="values")
    valid_from = models.DateField(_("valid from"))
    value = models.DecimalField(_("value"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # The last day a case beyond draft was judged with this value; from then on it is never changed, and no
    # new value may start on or before that day (a correction is a new dated value after it).
    used_through = models.DateField(_("judged cases until"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["parameter", "valid_from"]
        verbose_name = _("parameter value")
        verbose_name_plural = _("parameter values")
        constraints = [
            models.UniqueConstraint(fields=["parameter", "valid_from"], name="parameter_value_unique_date"),
            models.CheckConstraint(condition=Q(value__gte=0), name="parameter_value_not_negative"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="parameter_value_used_is_read_only", when=pgtrigger.Before, operation=pgtrigger.Update,
                condition=pgtrigger.Condition(
                    'OLD."used_through" IS NOT NULL AND (NEW."used_through" IS NULL '
                    'OR NEW."used_through" < OLD."used_through" OR NEW."parameter_id" <> OLD."parameter_id" '
                    'OR NEW."valid_from" <> OLD."valid_from" OR NEW."value" <> OLD."value")'),
                func=_refuse("format('parameter value %s judged cases until %s and is never changed: enter a new "
                             "dated value instead', OLD.id, OLD.used_through)")),
            pgtrigger.Trigger(
                name="parameter_value_used_is_kept", when=pgtrigger.Before, operation=pgtrigger.Delete,
                condition=pgtrigger.Condition('OLD."used_through" IS NOT NULL'),
                func=_refuse("format('parameter value %s judged cases and is never deleted', OLD.id)")),
            pgtrigger.Trigger(
                name="parameter_value_starts_after_its_use", when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.UpdateOf("valid_from", "parameter_id"),
                func="""
                    IF EXISTS (SELECT 1 FROM funds_parametervalue AS v
                               WHERE v.parameter_id = NEW.parameter_id AND v.id IS DISTINCT FROM NEW.id
                                 AND v.valid_from < NEW.valid_from AND v.used_through >= NEW.valid_from) THEN
                        """ + _refuse("format('a value of parameter %s from %s would change the value cases up to "
                                      "then were judged with: it may start only after the last of them', "
                                      "NEW.parameter_id, NEW.valid_from)") + """
                    END IF;
                    RETURN NEW;
                """),
        ]

    def __str__(self) -> str:
        return f"{self.parameter} {self.valid_from}: {self.value}"



class Programme(models.Model):
    """Recurring aid of one fund (周期性帮扶): who is enrolled, what unit is paid, on which schedule.

    Its amounts come from its own versioned rule sets (``RuleSet.programme``); its cycles and their lines
    live in the households app.
    """

    class Schedule(models.TextChoices):
        MONTHLY = "monthly", _("Every month")
        TERM = "term", _("Every school term")
        YEARLY = "yearly", _("Every school year")
        HOLIDAY = "holiday", _("At holidays")
        ONCE = "once", _("Once")

    class Unit(models.TextChoices):
        HOUSEHOLD = "household", _("Per household")
        PUPIL = "pupil", _("Per pupil")

    class Enrolment(models.TextChoices):
        CIVIL_STATUS = "civil_status", _("On file and minimum-living or low-income on the cycle's date")
        SCHOOL = "school", _("Pupils in school at the programme's levels")
        ON_FILE = "on_file", _("Every household on file")
        CHOSEN = "chosen", _("Households chosen by the reviewer")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("fund"))
    category = models.ForeignKey(AidCategory, on_delete=models.PROTECT, related_name="programmes",
                                 verbose_name=_("aid category"))
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    schedule = models.CharField(_("schedule"), max_length=10, choices=Schedule.choices)
    unit = models.CharField(_("paid per"), max_length=10, choices=Unit.choices, default=Unit.HOUSEHOLD)
    enrolment = models.CharField(_("who is enrolled"), max_length=14, choices=Enrolment.choices)
    # Schooling level codes as the households app names them (senior, college, undergraduate...).
    school_levels = ArrayField(models.CharField(max_length=16), default=list, blank=True,
                               verbose_name=_("school levels"))
    single_parent_widening = models.BooleanField(
        _("children of single parents from pre-school to university"), default=False,
        help_text=_("A single parent's children in school at any level, pre-school to university, are enrolled."))
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["fund", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="programme_code_unique_in_fund"),
            models.CheckConstraint(condition=~Q(enrolment="school") | Q(unit="pupil"),
                                   name="programme_school_enrolment_pays_pupils"),
            models.CheckConstraint(condition=~Q(unit="pupil") | Q(enrolment="school"),
                                   name="programme_pupils_are_enrolled_by_school"),
        ]

    def __str__(self) -> str:
        return self.name


class RuleSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    class DateBasis(models.TextChoices):
        EVENT = "event", _("Event date")
        SUBMISSION = "submission", _("Submission date")

    class Basis(models.TextChoices):
        SELF_PAID = "self_paid", _("Self-paid medical amount")
        ASSESSED_LOSS = "assessed_loss", _("Assessed loss")
        NONE = "none", _("None")

    class Rounding(models.TextChoices):
        CENT = "cent", _("To the cent")
        YUAN = "yuan", _("To the whole yuan")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rule_sets", verbose_name=_("fund"))
    category = models.ForeignKey(AidCategory, on_delete=models.PROTECT, related_name="rule_sets",
                                 verbose_name=_("aid category"))
    # Empty: a rule set of one-off applications. Set: the versioned amounts of one recurring programme.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="rule_sets", verbose_name=_("programme"))
    version_name = models.CharField(_("version"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True, help_text=_("Empty: open-ended."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    date_basis = models.CharField(_("decided by"), max_length=12, choices=DateBasis.choices, default=DateBasis.EVENT)
    basis = models.CharField(_("basis"), max_length=16, choices=Basis.choices, default=Basis.SELF_PAID)
    minimum_basis = models.DecimalField(_("minimum basis"), null=True, blank=True, **MONEY)
    case_cap = models.DecimalField(_("cap per case"), null=True, blank=True, **MONEY)
    annual_cap = models.DecimalField(_("cap per person per calendar year"), null=True, blank=True, **MONEY)
    case_minimum = models.DecimalField(_("minimum per case"), null=True, blank=True, **MONEY)
    max_awards_per_year = models.PositiveSmallIntegerField(_("most awards per person per year"), null=True, blank=True)
    window_days = models.PositiveIntegerField(_("application window (days after the event)"), null=True, blank=True)
    membership_required = models.BooleanField(_("union membership required"), default=True)
    family_allowed = models.BooleanField(_("family members may benefit"), default=False)
    diseases_restricted = models.BooleanField(_("only listed diseases"), default=False)
    diseases = models.ManyToManyField(Disease, blank=True, related_name="rule_sets", verbose_name=_("covered diseases"))
    rounding = models.CharField(_("rounding"), max_length=4, choices=Rounding.choices, default=Rounding.CENT)
    source_note = models.TextField(_("source"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revised_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="revisions",
                                     verbose_name=_("revised from"))
    # Set once a case beyond draft is judged under this version (never unset): from then on the version, its
    # tiers and its diseases are read-only, in the services, the admin and PostgreSQL; only its period may be
    # closed (a successor activated) and it may be retired.
    in_use = models.BooleanField(_("judged cases"), default=False, editable=False)

    class Meta:
        ordering = ["fund", "category", "effective_from"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            ExclusionConstraint(
                name="ruleset_active_periods_do_not_overlap_per_programme",
                expressions=[
                    (DateRange("effective_from", "effective_to", RangeBoundary(inclusive_lower=True,
                                                                                inclusive_upper=True)),
                     RangeOperators.OVERLAPS),
                    (SingletonRange("fund"), RangeOperators.OVERLAPS),
                    (SingletonRange("category"), RangeOperators.OVERLAPS),
                    # Per programme: one-off rule sets (no programme) count as programme 0.
                    (SingletonRange(OrZero(F("programme"))), RangeOperators.OVERLAPS),
                ],
                condition=Q(status="active"),
            ),
            models.CheckConstraint(condition=Q(effective_to__isnull=True) | Q(effective_to__gte=F("effective_from")),
                                   name="ruleset_period_ends_after_start"),
            models.CheckConstraint(condition=Q(case_cap__isnull=True) | Q(case_cap__gte=0), name="ruleset_cap_not_negative"),
            models.CheckConstraint(condition=Q(annual_cap__isnull=True) | Q(annual_cap__gte=0),
                                   name="ruleset_annual_cap_not_negative"),
            models.CheckConstraint(condition=Q(minimum_basis__isnull=True) | Q(minimum_basis__gte=0),
                                   name="ruleset_minimum_basis_not_negative"),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="ruleset_in_use_is_read_only", when=pgtrigger.Before, operation=pgtrigger.Update,
                condition=InUseAndChanged(flag="in_use", allowed=("effective_to", "status"), no_return_to_draft=True),
                func=_refuse("format('rule set %s judged cases and is read-only: revise it as a new version', "
                             "OLD.id)")),
            pgtrigger.Trigger(
                name="ruleset_in_use_is_kept", when=pgtrigger.Before, operation=pgtrigger.Delete,
                condition=pgtrigger.Condition('OLD."in_use"'),
                func=_refuse("format('rule set %s judged cases and is never deleted', OLD.id)")),
        ]

    def __str__(self) -> str:
        return f"{self.fund.slug} · {self.category.code} · {self.version_name}"

    def decisive_date(self, *, event_date, submission_date):
        """The date that decides a case under this rule set (engine.Rules.decisive_date, for models)."""
        return submission_date if self.date_basis == self.DateBasis.SUBMISSION else event_date


# The tiers and the disease list of a rule set in use never change (the list's table is guarded by the same
# function, installed by migration 0006: an auto-created many-to-many table takes no Meta triggers).
RULE_SET_CHILD_GUARD = """
    IF TG_OP <> 'INSERT' AND EXISTS (SELECT 1 FROM funds_ruleset WHERE id = OLD.{column} AND in_use) THEN
        """ + _refuse("format('rule set %s judged cases: its {what} are read-only; revise it as a new version', "
                      "OLD.{column})") + """
    END IF;
    IF TG_OP <> 'DELETE' AND EXISTS (SELECT 1 FROM funds_ruleset WHERE id = NEW.{column} AND in_use) THEN
        """ + _refuse("format('rule set %s judged cases: its {what} are read-only; revise it as a new version', "
                      "NEW.{column})") + """
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
"""


class Tier(models.Model):
    class Kind(models.TextChoices):
        RATE = "rate", _("Rate of the basis")
        FIXED = "fixed", _("Fixed amount")
        RANGE = "range", _("Range chosen by the reviewer")
        PARAMETER = "parameter", _("Multiple of a parameter")

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="tiers")
    lower = models.DecimalField(_("from (inclusive)"), default=Decimal("0"), **MONEY)
    upper = models.DecimalField(_("to (exclusive)"), null=True, blank=True, help_text=_("Empty: no upper bound."), **MONEY)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    rate = models.DecimalField(_("rate (%)"), max_digits=6, decimal_places=3, null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))])
    amount = models.DecimalField(_("fixed amount"), null=True, blank=True, **MONEY)
    range_min = models.DecimalField(_("range from"), null=True, blank=True, **MONEY)
    range_max = models.DecimalField(_("range to"), null=True, blank=True, **MONEY)
    parameter = models.ForeignKey(Parameter, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("parameter"))
    multiplier = models.DecimalField(_("multiplier"), max_digits=8, decimal_places=3, null=True, blank=True)
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        ordering = ["rule_set", "lower"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            ExclusionConstraint(
                name="tiers_do_not_overlap",
                expressions=[
                    (NumericRange("lower", "upper", RangeBoundary(inclusive_lower=True, inclusive_upper=False)),
                     RangeOperators.OVERLAPS),
                    (SingletonRange("rule_set"), RangeOperators.OVERLAPS),
                ],
            ),
            models.CheckConstraint(condition=Q(lower__gte=0), name="tier_lower_not_negative"),
            models.CheckConstraint(condition=Q(upper__isnull=True) | Q(upper__gt=F("lower")),
                                   name="tier_upper_above_lower"),
            models.CheckConstraint(condition=Q(rate__isnull=True) | (Q(rate__gte=0) & Q(rate__lte=100)),
                                   name="tier_rate_between_0_and_100"),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="tier_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(range_min__isnull=True) | Q(range_max__isnull=True)
                | (Q(range_min__gte=0) & Q(range_max__gte=F("range_min"))),
                name="tier_range_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(kind="rate") & Q(rate__isnull=False))
                | (Q(kind="fixed") & Q(amount__isnull=False))
                | (Q(kind="range") & Q(range_min__isnull=False) & Q(range_max__isnull=False))
                | (Q(kind="parameter") & Q(parameter__isnull=False) & Q(multiplier__isnull=False)),
                name="tier_kind_has_its_values",
            ),
        ]
        triggers = [
            pgtrigger.Trigger(
                name="tiers_of_a_rule_set_in_use_are_read_only", when=pgtrigger.Before,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
                func=RULE_SET_CHILD_GUARD.format(column="rule_set_id", what="tiers")),
        ]

    def __str__(self) -> str:
        return f"{self.lower}–{self.upper or '∞'} {self.get_kind_display()}"


class LedgerEntry(AppendOnlyModel):
    """One movement of a fund's money. Credits are positive, debits negative."""

    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening balance")
        DONATION = "donation", _("Donation received")
        DONATION_VOID = "donation_void", _("Donation voided")
        PAYOUT = "payout", _("Payout paid")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REVERSAL = "reversal", _("Reversal")
        ALLOCATION = "allocation", _("Allocation to a district")

    # Indexed by ledger_fund_date_idx and ledger_fund_part_date_idx, which start with it.
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("fund"),
                             db_index=False)
    # A city-wide fund (no district) is held at city level and drawn on by the districts through allocations:
    # each of its entries belongs to the district whose part it moves, or to the city level when empty.
    # Entries of a district's own fund carry none.
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district's part"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    booked_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # What caused an entry points at it (a payout at its debit, a donation at its credit), one-to-one:
    # the ledger knows nothing above the funds.
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["booked_on", "id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(condition=~Q(kind="payout") | Q(amount__lt=0), name="ledger_payout_entry_is_a_debit"),
            models.CheckConstraint(condition=~Q(kind="donation") | Q(amount__gt=0),
                                   name="ledger_donation_entry_is_a_credit"),
        ]
        indexes = [models.Index(fields=["fund", "booked_on"], name="ledger_fund_date_idx"),
                   models.Index(fields=["fund", "district", "booked_on"], name="ledger_fund_part_date_idx")]
        # A correction is a reversing entry: PostgreSQL refuses UPDATE and DELETE, whoever sends them.
        triggers = [
            pgtrigger.Protect(name="ledger_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # Once per statement over its new rows (a transition table): a per-row trigger running a query for
            # each entry makes a large COPY quadratic while deferred foreign-key checks are queued.
            pgtrigger.Trigger(
                name="ledger_entry_in_its_districts_part", when=pgtrigger.After, operation=pgtrigger.Insert,
                level=pgtrigger.Statement, referencing=pgtrigger.Referencing(new="new_entries"),
                declare=[("bad", "record")],
                func="""
                    SELECT n.fund_id, f.district_id AS fund_district_id INTO bad
                      FROM new_entries n JOIN funds_fund f ON f.id = n.fund_id
                     WHERE (f.district_id IS NOT NULL AND (n.district_id IS NOT NULL OR n.kind = 'allocation'))
                        OR (f.district_id IS NULL AND n.kind = 'payout' AND n.district_id IS NULL)
                     LIMIT 1;
                    IF FOUND THEN
                        IF bad.fund_district_id IS NOT NULL THEN
                            """ + _refuse("format('fund %s belongs to a district: its entries have no district "
                                          "part and no allocations', bad.fund_id)") + """
                        ELSE
                            """ + _refuse("format('a payout of city-wide fund %s is paid from a district''s part',"
                                          " bad.fund_id)") + """
                        END IF;
                    END IF;
                    RETURN NULL;
                """),
        ]

    def __str__(self) -> str:
        return f"{self.fund.slug} {self.booked_on} {self.amount}"


class LedgerDailyFigure(models.Model):
    """The net movement of a fund's part on one day, and again over its whole month, kept by PostgreSQL.

    The ledger is append-only, so a trigger on insert (migration ``0009``) is all it takes; the balance
    at a month's end is the sum of the month rows before it, a few rows per fund and year.
    """

    grain = models.CharField(max_length=1)  # d: a day, m: a month (``day`` its first)
    day = models.DateField()
    fund = models.ForeignKey(Fund, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                             related_name="+")
    district = models.ForeignKey(District, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False,
                                 null=True, related_name="+")
    count = models.BigIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fund", "district", "grain", "day"], nulls_distinct=False,
                                    name="ledger_figure_key"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.amount}"
