"""Writes of the funds area: revising, editing and activating rule sets.

A version that has been used is never edited: a revision is a new draft,
and activating it closes the previous version's period the day before, in
one transaction, so the periods of a fund and category never overlap.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from funds.errors import RuleSetLocked
from funds.models import Fund, ParameterValue, Programme, RuleSet, Tier
from funds.selectors import funds_visible_to, programmes_visible_to, rule_set_is_used, rule_sets_visible_to
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import record_event
from reliefdesk.models import Role
from reliefdesk.scope import get_or_404, require_role, role_of

EDITABLE_FIELDS = (
    "version_name", "effective_from", "effective_to", "date_basis", "basis", "minimum_basis", "case_cap",
    "annual_cap", "case_minimum", "max_awards_per_year", "window_days", "membership_required", "family_allowed",
    "diseases_restricted", "rounding", "source_note",
)
TIER_FIELDS = ("lower", "upper", "kind", "rate", "amount", "range_min", "range_max", "parameter_id", "multiplier",
               "label")


def _locked(rule_set: RuleSet, actor) -> RuleSet:
    """Lock the row after the scope check; an outsider gets 404."""
    get_or_404(rule_sets_visible_to(user=actor), pk=rule_set.pk)
    return RuleSet.objects.select_for_update().select_related("fund", "category").get(pk=rule_set.pk)


def rule_sets_mark_used(*, uses: dict[int, Iterable[dt.date]]) -> None:
    """Record that cases beyond draft were judged under rule sets on these dates (rule set id → dates).

    From then on the rule set, its tiers and its diseases are read-only, and the parameter values its tiers
    took on those dates are never changed (``ParameterValue.used_through``); PostgreSQL refuses otherwise.
    The caller holds the transaction. A handful of statements, whatever the number of cases.
    """
    uses = {pk: {day for day in days if day is not None} for pk, days in uses.items() if pk is not None}
    if not uses:
        return
    RuleSet.objects.filter(pk__in=list(uses), in_use=False).update(in_use=True)
    by_parameter: dict[int, set[dt.date]] = {}
    for rule_set_id, parameter_id in (Tier.objects.filter(rule_set_id__in=list(uses), parameter__isnull=False)
                                      .values_list("rule_set_id", "parameter_id").distinct()):
        by_parameter.setdefault(parameter_id, set()).update(uses[rule_set_id])
    if not by_parameter:
        return
    values = list(ParameterValue.objects.select_for_update().filter(parameter_id__in=list(by_parameter))
                  .order_by("parameter_id", "valid_from"))
    for parameter_id, days in by_parameter.items():
        mine = [v for v in values if v.parameter_id == parameter_id]
        for value, following in zip(mine, [*mine[1:], None]):
            served = [day for day in days if value.valid_from <= day and (following is None
                                                                            or day < following.valid_from)]
            if served and (value.used_through is None or max(served) > value.used_through):
                ParameterValue.objects.filter(pk=value.pk).update(used_through=max(served))


def rule_set_edit_refusal(rule_set: RuleSet) -> str | None:
    """Why ``rule_set`` may not be edited, or None when it may."""
    if rule_set.in_use:
        return _("Applications were judged under this version, so it is never edited; revise it instead.")
    if rule_set.status != RuleSet.Status.DRAFT:
        return _("Only a draft is edited; revise this version to change it.")
    if rule_set_is_used(rule_set=rule_set):
        return _("Applications were judged under this version, so it is never edited; revise it instead.")
    return None


def _check_editable(rule_set: RuleSet) -> None:
    refusal = rule_set_edit_refusal(rule_set)
    if refusal:
        raise RuleSetLocked(refusal, code="locked")


def rule_set_revise(*, rule_set: RuleSet, actor) -> RuleSet:
    """Copy ``rule_set`` with its tiers and disease list into a new draft."""
    with transaction.atomic():
        require_role(actor)
        source = _locked(rule_set, actor)
        draft = RuleSet.objects.create(
            fund=source.fund, category=source.category, programme_id=source.programme_id, status=RuleSet.Status.DRAFT,
            version_name=_("%(name)s (revision)") % {"name": source.version_name},
            effective_from=(source.effective_to + dt.timedelta(days=1)) if source.effective_to
            else source.effective_from,
            effective_to=None, revised_from=source, created_by=actor,
            **{name: getattr(source, name) for name in EDITABLE_FIELDS
               if name not in ("version_name", "effective_from", "effective_to")},
        )
        Tier.objects.bulk_create([
            Tier(rule_set=draft, **{name: getattr(tier, name) for name in TIER_FIELDS})
            for tier in source.tiers.all()
        ])
        draft.diseases.set(source.diseases.all())
        record_event(draft, actor=actor, action="rule_set.revised", to_status=draft.status,
                     data={"revised_from": source.pk})
        return draft


def rule_set_create(*, fund, category, actor, programme=None, **values) -> RuleSet:
    """A new, empty draft version of ``fund`` and ``category`` (of ``programme``, for recurring aid)."""
    with transaction.atomic():
        require_role(actor)
        fund = get_or_404(funds_visible_to(user=actor), pk=fund.pk)
        unknown = set(values) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if programme is not None and (programme.fund_id != fund.pk or programme.category_id != category.pk):
            raise DomainError(_("A programme's rule set belongs to the programme's fund and aid category."),
                              field="programme")
        rule_set = RuleSet.objects.create(fund=fund, category=category, programme=programme,
                                          status=RuleSet.Status.DRAFT, created_by=actor, **values)
        record_event(rule_set, actor=actor, action="rule_set.created", to_status=rule_set.status)
        return rule_set


def rule_set_update(*, rule_set: RuleSet, actor, diseases: Iterable | None = None, **values) -> RuleSet:
    """Change a draft that no case has used; ``values`` are fields of EDITABLE_FIELDS."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        require_role(actor)
        locked = _locked(rule_set, actor)
        _check_editable(locked)
        changed = {name: value for name, value in values.items() if getattr(locked, name) != value}
        for name, value in changed.items():
            setattr(locked, name, value)
        if changed:
            locked.full_clean(exclude=["fund", "category", "created_by", "revised_from"], validate_unique=False)
            locked.save(update_fields=list(changed))
        data = {"changed": sorted(changed)}
        if diseases is not None:
            before = set(locked.diseases.values_list("pk", flat=True))
            locked.diseases.set(diseases)
            after = set(locked.diseases.values_list("pk", flat=True))
            if before != after:
                data["diseases"] = {"added": sorted(after - before), "removed": sorted(before - after)}
        record_event(locked, actor=actor, action="rule_set.edited", data=data)
        return locked


def rule_set_save_tiers(*, rule_set: RuleSet, actor, tiers: list[dict]) -> list[Tier]:
    """Replace a draft's tiers with ``tiers`` (cleaned rows of the tier formset).

    Replacing instead of updating row by row keeps the no-overlap constraint
    from tripping over the intermediate states of a shift of bounds.
    """
    with transaction.atomic():
        require_role(actor)
        locked = _locked(rule_set, actor)
        _check_editable(locked)
        rows = sorted(tiers, key=lambda row: row["lower"])
        for previous, current in zip(rows, rows[1:]):
            if previous.get("upper") is None or previous["upper"] > current["lower"]:
                raise DomainError(_("Tiers overlap: each tier must start where the previous one ends or later."),
                                  code="overlap")
        locked.tiers.all().delete()
        created = Tier.objects.bulk_create([
            Tier(rule_set=locked, lower=row["lower"], upper=row.get("upper"), kind=row["kind"], rate=row.get("rate"),
                 amount=row.get("amount"), range_min=row.get("range_min"), range_max=row.get("range_max"),
                 parameter=row.get("parameter"), multiplier=row.get("multiplier"), label=row.get("label") or "")
            for row in rows
        ])
        record_event(locked, actor=actor, action="rule_set.tiers_saved", data={"tiers": len(created)})
        return created


def rule_set_activate(*, rule_set: RuleSet, actor, effective_from: dt.date) -> RuleSet:
    """Put a draft in force from ``effective_from``; the version in force then ends the day before."""
    with transaction.atomic():
        require_role(actor)
        locked = _locked(rule_set, actor)
        if locked.status != RuleSet.Status.DRAFT:
            raise TransitionNotAllowed(_("Only a draft can be activated."), code="not_draft")
        if not locked.tiers.exists():
            raise DomainError(_("A rule set needs at least one tier before it is activated."), code="no_tiers")
        if locked.effective_to is not None and locked.effective_to < effective_from:
            raise DomainError(_("The version would end before it starts."), field="effective_from", code="period")
        others = list(
            RuleSet.objects.select_for_update()
            .filter(fund=locked.fund, category=locked.category, programme_id=locked.programme_id,
                    status=RuleSet.Status.ACTIVE)
            .exclude(pk=locked.pk).order_by("effective_from")
        )
        closed = []
        for other in others:
            other_end = other.effective_to
            ends_before = other_end is not None and other_end < effective_from
            starts_after = locked.effective_to is not None and other.effective_from > locked.effective_to
            if ends_before or starts_after:
                continue
            if other.effective_from >= effective_from:
                raise DomainError(
                    _("Version “%(name)s” already starts on %(date)s; the new version would overlap it.")
                    % {"name": other.version_name, "date": other.effective_from.isoformat()},
                    field="effective_from", code="overlap")
            previous_end = other.effective_to
            other.effective_to = effective_from - dt.timedelta(days=1)
            other.save(update_fields=["effective_to"])
            record_event(other, actor=actor, action="rule_set.period_ended",
                         data={"effective_to": other.effective_to.isoformat(),
                               "was": previous_end.isoformat() if previous_end else None,
                               "superseded_by": locked.pk})
            closed.append(other.pk)
        locked.effective_from = effective_from
        locked.status = RuleSet.Status.ACTIVE
        try:
            with transaction.atomic():
                locked.save(update_fields=["effective_from", "status"])
        except IntegrityError as exc:
            raise DomainError(_("The new period overlaps another active version."), field="effective_from",
                              code="overlap") from exc
        record_event(locked, actor=actor, action="rule_set.activated", from_status=RuleSet.Status.DRAFT,
                     to_status=RuleSet.Status.ACTIVE,
                     data={"effective_from": effective_from.isoformat(), "closed": closed})
        return locked


# --- Programmes of recurring aid ------------------------------------------------

PROGRAMME_FIELDS = ("code", "name", "name_en", "category", "schedule", "unit", "enrolment", "school_levels",
                    "single_parent_widening", "active", "description")
PROGRAMME_ROLES = (Role.ADMIN, Role.APPROVER)


def _programme_check(*, fund: Fund, actor, values: dict) -> None:
    unknown = set(values) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if fund.district_id is None and role_of(actor) != Role.ADMIN:
        raise DomainError(_("Only an administrator runs programmes of a city-wide fund."), field="fund")
    enrolment, unit = values.get("enrolment"), values.get("unit")
    if enrolment == Programme.Enrolment.SCHOOL and not values.get("school_levels"):
        raise DomainError(_("Name the school levels whose pupils are enrolled."), field="school_levels")
    if (enrolment == Programme.Enrolment.SCHOOL) != (unit == Programme.Unit.PUPIL):
        raise DomainError(_("A programme paid per pupil enrols the pupils in school at its levels, and only it."),
                          field="unit")


def programme_create(*, fund: Fund, actor, **values) -> Programme:
    """A new programme of ``fund`` (an administrator, or the approver of the fund's district)."""
    require_role(actor, *PROGRAMME_ROLES)
    with transaction.atomic():
        fund = get_or_404(funds_visible_to(user=actor).select_for_update(of=("self",)), pk=fund.pk)
        values.setdefault("unit", Programme.Unit.HOUSEHOLD)
        _programme_check(fund=fund, actor=actor, values=values)
        if Programme.objects.filter(fund=fund, code=values.get("code")).exists():
            raise DomainError(_("This fund already has a programme with this code."), field="code")
        programme = Programme.objects.create(fund=fund, created_by=actor, **values)
        record_event(programme, actor=actor, action="programme.created",
                     data={"code": programme.code, "name": programme.name})
        return programme


def programme_update(*, programme: Programme, actor, **values) -> Programme:
    """Change a programme; its rule sets and cycles keep what they were judged with."""
    require_role(actor, *PROGRAMME_ROLES)
    with transaction.atomic():
        locked = get_or_404(programmes_visible_to(user=actor).select_for_update(of=("self",)), pk=programme.pk)
        merged = {name: getattr(locked, name) for name in PROGRAMME_FIELDS}
        merged.update(values)
        _programme_check(fund=locked.fund, actor=actor, values=merged)
        if "code" in values and Programme.objects.filter(fund=locked.fund, code=values["code"]) \
                .exclude(pk=locked.pk).exists():
            raise DomainError(_("This fund already has a programme with this code."), field="code")
        changed = {name: value for name, value in values.items() if getattr(locked, name) != value}
        for name, value in changed.items():
            setattr(locked, name, value)
        if changed:
            locked.save(update_fields=[("category" if name == "category" else name) for name in changed])
            record_event(locked, actor=actor, action="programme.changed", data={"fields": sorted(changed)})
        return locked


__all__ = ["programme_create", "programme_update", "rule_set_activate", "rule_set_create", "rule_set_revise", "rule_set_save_tiers", "rule_set_update",
           "rule_set_edit_refusal", "rule_sets_mark_used", "parameter_value_refusal"]


def parameter_value_refusal(*, parameter_id: int, valid_from: dt.date, value_id: int | None = None) -> str | None:
    """Why a value of the parameter starting on ``valid_from`` would change what decided cases were judged
    with (it starts inside the period an earlier value served them), or None."""
    earlier = (ParameterValue.objects.filter(parameter_id=parameter_id, valid_from__lt=valid_from,
                                             used_through__gte=valid_from)
               .exclude(pk=value_id).order_by("-valid_from").first())
    if earlier is None:
        return None
    return _("The value from %(from)s judged cases until %(until)s: a new value may start on %(next)s at the "
             "earliest.") % {"from": earlier.valid_from.isoformat(), "until": earlier.used_through.isoformat(),
                             "next": (earlier.used_through + dt.timedelta(days=1)).isoformat()}

