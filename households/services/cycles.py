"""Recurring aid in cycles (周期性帮扶): generate a programme's cycle for a date, remove a line, approve it.

Generation is set-based: the amount comes from the funds engine once (one rule set, one parameter value
per cycle), then one INSERT … SELECT writes every qualifying household's (or pupil's) line, the left-out
records with their reasons and the cycle's figures together, whatever the number of households. The cycle
itself is inserted with ON CONFLICT DO NOTHING on its unique (programme, district, period): generating
twice, or two reviewers at once, gives one cycle. Approval is all or nothing, refused with the shortfall
when the fund cannot cover it (as batch approval); it freezes the lines (the rule set is marked in use and
the parameter value records the day it judged) and makes every line a pending payout in one INSERT.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from funds import engine
from funds.errors import NoRuleSetInForce
from funds.models import Fund, Programme
from funds.selectors import (fund_position, parameter_value_in_force, programmes_visible_to, rule_set_in_force,
                             rules_of)
from funds.services import rule_sets_mark_used
from households.models import Cycle, CycleExclusion, CycleLine, Household, ProgrammeEnrolment, SchoolLevel
from households.selectors import households_visible_to
from households.selectors.cycles import PAYOUT_SOURCE, cycle_lines_visible_to, cycles_visible_to
from households.workflow import CYCLE
from payouts.models import Payout
from payouts.services import payouts_create_from_select
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import record_event
from reliefdesk.models import District, Role
from reliefdesk.money import ZERO, format_money, quantize_money
from reliefdesk.scope import district_of, get_or_404, require_role

C = Cycle.Status
R = CycleExclusion.Reason

# Holidays of holiday programmes (节日慰问): code → its name in a cycle's title.
HOLIDAYS = {
    "new-year": ("元旦", gettext_lazy("New Year's Day")),
    "spring-festival": ("春节", gettext_lazy("Spring Festival")),
    "labour-day": ("五一", gettext_lazy("Labour Day")),
    "national-day": ("国庆", gettext_lazy("National Day")),
}
HOLIDAY_CHOICES = [(code, label) for code, (_zh, label) in HOLIDAYS.items()]
# The month a holiday falls in when the form does not say (春节 in January or February).
HOLIDAY_OF_MONTH = {1: "new-year", 2: "spring-festival", 5: "labour-day", 10: "national-day"}

# The levels a single parent's children are helped at (pre-school to university).
SINGLE_PARENT_LEVELS = [SchoolLevel.PRESCHOOL, SchoolLevel.PRIMARY, SchoolLevel.JUNIOR, SchoolLevel.SENIOR,
                        SchoolLevel.COLLEGE, SchoolLevel.UNDERGRADUATE]

# A household that left hardship within this many days before a cycle's date is listed as left out.
LEFT_LISTED_DAYS = 366


@dataclass(frozen=True)
class Period:
    key: str  # "2024-03", "2024-autumn", "2024-2025", "2025-spring-festival", "once"
    title: str  # "2024年3月生活补贴"


def cycle_period(*, programme: Programme, cycle_date: dt.date, holiday: str | None = None) -> Period:
    """The period a cycle of ``programme`` on ``cycle_date`` pays, and its title."""
    name, year, month = programme.name, cycle_date.year, cycle_date.month
    schedule = programme.schedule
    if schedule == Programme.Schedule.MONTHLY:
        return Period(f"{year}-{month:02d}", f"{year}年{month}月{name}")
    if schedule == Programme.Schedule.TERM:
        # 春季学期 February to July; 秋季学期 August to January (January belongs to the autumn term before it).
        if 2 <= month <= 7:
            return Period(f"{year}-spring", f"{year}年春季学期{name}")
        start = year if month >= 8 else year - 1
        return Period(f"{start}-autumn", f"{start}年秋季学期{name}")
    if schedule == Programme.Schedule.YEARLY:
        start = year if month >= 9 else year - 1
        return Period(f"{start}-{start + 1}", f"{start}—{start + 1}学年{name}")
    if schedule == Programme.Schedule.HOLIDAY:
        holiday = holiday or HOLIDAY_OF_MONTH.get(month)
        if holiday not in HOLIDAYS:
            raise DomainError(_("Choose the holiday this cycle is for."), field="holiday")
        return Period(f"{year}-{holiday}", f"{year}年{HOLIDAYS[holiday][0]}{name}")
    return Period("once", name)


@dataclass(frozen=True)
class CycleAmount:
    """What every line of a cycle gets, from the engine, and what it was computed from."""

    rule_set: object
    amount: object
    explanation: str
    explanation_en: str
    parameter_value_id: int | None
    parameter_amount: object


def cycle_amount_for(*, programme: Programme, cycle_date: dt.date) -> CycleAmount:
    """The programme's amount per unit on ``cycle_date``; a clear refusal when no rule set of it is in force."""
    try:
        rule_set = rule_set_in_force(fund=programme.fund_id, category=programme.category_id, on=cycle_date,
                                     programme=programme)
    except NoRuleSetInForce as exc:
        raise DomainError(
            _("No rule set of the programme “%(programme)s” is in force on %(date)s: put one in force for that "
              "date first.") % {"programme": programme.name, "date": cycle_date.isoformat()},
            field="cycle_date", code="no_rule_set") from exc
    rules = rules_of(rule_set, on=cycle_date)
    tier = next((t for t in rules.tiers if t.contains(ZERO)), None)
    parameter = None
    if tier is not None and tier.kind == "parameter":
        parameter_id = rule_set.tiers.filter(kind="parameter").values_list("parameter_id", flat=True).first()
        parameter = parameter_value_in_force(parameter_id=parameter_id, on=cycle_date)
    result = engine.cycle_amount(rules, engine.CycleFacts(cycle_date=cycle_date,
                                                          parameter_since=parameter.valid_from if parameter else None))
    if not result.eligible:
        raise DomainError(
            _("The programme “%(programme)s” gives no amount on %(date)s: %(why)s")
            % {"programme": programme.name, "date": cycle_date.isoformat(), "why": "；".join(result.reasons)},
            field="cycle_date", code="no_amount")
    return CycleAmount(rule_set=rule_set, amount=result.amount, explanation=result.explanation,
                       explanation_en=result.explanation_en,
                       parameter_value_id=parameter.value_id if parameter else None,
                       parameter_amount=parameter.value if parameter else None)


def _cycle_district(*, programme: Programme, actor, district: District | None) -> District:
    if programme.fund.district_id is not None:
        return programme.fund.district
    own = district_of(actor)
    if own is not None:
        return own
    if district is None:
        raise DomainError(_("Choose the district whose households this cycle pays."), field="district")
    return district


@dataclass(frozen=True)
class CycleGeneration:
    cycle: Cycle
    created: bool  # False: the cycle of this period existed already and is returned unchanged


def cycle_generate(*, programme: Programme, cycle_date: dt.date, actor, holiday: str | None = None,
                   district: District | None = None) -> CycleGeneration:
    """Generate the programme's cycle for ``cycle_date`` (a reviewer; an administrator names the district).

    One cycle per programme, district and period, by the database: a second call, or a second reviewer at
    the same moment, gets the cycle that exists. A bounded number of queries whatever the district's size.
    """
    require_role(actor, Role.REVIEWER)
    if cycle_date is None:
        raise DomainError(_("Give the cycle's date."), field="cycle_date")
    programme = get_or_404(programmes_visible_to(user=actor).select_related("fund__district"), pk=programme.pk)
    if not programme.active:
        raise DomainError(_("The programme “%(programme)s” is not active.") % {"programme": programme.name},
                          field="programme")
    district = _cycle_district(programme=programme, actor=actor, district=district)
    period = cycle_period(programme=programme, cycle_date=cycle_date, holiday=holiday)
    with transaction.atomic():
        existing = (cycles_visible_to(user=actor).exclude(status=C.DISCARDED)
                    .filter(programme=programme, district=district, period_key=period.key).first())
        if existing is not None:
            return CycleGeneration(existing, False)
        amount = cycle_amount_for(programme=programme, cycle_date=cycle_date)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO households_cycle (programme_id, district_id, cycle_date, period_key, title, status, "
                "rule_set_id, line_count, left_out_count, total, generated_by_id, generated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, 0, 0, 0, %s, %s) "
                "ON CONFLICT (programme_id, district_id, period_key) WHERE NOT (status = 'discarded') "
                "DO NOTHING RETURNING id",
                [programme.pk, district.pk, cycle_date, period.key, period.title, C.GENERATED, amount.rule_set.pk,
                 actor.pk, timezone.now()])
            row = cursor.fetchone()
        if row is None:
            # Another reviewer's generation committed first: its cycle is the one.
            return CycleGeneration(Cycle.objects.select_related("programme", "district").exclude(
                status=C.DISCARDED).get(programme=programme, district=district, period_key=period.key), False)
        cycle_id = row[0]
        _write_lines(cycle_id=cycle_id, programme=programme, district=district, cycle_date=cycle_date,
                     amount=amount)
        cycle = Cycle.objects.select_related("programme__fund", "district", "rule_set").get(pk=cycle_id)
        record_event(cycle, actor=actor, action="cycle.generated", to_status=cycle.status,
                     data={"programme": programme.pk, "period": period.key, "cycle_date": cycle_date.isoformat(),
                           "lines": cycle.line_count, "left_out": cycle.left_out_count, "total": str(cycle.total),
                           "amount": str(amount.amount), "rule_set": amount.rule_set.pk})
    return CycleGeneration(cycle, True)


def _units_sql(programme: Programme) -> str:
    """SELECT of every enrolled unit of the programme in the district with its payee and the reason it is
    left out (NULL: it gets a line). Parameters: district, day, since (the earliest day a left household
    is still listed), programme, levels, wide_levels."""
    E = Programme.Enrolment
    on_file = "h.filed_on IS NOT NULL AND h.filed_on <= %(day)s AND h.status IN ('on_file', 'left')"
    reasons = [f"WHEN h.left_on IS NOT NULL AND h.left_on <= %(day)s THEN '{R.LEFT_HARDSHIP}'",
               f"WHEN NOT ({on_file}) THEN '{R.NOT_ON_FILE}'"]
    joins, where = "", ""
    pupil = "NULL::bigint"
    if programme.enrolment == E.CIVIL_STATUS:
        reasons.append(
            f"WHEN NOT (h.civil_status IN ('dibao', 'low_income') "
            f"AND (h.civil_status_from IS NULL OR h.civil_status_from <= %(day)s) "
            f"AND (h.civil_status_to IS NULL OR h.civil_status_to >= %(day)s)) THEN '{R.NO_CIVIL_STATUS}'")
    if programme.enrolment == E.SCHOOL:
        pupil = "p.id"
        wide = "OR (h.single_parent AND p.school_level = ANY(%(wide_levels)s))" \
            if programme.single_parent_widening else ""
        joins = (" JOIN households_householdperson AS p ON p.household_id = h.id "
                 f"AND (p.school_level = ANY(%(levels)s) {wide})")
        reasons.append(f"WHEN NOT p.in_school THEN '{R.NOT_IN_SCHOOL}'")
    if programme.enrolment == E.CHOSEN:
        joins = (" JOIN households_programmeenrolment AS e ON e.household_id = h.id "
                 "AND e.programme_id = %(programme)s")
        where = " AND (h.left_on IS NULL OR h.left_on > %(since)s)"
    else:
        where = f" AND {on_file} AND (h.left_on IS NULL OR h.left_on > %(since)s)"
    # A file that left is listed only while its head has no newer file on file (filed again: that one counts).
    where += (" AND (h.left_on IS NULL OR h.left_on > %(day)s OR NOT EXISTS (SELECT 1 FROM households_household "
              "AS again WHERE again.head_id = h.head_id AND again.id <> h.id AND again.status = 'on_file'))")
    reasons.append(f"WHEN m.card_number = '' THEN '{R.NO_CARD}'")
    sql = (f"SELECT h.id AS household_id, {pupil} AS pupil_id, m.name AS payee_name, m.id_number AS payee_id_number, "
           f"m.card_number, m.bank_name, CASE {' '.join(reasons)} END AS reason "
           f"FROM households_household AS h JOIN cases_member AS m ON m.id = h.head_id{joins} "
           f"WHERE h.district_id = %(district)s{where}")
    return sql


def _write_lines(*, cycle_id: int, programme: Programme, district: District, cycle_date: dt.date,
                 amount: CycleAmount) -> None:
    """Every line, every left-out record and the cycle's figures in one statement."""
    units = _units_sql(programme)
    params = {
        "cycle": cycle_id, "district": district.pk, "day": cycle_date, "programme": programme.pk,
        "since": cycle_date - dt.timedelta(days=LEFT_LISTED_DAYS),
        "levels": list(programme.school_levels), "wide_levels": [str(level) for level in SINGLE_PARENT_LEVELS],
        "amount": amount.amount, "explanation": amount.explanation, "explanation_en": amount.explanation_en,
        "rule_set": amount.rule_set.pk, "parameter_value": amount.parameter_value_id,
        "parameter_amount": amount.parameter_amount,
    }
    sql = (
        f"WITH units AS ({units}), "
        "lines AS (INSERT INTO households_cycleline (cycle_id, household_id, pupil_id, amount, explanation, "
        "explanation_en, rule_set_id, parameter_value_id, parameter_amount, payee_name, payee_id_number, "
        "card_number, bank_name, removed, removed_reason) "
        "SELECT %(cycle)s, household_id, pupil_id, %(amount)s, %(explanation)s, %(explanation_en)s, %(rule_set)s, "
        "%(parameter_value)s, %(parameter_amount)s, payee_name, payee_id_number, card_number, bank_name, FALSE, '' "
        "FROM units WHERE reason IS NULL ORDER BY household_id, pupil_id RETURNING amount), "
        "left_out AS (INSERT INTO households_cycleexclusion (cycle_id, household_id, pupil_id, reason) "
        "SELECT %(cycle)s, household_id, pupil_id, reason FROM units WHERE reason IS NOT NULL "
        "ORDER BY household_id, pupil_id RETURNING 1) "
        "UPDATE households_cycle SET line_count = (SELECT count(*) FROM lines), "
        "total = (SELECT COALESCE(sum(amount), 0) FROM lines), left_out_count = (SELECT count(*) FROM left_out) "
        "WHERE id = %(cycle)s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def cycle_lock(cycle: Cycle | int, actor, *roles: str) -> Cycle:
    """The cycle row locked, if the actor may see it (404 otherwise)."""
    require_role(actor, *roles)
    pk = cycle.pk if isinstance(cycle, Cycle) else cycle
    return get_or_404(cycles_visible_to(user=actor).select_for_update(of=("self",)), pk=pk)


def cycle_line_remove(*, line: CycleLine | int, actor, reason: str) -> CycleLine:
    """Take a line out of a generated cycle with a reason (a reviewer); it is never paid."""
    require_role(actor, Role.REVIEWER)
    reason = (reason or "").strip()
    pk = line.pk if isinstance(line, CycleLine) else line
    with transaction.atomic():
        found = get_or_404(cycle_lines_visible_to(user=actor), pk=pk)
        cycle = cycle_lock(found.cycle_id, actor, Role.REVIEWER)
        CYCLE.check(cycle, "remove_line", actor=actor)
        if not reason:
            raise DomainError(_("A reason is required."), field="reason", code="reason_required")
        locked = CycleLine.objects.select_for_update().get(pk=pk)
        if locked.removed:
            raise TransitionNotAllowed(_("This line was already removed."))
        locked.removed, locked.removed_reason = True, reason
        locked.removed_by, locked.removed_at = actor, timezone.now()
        locked.save(update_fields=["removed", "removed_reason", "removed_by", "removed_at"])
        cycle.line_count -= 1
        cycle.total = quantize_money(cycle.total - locked.amount)
        cycle.save(update_fields=["line_count", "total"])
        record_event(locked, actor=actor, action="cycle_line.removed", reason=reason,
                     data={"cycle": cycle.pk, "amount": str(locked.amount), "household": locked.household_id})
    return locked


def cycle_line_restore(*, line: CycleLine | int, actor) -> CycleLine:
    """Put a removed line back into its generated cycle (a reviewer); it is paid again on approval."""
    require_role(actor, Role.REVIEWER)
    pk = line.pk if isinstance(line, CycleLine) else line
    with transaction.atomic():
        found = get_or_404(cycle_lines_visible_to(user=actor), pk=pk)
        cycle = cycle_lock(found.cycle_id, actor, Role.REVIEWER)
        CYCLE.check(cycle, "restore_line", actor=actor)
        locked = CycleLine.objects.select_for_update().get(pk=pk)
        if not locked.removed:
            raise TransitionNotAllowed(_("This line is in the cycle already."))
        reason = locked.removed_reason
        locked.removed, locked.removed_reason, locked.removed_by, locked.removed_at = False, "", None, None
        locked.save(update_fields=["removed", "removed_reason", "removed_by", "removed_at"])
        cycle.line_count += 1
        cycle.total = quantize_money(cycle.total + locked.amount)
        cycle.save(update_fields=["line_count", "total"])
        record_event(locked, actor=actor, action="cycle_line.restored",
                     data={"cycle": cycle.pk, "amount": str(locked.amount), "household": locked.household_id,
                           "removed_because": reason})
    return locked


def cycle_discard(*, cycle: Cycle | int, actor, reason: str) -> Cycle:
    """Discard a generated cycle with a reason (a reviewer), so its period can be generated again.

    An approved cycle is never discarded (its lines are payouts): refused here and by the database.
    """
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        locked = cycle_lock(cycle, actor, Role.REVIEWER)
        CYCLE.apply(locked, "discard", actor=actor, reason=reason,
                    data={"lines": locked.line_count, "total": str(locked.total), "period": locked.period_key})
    return locked


def _shortfall_refusal(*, cycle: Cycle, fund: Fund, total) -> None:
    if fund.district_id is None:
        available = fund_position(fund=fund, district=cycle.district).available
        if available < total:
            raise DomainError(
                _("%(district)s's part of this city-wide fund cannot cover this cycle: it needs %(total)s yuan, "
                  "%(available)s are available; shortfall %(shortfall)s yuan (an administrator allocates more).")
                % {"district": cycle.district.name, "total": format_money(total),
                   "available": format_money(available), "shortfall": format_money(total - available)},
                code="shortfall")
        return
    available = fund_position(fund=fund).available
    if available < total:
        raise DomainError(
            _("The fund cannot cover this cycle: it needs %(total)s yuan, %(available)s are available; "
              "shortfall %(shortfall)s yuan.")
            % {"total": format_money(total), "available": format_money(available),
               "shortfall": format_money(total - available)},
            code="shortfall")


def cycle_approve(*, cycle: Cycle | int, actor) -> Cycle:
    """Approve every line of a generated cycle, or nothing (the approver).

    Refused with the shortfall when the fund's available balance cannot cover the lines. Approval freezes
    the lines and makes each a pending payout, in a constant number of statements.
    """
    require_role(actor, Role.APPROVER)
    with transaction.atomic():
        locked = cycle_lock(cycle, actor, Role.APPROVER)
        if locked.status != C.GENERATED:
            raise TransitionNotAllowed(
                _("The cycle “%(title)s” was already approved on %(when)s.")
                % {"title": locked.title,
                   "when": timezone.localtime(locked.approved_at).strftime("%Y-%m-%d %H:%M")
                   if locked.approved_at else ""}, code="state")
        CYCLE.check(locked, "approve", actor=actor)
        # The fund row is locked so two approvals of one fund cannot both spend the same balance.
        fund = Fund.objects.select_for_update().get(pk=locked.programme.fund_id)
        figures = _line_figures(locked)
        if not figures["count"]:
            raise DomainError(_("The cycle has no lines to approve."), code="empty")
        total = quantize_money(figures["total"])
        _shortfall_refusal(cycle=locked, fund=fund, total=total)
        rule_sets_mark_used(uses={locked.rule_set_id: [locked.cycle_date]})
        created = _create_payouts(cycle=locked, fund=fund)
        locked.approved_by, locked.approved_at = actor, timezone.now()
        CYCLE.apply(locked, "approve", actor=actor, update_fields=("approved_by", "approved_at"),
                    data={"lines": figures["count"], "total": str(total), "payouts": created})
    return locked


def _line_figures(cycle: Cycle) -> dict:
    return CycleLine.objects.filter(cycle=cycle, removed=False).aggregate(count=Count("id"), total=Sum("amount"))


def _create_payouts(*, cycle: Cycle, fund: Fund) -> int:
    """A pending payout for every line not removed, from the frozen line (payee, ID, card, bank)."""
    reference_prefix = f"{cycle.district.code}-ZQ-{cycle.period_key}-"
    select = (
        "SELECT l.id, %s, %s, h.station_id, l.amount, l.payee_name, l.payee_id_number, l.card_number, l.bank_name, "
        "%s || l.id::text, %s, %s "
        "FROM households_cycleline AS l JOIN households_household AS h ON h.id = l.household_id "
        "WHERE l.cycle_id = %s AND NOT l.removed ORDER BY l.id"
    )
    return payouts_create_from_select(
        source=PAYOUT_SOURCE, select_sql=select,
        params=[fund.pk, cycle.district_id, reference_prefix, cycle.programme.category_id, cycle.title, cycle.pk])


def cycle_line_reference(line: CycleLine) -> str:
    """The number a cycle line's payout carries in the bank's file (SY-ZQ-2024-03-123)."""
    return f"{line.cycle.district.code}-ZQ-{line.cycle.period_key}-{line.pk}"


def cycles_mark_paid(*, cycle_ids, actor) -> list[Cycle]:
    """Approved cycles whose every line's latest payout is paid become paid (after the bank's results)."""
    later = Payout.objects.filter(source=PAYOUT_SOURCE, source_id=OuterRef("source_id"), id__gt=OuterRef("id"))
    unpaid_latest = (Payout.objects.filter(source=PAYOUT_SOURCE, source_id=OuterRef("pk")).exclude(Exists(later))
                     .exclude(status="paid"))
    open_line = CycleLine.objects.filter(cycle=OuterRef("pk"), removed=False).filter(Exists(unpaid_latest))
    cycles = list(Cycle.objects.select_for_update(of=("self",)).filter(pk__in=list(cycle_ids), status=C.APPROVED)
                  .exclude(Exists(open_line)).order_by("pk"))
    for cycle in cycles:
        CYCLE.apply(cycle, "mark_paid", actor=actor)
    return cycles


def cycles_hear_payouts(*, payouts, actor) -> None:
    """Payouts of cycle lines were paid or failed: a cycle whose every line is paid becomes paid."""
    cycle_ids = CycleLine.objects.filter(pk__in={p.source_id for p in payouts}).values_list("cycle_id", flat=True)
    cycles_mark_paid(cycle_ids=set(cycle_ids), actor=actor)


def programme_choose_households(*, programme: Programme, households, actor) -> list[ProgrammeEnrolment]:
    """Add households on file to a programme enrolled by the reviewer's choice (e.g. six needy women workers)."""
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        programme = get_or_404(programmes_visible_to(user=actor), pk=programme.pk)
        if programme.enrolment != Programme.Enrolment.CHOSEN:
            raise DomainError(_("This programme enrols by its rule, not by choice."), field="households")
        ids = sorted({h.pk if isinstance(h, Household) else int(h) for h in households})
        if not ids:
            raise DomainError(_("Choose at least one household."), field="households")
        found = list(households_visible_to(user=actor).filter(pk__in=ids, status=Household.Status.ON_FILE))
        if len(found) != len(ids):
            raise DomainError(_("Only households on file that you can see may be chosen."), field="households")
        known = set(ProgrammeEnrolment.objects.filter(programme=programme, household_id__in=ids)
                    .values_list("household_id", flat=True))
        added = ProgrammeEnrolment.objects.bulk_create([
            ProgrammeEnrolment(programme=programme, household=h, added_by=actor) for h in found if h.pk not in known])
        if added:
            record_event(programme, actor=actor, action="programme.households_chosen",
                         data={"households": [e.household_id for e in added]})
    return added


def programme_unchoose_household(*, programme: Programme, household: Household, actor) -> None:
    """Take a chosen household off the programme's list (later cycles leave it out; past ones keep it)."""
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        programme = get_or_404(programmes_visible_to(user=actor), pk=programme.pk)
        household = get_or_404(households_visible_to(user=actor), pk=household.pk)
        deleted, _rows = ProgrammeEnrolment.objects.filter(programme=programme, household=household).delete()
        if not deleted:
            raise DomainError(_("This household is not on the programme's list."), field="household")
        record_event(programme, actor=actor, action="programme.household_unchosen",
                     data={"household": household.pk})


__all__ = ["HOLIDAY_CHOICES", "Period", "cycle_period", "cycle_amount_for", "CycleGeneration", "cycle_generate",
           "cycle_line_remove", "cycle_approve", "cycle_lock", "cycle_line_reference", "cycles_mark_paid", "cycles_hear_payouts",
           "programme_choose_households", "programme_unchoose_household", "role_of"]
