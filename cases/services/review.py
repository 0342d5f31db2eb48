"""District review: take a case, record the checklist and the amount, verify, return or reject.

Every function locks the application, checks the role (403) and the
district scope (404) and moves the status through cases.workflow.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.estimate import assess, judging_date, result_text, rule_set_for
from cases.models import Application
from cases.selectors.intake import applications_visible_to, has_invoice_conflicts, invoice_conflicts
from cases.workflow import APPLICATION
from funds.errors import NoRuleSetInForce
from funds.selectors import exception_limit, rules_of
from funds.services import rule_sets_mark_used
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import record_event
from reliefdesk.models import Role
from reliefdesk.money import format_money, quantize_money
from reliefdesk.scope import get_or_404, require_role

S = Application.Status

# Item codes a category's checklist may name (AidCategory.checklist), with what the reviewer confirms.
CHECKLIST_LABELS = {
    "documents_seen": gettext_lazy("Documents seen and complete"),
    "membership_confirmed": gettext_lazy("Union membership confirmed"),
    "amounts_match": gettext_lazy("Amounts match the invoices"),
    "disease_covered": gettext_lazy("Disease covered by the rules"),
    "home_visit": gettext_lazy("Home visit"),
    "civil_affairs_check": gettext_lazy("Civil affairs check"),
    "loss_assessed": gettext_lazy("Loss assessed"),
}

# Why an amount outside what the rule allows was set (an exception amount).
OVERRIDE_CODES = {
    "hardship_exceptional": gettext_lazy("Exceptional hardship"),
    "rule_gap": gettext_lazy("The rules do not cover this case"),
    "committee_instruction": gettext_lazy("Instruction of the review committee"),
}


class AmountMode:
    COMPUTED = "computed"
    CHOSEN = "chosen"
    EXCEPTION = "exception"


def application_lock(application: Application | int, actor, *roles: str) -> Application:
    """The application row, locked, if ``actor`` has one of ``roles`` (403) and may see it (404)."""
    require_role(actor, *roles)
    pk = application.pk if isinstance(application, Application) else application
    return get_or_404(applications_visible_to(user=actor).select_for_update(of=("self",)), pk=pk)


def checklist_items(*, application: Application) -> list[tuple[str, str]]:
    """The (code, label) pairs the application's category asks the reviewer to confirm."""
    return [(code, CHECKLIST_LABELS.get(code, code)) for code in (application.category.checklist or [])]


def missing_checklist_items(*, application: Application) -> list[str]:
    ticked = application.checklist or {}
    return [code for code, _label in checklist_items(application=application) if not ticked.get(code)]


def application_take(*, application: Application | int, actor) -> Application:
    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        application.assigned_reviewer = actor
        return APPLICATION.apply(application, "take", actor=actor, update_fields=("assigned_reviewer",))


def _require_in_review(application: Application) -> None:
    if application.status != S.IN_REVIEW:
        raise TransitionNotAllowed(
            _("This application is %(status)s; only an application in review can be changed here.")
            % {"status": application.get_status_display()}
        )


def _decide_amount(application: Application, amount: Decimal | None, reason: str, override_code: str):
    """(mode, amount, rule set, result) for the amount the reviewer proposes, or DomainError."""

    rule_set, result = assess(application)
    is_range = result.eligible and result.amount is None and result.range_min is not None
    if amount is None:
        if result.eligible and result.amount is not None:
            return AmountMode.COMPUTED, quantize_money(result.amount), rule_set, result
        if is_range:
            raise DomainError(
                _("The rule gives a range of %(low)s to %(high)s yuan: enter the amount you choose and why.")
                % {"low": result.range_min, "high": result.range_max}, field="amount")
        raise DomainError(
            _("Under the rules this case is not eligible (%(why)s). Enter an exception amount with a reason code "
              "and a written reason, or reject the application.") % {"why": "; ".join(result.reasons_en)},
            field="amount")

    amount = quantize_money(amount)
    if amount <= 0:
        raise DomainError(_("The amount must be more than zero."), field="amount")
    if result.eligible and result.amount is not None and amount == quantize_money(result.amount):
        return AmountMode.COMPUTED, amount, rule_set, result
    if is_range and result.range_min <= amount <= result.range_max:
        try:
            _rule_set, chosen = assess(application, chosen_amount=amount)
        except DomainError:
            chosen = None  # outside the capped range: an exception amount
        if chosen is not None and chosen.amount is not None and quantize_money(chosen.amount) == amount:
            if not reason:
                raise DomainError(_("Give the reason for the amount chosen within the range."), field="amount_reason")
            return AmountMode.CHOSEN, amount, rule_set, chosen
    if override_code not in OVERRIDE_CODES:
        raise DomainError(
            _("%(amount)s yuan is outside what the rule allows: an exception amount needs a reason code.")
            % {"amount": amount}, field="override_code")
    if not reason:
        raise DomainError(_("An exception amount needs a written reason."), field="amount_reason")
    _check_exception_limit(application, rule_set, amount)
    return AmountMode.EXCEPTION, amount, rule_set, result


def exception_limit_of(application: Application, rule_set=None):
    """The bound an administrator set on the fund's exception amounts, for this case's rule set (or None)."""
    try:
        rule_set = rule_set or rule_set_for(application)
    except NoRuleSetInForce:
        return None
    rules = rules_of(rule_set, on=judging_date(application, rule_set))
    return exception_limit(fund=application.fund, rules=rules)


def _check_exception_limit(application: Application, rule_set, amount: Decimal) -> None:
    limit = exception_limit_of(application, rule_set)
    if limit is not None and amount > limit.amount:
        raise DomainError(
            _("%(amount)s yuan is above the largest exception amount of this fund, %(limit)s yuan (set by an "
              "administrator): enter at most %(limit)s.")
            % {"amount": format_money(amount), "limit": format_money(limit.amount)}, field="amount",
            code="exception_limit")


def application_save_review(*, application: Application | int, actor, checklist: dict | list | tuple,
                            amount: Decimal | None = None, amount_reason: str = "",
                            override_code: str = "") -> Application:
    """Record the checklist and the proposed amount (computed, chosen in a range, or an exception)."""

    amount_reason = (amount_reason or "").strip()
    override_code = (override_code or "").strip()
    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        _require_in_review(application)
        codes = [code for code, _label in checklist_items(application=application)]
        ticked = set(checklist) if not isinstance(checklist, dict) else {k for k, v in checklist.items() if v}
        unknown = ticked - set(codes)
        if unknown:
            raise DomainError(_("Unknown checklist items: %(items)s.") % {"items": ", ".join(sorted(unknown))},
                              field="checklist")
        mode, proposed, rule_set, result = _decide_amount(application, amount, amount_reason, override_code)
        is_override = mode == AmountMode.EXCEPTION
        changed_amount = proposed != application.proposed_amount or is_override != application.is_override
        application.checklist = {code: code in ticked for code in codes}
        application.proposed_amount = proposed
        application.amount_reason = amount_reason
        application.is_override = is_override
        application.override_code = override_code if is_override else ""
        if changed_amount or not is_override:
            # A confirmed exception stays confirmed only for the amount the approver saw.
            application.override_confirmed_by = None
            application.override_confirmed_at = None
        application.estimate_rule_set = rule_set
        application.estimate_eligible = result.eligible
        application.estimate_amount = result.amount if result.eligible else None
        application.estimate_min = result.range_min if result.eligible else None
        application.estimate_max = result.range_max if result.eligible else None
        application.estimate_explanation = result_text(result)
        application.save(update_fields=[
            "checklist", "proposed_amount", "amount_reason", "is_override", "override_code", "override_confirmed_by",
            "override_confirmed_at", "estimate_rule_set", "estimate_eligible", "estimate_amount", "estimate_min",
            "estimate_max", "estimate_explanation", "updated_at",
        ])
        if rule_set is not None:
            rule_sets_mark_used(uses={rule_set.pk: [judging_date(application, rule_set)]})
        record_event(application, actor=actor, action="application.review_saved", reason=amount_reason,
                     data={"amount": str(proposed), "mode": mode, "override_code": application.override_code,
                           "checklist": sorted(ticked), "rule_set": rule_set.pk if rule_set else None})
        return application


def application_acknowledge_invoices(*, application: Application | int, actor) -> Application:
    """The reviewer has seen the possible double invoices and accepts them (required before verifying)."""

    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        _require_in_review(application)
        conflicts = list(invoice_conflicts(application=application))
        if not conflicts:
            raise DomainError(_("This application shares no invoice with another one."))
        application.invoices_acknowledged_by = actor
        application.invoices_acknowledged_at = timezone.now()
        application.save(update_fields=["invoices_acknowledged_by", "invoices_acknowledged_at", "updated_at"])
        record_event(application, actor=actor, action="application.invoices_acknowledged",
                     data={"invoices": sorted({c.number for c in conflicts})[:50]})
        return application


def application_verify(*, application: Application | int, actor) -> Application:

    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        _require_in_review(application)
        missing = missing_checklist_items(application=application)
        if missing:
            raise TransitionNotAllowed(
                _("Tick every checklist item first; missing: %(items)s.")
                % {"items": "、".join(str(CHECKLIST_LABELS.get(code, code)) for code in missing)}, field="checklist")
        if application.proposed_amount is None:
            raise TransitionNotAllowed(_("Save the amount first."), field="amount")
        if application.invoices_acknowledged_at is None and has_invoice_conflicts(application=application):
            raise TransitionNotAllowed(
                _("Another application claims the same invoice: acknowledge the double-invoice warning first."))
        application.verified_at = timezone.now()
        return APPLICATION.apply(application, "verify", actor=actor, update_fields=("verified_at",),
                                data={"amount": str(application.proposed_amount)})


def application_return(*, application: Application | int, actor, reason: str) -> Application:
    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        return APPLICATION.apply(application, "return", actor=actor, reason=reason or "")


def application_reject(*, application: Application | int, actor, reason: str) -> Application:
    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        return APPLICATION.apply(application, "reject", actor=actor, reason=reason or "")


def application_reopen(*, application: Application | int, actor, reason: str) -> Application:
    """A verified case not yet in a batch goes back to review (a mistake found after verifying)."""
    with transaction.atomic():
        application = application_lock(application, actor, Role.REVIEWER)
        application.verified_at = None
        return APPLICATION.apply(application, "reopen", actor=actor, reason=reason or "",
                                update_fields=("verified_at",))


def application_confirm_override(*, application: Application | int, actor) -> Application:
    """The approver confirms an exception amount; a batch with unconfirmed ones cannot be approved."""
    with transaction.atomic():
        application = application_lock(application, actor, Role.APPROVER)
        if not application.is_override:
            raise DomainError(_("This application has no exception amount to confirm."))
        if application.status not in (S.VERIFIED, S.IN_BATCH):
            raise TransitionNotAllowed(
                _("This application is %(status)s; its exception amount cannot be confirmed now.")
                % {"status": application.get_status_display()})
        if application.override_confirmed_at is not None:
            raise DomainError(_("This exception amount is already confirmed."))
        # The bound may have been lowered since the reviewer proposed the amount.
        _check_exception_limit(application, application.estimate_rule_set, application.proposed_amount)
        application.override_confirmed_by = actor
        application.override_confirmed_at = timezone.now()
        application.save(update_fields=["override_confirmed_by", "override_confirmed_at", "updated_at"])
        record_event(application, actor=actor, action="application.override_confirmed",
                     reason=application.amount_reason,
                     data={"amount": str(application.proposed_amount), "override_code": application.override_code})
        return application
