"""The funds engine applied to an application: which rule set, which facts, what result.

``assess`` is the one place that turns a case into engine facts (the
beneficiary included), so the live estimate at intake, the submission's
check, the reviewer's proposal and the frozen award all see the same
figures and the same conditions.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases.models import Application
from funds.engine import Facts, evaluate
from funds.errors import NoRuleSetInForce
from funds.selectors import rule_set_in_force, rules_of
from reliefdesk.money import quantize_money

S = Application.Status

# Statuses of a case whose award counts towards the person's yearly cap.
AWARDED_STATUSES = (S.APPROVED, S.PAID, S.PAYMENT_FAILED)

ESTIMATE_FIELDS = ("estimate_rule_set", "estimate_eligible", "estimate_amount", "estimate_min", "estimate_max",
                   "estimate_explanation")


def submission_date_of(application: Application) -> dt.date:
    if application.submitted_at:
        return timezone.localdate(application.submitted_at)
    return timezone.localdate()


def judging_date(application: Application, rule_set=None) -> dt.date:
    """The date that picks the rule set: the event date, or the submission date if the rule set says so."""
    submitted = submission_date_of(application)
    if rule_set is None:
        return application.event_date or submitted
    return rule_set.decisive_date(event_date=application.event_date, submission_date=submitted) or submitted


def rule_set_for(application: Application, *, on: dt.date | None = None):
    """The rule set in force for the case (raises funds.errors.NoRuleSetInForce when none)."""

    if on is not None:
        return rule_set_in_force(fund=application.fund, category=application.category, on=on)
    rule_set = rule_set_in_force(fund=application.fund, category=application.category, on=judging_date(application))
    if rule_set.date_basis == rule_set.DateBasis.SUBMISSION and application.event_date:
        rule_set = rule_set_in_force(fund=application.fund, category=application.category,
                                     on=submission_date_of(application))
    return rule_set


def _basis_amount(application: Application, basis: str) -> Decimal | None:
    if basis == "self_paid":
        return application.self_paid
    if basis == "assessed_loss":
        return application.assessed_loss
    return None


def _awarded_this_year(application: Application, year: int) -> tuple[Decimal, int]:
    """What the same person already received from this fund and category in the calendar year."""
    others = Application.objects.filter(
        beneficiary_id_number=application.beneficiary_id_number,
        fund_id=application.fund_id,
        category_id=application.category_id,
        status__in=AWARDED_STATUSES,
        event_date__year=year,
    )
    if application.pk:
        others = others.exclude(pk=application.pk)
    totals = others.aggregate(total=Coalesce(Sum("awarded_amount"), Decimal("0.00")), count=Count("id"))
    return quantize_money(totals["total"]), totals["count"]


def facts_of(application: Application, rules) -> "object":
    """The engine facts of ``application`` under ``rules`` (funds.engine.Rules)."""

    year = (application.event_date or timezone.localdate()).year
    awarded, count = _awarded_this_year(application, year) if application.beneficiary_id_number else (
        Decimal("0.00"), 0)
    return Facts(
        basis_amount=_basis_amount(application, rules.basis),
        event_date=application.event_date,
        submission_date=submission_date_of(application),
        disease_code=application.disease.code if application.disease_id else None,
        is_member=application.member.is_union_member if application.member_id else True,
        is_family_member=application.beneficiary_id is not None,
        awarded_this_year=awarded,
        awards_this_year=count,
    )


def assess(application: Application, *, chosen_amount: Decimal | None = None, on: dt.date | None = None):
    """``(RuleSet, engine Result)`` for the case as it stands (unsaved changes included).

    Raises ``funds.errors.NoRuleSetInForce`` when the fund has no rule set for
    the category on the judging date.
    """

    rule_set = rule_set_for(application, on=on)
    rules = rules_of(rule_set, on=on or judging_date(application, rule_set))
    result = evaluate(rules, facts_of(application, rules), chosen_amount=chosen_amount)
    return rule_set, result


def result_text(result) -> str:
    """The explanation, or why the case is not eligible (Chinese: it is printed on the case)."""
    if result.eligible:
        return result.explanation
    reasons = "；".join(result.reasons)
    return f"{reasons}。{result.explanation}" if result.explanation else reasons


def refresh_estimate(application: Application, *, on: dt.date | None = None, save: bool = True):
    """Fill the ``estimate_*`` fields from the funds engine; returns the Result (None without a rule set).

    Saves only the estimate fields when ``save`` and the case exists; the
    caller holds the transaction.
    """

    result = None
    if not (application.fund_id and application.category_id):
        _clear(application, "")
    else:
        try:
            rule_set, result = assess(application, on=on)
        except NoRuleSetInForce as exc:
            _clear(application, str(exc.message))
        else:
            application.estimate_rule_set = rule_set
            application.estimate_eligible = result.eligible
            application.estimate_amount = result.amount if result.eligible else None
            application.estimate_min = result.range_min if result.eligible else None
            application.estimate_max = result.range_max if result.eligible else None
            application.estimate_explanation = result_text(result)
    if save and application.pk:
        application.save(update_fields=[*ESTIMATE_FIELDS, "updated_at"])
    return result


def _clear(application: Application, explanation: str) -> None:
    application.estimate_rule_set = None
    application.estimate_eligible = None
    application.estimate_amount = None
    application.estimate_min = None
    application.estimate_max = None
    application.estimate_explanation = explanation
