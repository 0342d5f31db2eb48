"""Reads of the funds area: which rule set is in force, as engine rules, and the money position."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import islice

from django.db import connection
from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from funds import engine
from funds.errors import NoRuleSetInForce
from funds.models import AidCategory, Fund, LedgerEntry, ParameterValue, Programme, RuleSet, Tier
from reliefdesk.models import District, Role
from reliefdesk.registry import Registry
from reliefdesk.scope import district_of, districts_visible_to, role_of

ZERO = Decimal("0.00")


def _sum(field: str, **extra):
    return Coalesce(Sum(field, **extra), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))


# ------------------------------------------------------------------ scope

def funds_visible_to(*, user) -> QuerySet[Fund]:
    """Funds of the user's district (a liaison: his stations' districts) and every city-wide fund."""
    role = role_of(user)
    queryset = Fund.objects.select_related("district")
    if role == Role.ADMIN:
        return queryset
    if role is None:
        return queryset.none()
    # The districts as a subquery: no query of their own on every page that lists funds.
    return queryset.filter(Q(district__isnull=True) | Q(district__in=districts_visible_to(user=user).values("id")))


def rule_sets_visible_to(*, user) -> QuerySet[RuleSet]:
    return RuleSet.objects.filter(fund__in=funds_visible_to(user=user)).select_related("fund", "category")


def programmes_visible_to(*, user) -> QuerySet[Programme]:
    """Programmes of the funds the user sees: his district's and the city-wide ones."""
    return Programme.objects.filter(fund__in=funds_visible_to(user=user)).select_related("fund", "category")


def programme_rule_sets(*, programme: Programme) -> QuerySet[RuleSet]:
    """The versions of a programme's rule set, oldest first, with their tiers."""
    return (RuleSet.objects.filter(programme=programme).select_related("category", "fund")
            .prefetch_related(Prefetch("tiers", queryset=Tier.objects.select_related("parameter").order_by("lower")))
            .order_by("effective_from", "id"))


@dataclass(frozen=True)
class ParameterInForce:
    """The value of a parameter a tier takes on a date, and the dated value it comes from."""

    value_id: int
    value: Decimal
    valid_from: date


def parameter_value_in_force(*, parameter_id: int, on: date) -> ParameterInForce | None:
    row = (ParameterValue.objects.filter(parameter_id=parameter_id, valid_from__lte=on).order_by("-valid_from")
           .values_list("pk", "value", "valid_from").first())
    return ParameterInForce(*row) if row else None


# ------------------------------------------------------------------ parts of a city-wide fund
#
# A city-wide fund (no district, e.g. 市总工会 ``city``) is held at city level: an administrator allocates
# parts of it to the districts, whose staff see and write only their part (its balance, its commitments,
# its entries) and approve its cases against it. A part is a District, CITY_LEVEL (what is not allocated
# yet) or None (the whole fund). A district's own fund has one part, the whole fund.

CITY_LEVEL = "city-level"


def part_filter(fund: Fund, part) -> Q:
    """The entries of ``part`` of ``fund`` (any part of a district's own fund is the whole fund)."""
    if fund.district_id is not None or part is None:
        return Q(fund_id=fund.pk)
    if part == CITY_LEVEL:
        return Q(fund_id=fund.pk, district__isnull=True)
    return Q(fund_id=fund.pk, district_id=getattr(part, "pk", part))


def ledger_part_for(*, fund: Fund, user):
    """The part of ``fund`` that ``user`` works with: his district's of a city-wide fund, else the whole fund."""
    if fund.district_id is not None or role_of(user) == Role.ADMIN:
        return None
    return district_of(user)


def ledger_of(*, fund: Fund, part=None) -> QuerySet[LedgerEntry]:
    """The entries of ``part`` of the fund, newest first, with what caused each joined in (as its app registered
    it)."""
    related = [path for source in LEDGER_SOURCES.values() for path in source.related]
    return (LedgerEntry.objects.filter(part_filter(fund, part))
            .select_related("created_by", "reversed_by", "district", *related)
            .order_by("-booked_on", "-id"))


@dataclass(frozen=True)
class LedgerSource:
    """What causes entries, as the app that causes them tells it (the ledger knows nothing above the funds)."""

    title: str  # the column of the ledger export, e.g. 申请编号
    related: tuple[str, ...]  # select_related paths from an entry to what caused it, e.g. ("payout__application",)
    reference: Callable[[LedgerEntry], str]  # the reference of what caused the entry, "" when it is not this source


# Registered by the apps that post entries (payouts, donations) from their AppConfig.ready().
LEDGER_SOURCES: Registry[LedgerSource] = Registry("ledger source")


def register_ledger_sources(sources: dict[str, LedgerSource]) -> None:
    LEDGER_SOURCES.update(sources)


def entry_references(entry: LedgerEntry) -> dict[str, str]:
    """source key → reference of what caused ``entry`` (no query: ledger_of joined it in)."""
    found = {key: source.reference(entry) for key, source in LEDGER_SOURCES.items()}
    return {key: reference for key, reference in found.items() if reference}


# ------------------------------------------------------------------ ledger balances
#
# Entries are in booking order by (booked_on, id): the balance after an entry
# is the sum of every entry of the fund up to it in that order.

@dataclass(frozen=True)
class LedgerPeriod:
    """The figures a clerk ticks against the bank statement for a period of the ledger."""

    date_from: date | None
    date_to: date | None
    opening: Decimal  # the fund's balance before date_from (nothing before the first entry)
    credits: Decimal  # sum of the positive amounts of the rows shown
    debits: Decimal  # sum of the negative amounts of the rows shown (a negative figure)
    closing: Decimal  # the fund's balance at the end of date_to (today's, without an end)
    count: int  # rows shown
    filtered: bool  # a filter other than the dates hides some rows: credits + debits then do not bridge the balances


def ledger_period(fund: Fund, rows: QuerySet[LedgerEntry], *, date_from: date | None = None,
                  date_to: date | None = None, filtered: bool = False, part=None) -> LedgerPeriod:
    """Opening and closing balance of the period and the foot totals of ``rows`` — two aggregate queries.

    The balances are the whole fund's, whatever else filters ``rows``; the
    credits and debits are those of ``rows``. (One query with ``pk IN rows``
    would do, but takes several times as long on a large ledger.)
    """
    balances = {"closing": _sum("amount", filter=Q(booked_on__lte=date_to)) if date_to else _sum("amount")}
    if date_from:
        balances["opening"] = _sum("amount", filter=Q(booked_on__lt=date_from))
    figures = LedgerEntry.objects.filter(part_filter(fund, part)).aggregate(**balances)
    figures.update(rows.order_by().aggregate(credits=_sum("amount", filter=Q(amount__gt=0)),
                                             debits=_sum("amount", filter=Q(amount__lt=0)), count=Count("id")))
    return LedgerPeriod(date_from=date_from, date_to=date_to, opening=figures.get("opening", ZERO),
                        credits=figures["credits"], debits=figures["debits"], closing=figures["closing"],
                        count=figures["count"], filtered=filtered)


def running_balances(fund: Fund, entries: Iterable[LedgerEntry], *, part=None) -> dict[int, Decimal]:
    """The fund's balance after each of ``entries`` (entry id → balance), in one query.

    A window sums the fund's entries from the first to the last of
    ``entries`` in booking order, on top of the sum of everything booked
    before the first; entries that a filter hides from the page still count,
    so each figure is the fund's true balance after that entry. Only the
    rows asked for are sent back. (The ORM applies a filter before a window,
    so this one query is written out.)
    """
    entries = list(entries)
    if not entries:
        return {}
    first = min(entries, key=lambda entry: (entry.booked_on, entry.pk))
    last = max(entries, key=lambda entry: (entry.booked_on, entry.pk))
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    # The part's entries only (a district's part of a city-wide fund, or its city level).
    if fund.district_id is not None or part is None:
        in_part, part_params = "", []
    elif part == CITY_LEVEL:
        in_part, part_params = "AND district_id IS NULL", []
    else:
        in_part, part_params = "AND district_id = %s", [getattr(part, "pk", part)]
    sql = f"""
        SELECT id, balance FROM (
            SELECT id,
                   SUM(amount) OVER (ORDER BY booked_on, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                   + (SELECT COALESCE(SUM(amount), 0) FROM {table}
                      WHERE fund_id = %s {in_part} AND (booked_on, id) < (%s, %s)) AS balance
            FROM {table}
            WHERE fund_id = %s {in_part} AND (booked_on, id) >= (%s, %s) AND (booked_on, id) <= (%s, %s)
        ) AS running
        WHERE id = ANY(%s)
    """
    params = [fund.pk, *part_params, first.booked_on, first.pk, fund.pk, *part_params, first.booked_on, first.pk,
              last.booked_on, last.pk, [entry.pk for entry in entries]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: balance for pk, balance in cursor.fetchall()}


def with_running_balances(fund: Fund, rows: QuerySet[LedgerEntry], *, chunk: int = 2000,
                          part=None) -> Iterator[LedgerEntry]:
    """``rows`` in booking order, each with ``balance`` set: one balance query per chunk of rows."""
    iterator = rows.order_by("booked_on", "id").iterator(chunk_size=chunk)
    while batch := list(islice(iterator, chunk)):
        balances = running_balances(fund, batch, part=part)
        for entry in batch:
            entry.balance = balances[entry.pk]
            yield entry


# ------------------------------------------------------------------ rules

def _category_filter(category) -> Q:
    if isinstance(category, AidCategory):
        return Q(category=category)
    if isinstance(category, str) and not category.isdigit():
        return Q(category__code=category)
    return Q(category_id=category)


def _fund_filter(fund) -> Q:
    if isinstance(fund, Fund):
        return Q(fund=fund)
    if isinstance(fund, str) and not fund.isdigit():
        return Q(fund__slug=fund)
    return Q(fund_id=fund)


def rule_set_in_force(*, fund, category, on: date, programme=None) -> RuleSet:
    """The active version of ``fund`` and ``category`` whose period covers ``on`` (both ends inclusive).

    ``fund`` and ``category`` may be instances, ids, or the fund slug / category code. Without
    ``programme`` only the rule sets of one-off applications (no programme) are considered.
    """
    of_programme = Q(programme__isnull=True) if programme is None else Q(programme=programme)
    rule_set = (
        RuleSet.objects.filter(_fund_filter(fund), _category_filter(category), of_programme,
                               status=RuleSet.Status.ACTIVE, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
        .select_related("fund", "category")
        .first()
    )
    if rule_set is None:
        raise NoRuleSetInForce(fund=fund, category=category, on=on)
    return rule_set


def parameter_values_on(parameter_ids, on: date) -> dict[int, Decimal]:
    """The value of each parameter valid on ``on`` (the latest one starting on or before it)."""
    values: dict[int, Decimal] = {}
    rows = (ParameterValue.objects.filter(parameter_id__in=list(parameter_ids), valid_from__lte=on)
            .order_by("parameter_id", "valid_from").values_list("parameter_id", "value"))
    for parameter_id, value in rows:
        values[parameter_id] = value
    return values


def tier_rule(tier: Tier, parameter_value: Decimal | None = None) -> engine.TierRule:
    return engine.TierRule(
        lower=tier.lower,
        upper=tier.upper,
        kind=tier.kind,
        rate=tier.rate,
        amount=tier.amount,
        range_min=tier.range_min,
        range_max=tier.range_max,
        parameter_code=tier.parameter.code if tier.parameter_id else None,
        multiplier=tier.multiplier,
        parameter_value=parameter_value,
        label=tier.label,
        parameter_name=tier.parameter.name if tier.parameter_id else "",
        parameter_name_en=tier.parameter.name_en if tier.parameter_id else "",
    )


def rules_of(rule_set: RuleSet, *, on: date | None = None) -> engine.Rules:
    """``rule_set`` as pure engine rules, with parameter values as of ``on`` (default: today)."""
    on = on or timezone.localdate()
    tiers = list(rule_set.tiers.select_related("parameter").order_by("lower"))
    parameter_ids = {t.parameter_id for t in tiers if t.parameter_id}
    values = parameter_values_on(parameter_ids, on) if parameter_ids else {}
    disease_codes = frozenset(rule_set.diseases.values_list("code", flat=True)) if rule_set.diseases_restricted \
        else frozenset()
    return engine.Rules(
        rule_set_id=rule_set.pk,
        version_name=rule_set.version_name,
        basis=rule_set.basis,
        minimum_basis=rule_set.minimum_basis,
        case_cap=rule_set.case_cap,
        annual_cap=rule_set.annual_cap,
        case_minimum=rule_set.case_minimum,
        max_awards_per_year=rule_set.max_awards_per_year,
        window_days=rule_set.window_days,
        membership_required=rule_set.membership_required,
        diseases_restricted=rule_set.diseases_restricted,
        disease_codes=disease_codes,
        rounding=rule_set.rounding,
        tiers=tuple(tier_rule(t, values.get(t.parameter_id)) for t in tiers),
        effective_from=rule_set.effective_from,
        effective_to=rule_set.effective_to,
        date_basis=rule_set.date_basis,
        family_allowed=rule_set.family_allowed,
    )


@dataclass(frozen=True)
class ExceptionLimit:
    """The most an exception amount of a fund may be under a rule set, and what sets it."""

    amount: Decimal
    fund_maximum: Decimal | None  # the fund's largest exception amount, if set
    rule_cap: Decimal | None  # the most the rule gives a case, if bounded
    multiple: Decimal | None  # the fund's multiple of that, if set


def exception_limit(*, fund: Fund, rules: engine.Rules) -> ExceptionLimit | None:
    """The lower of the fund's largest exception amount and its multiple of the rule's cap (None: no bound)."""
    cap = engine.rule_cap(rules)
    limits = []
    if fund.exception_max_amount is not None:
        limits.append(fund.exception_max_amount)
    if fund.exception_cap_multiple is not None and cap is not None:
        limits.append(engine.round_amount(cap * fund.exception_cap_multiple, "cent"))
    if not limits:
        return None
    return ExceptionLimit(amount=min(limits), fund_maximum=fund.exception_max_amount, rule_cap=cap,
                          multiple=fund.exception_cap_multiple)


# Who judged cases under a rule set: name → uses(rule_set) → bool, registered by the apps that do (cases).
RULE_SET_USES: Registry[Callable[[RuleSet], bool]] = Registry("rule set use")


def register_rule_set_uses(uses: dict[str, Callable[[RuleSet], bool]]) -> None:
    RULE_SET_USES.update(uses)


def rule_set_is_used(*, rule_set: RuleSet) -> bool:
    """True once a case beyond draft was estimated or decided under it: then it is never edited."""
    return rule_set.in_use or any(uses(rule_set) for uses in RULE_SET_USES.values())


def rule_sets_of_fund(fund: Fund) -> QuerySet[RuleSet]:
    return (RuleSet.objects.filter(fund=fund).select_related("category", "fund")
            .prefetch_related(Prefetch("tiers", queryset=Tier.objects.order_by("lower")))
            .order_by("category__sort_order", "effective_from", "id"))


# ------------------------------------------------------------------ money

@dataclass(frozen=True)
class FundPosition:
    balance: Decimal
    committed: Decimal
    available: Decimal


# Approved money not yet paid: name → owed(fund ids, district_id=None) → {fund id: amount}, registered by the
# apps that owe it (payouts: pending, in a sheet, or failed and not yet reissued). With ``district_id``, only
# what is owed to that district's cases (its part of a city-wide fund).
COMMITMENTS: Registry[Callable[..., dict[int, Decimal]]] = Registry("commitment")


def register_commitments(sources: dict[str, Callable[..., dict[int, Decimal]]]) -> None:
    COMMITMENTS.update(sources)


def fund_positions(*, funds, district=None) -> dict[int, FundPosition]:
    """The position of many funds: one query for the balances, two per kind of commitment.

    With ``district``, a city-wide fund's position is that district's part of it (what it was allocated and
    adjusted, less what it paid and owes); a district's own fund is always whole.
    """
    funds = list(funds)
    ids = [getattr(fund, "pk", fund) for fund in funds]
    city_ids = []
    if district is not None:
        known = {fund.pk: fund.district_id for fund in funds if isinstance(fund, Fund)}
        missing = [pk for pk in ids if pk not in known]
        if missing:
            known.update(Fund.objects.filter(pk__in=missing).values_list("pk", "district_id"))
        city_ids = [pk for pk in ids if known[pk] is None]
    whole_ids = [pk for pk in ids if pk not in city_ids]
    district_id = getattr(district, "pk", district)
    entries = LedgerEntry.objects.filter(Q(fund_id__in=whole_ids) | Q(fund_id__in=city_ids, district_id=district_id))
    balances = dict(entries.values("fund_id").annotate(total=_sum("amount")).values_list("fund_id", "total"))
    committed = {fund_id: ZERO for fund_id in ids}
    for owed in COMMITMENTS.values():
        for fund_id, amount in owed(whole_ids).items():
            committed[fund_id] += amount
        if city_ids:
            for fund_id, amount in owed(city_ids, district_id=district_id).items():
                committed[fund_id] += amount
    positions = {}
    for fund_id in ids:
        balance, owed = balances.get(fund_id, ZERO), committed[fund_id]
        positions[fund_id] = FundPosition(balance=balance, committed=owed, available=balance - owed)
    return positions


def fund_position(*, fund, district=None) -> FundPosition:
    """Balance from the ledger; committed = approved aid not yet paid, as the apps that owe it say.

    With ``district``, a city-wide fund's position is that district's part of it.
    """
    fund_id = getattr(fund, "pk", fund)
    return fund_positions(funds=[fund_id], district=district)[fund_id]


@dataclass(frozen=True)
class FundPart:
    """One part of a city-wide fund: a district's allocation (``district``) or its city level (None)."""

    district: object
    allocated: Decimal  # net allocations to the part (the city level: its negative, what it gave out)
    position: FundPosition


def city_level_balance(*, fund: Fund) -> Decimal:
    """What is not allocated to any district yet (nothing is owed from the city level itself)."""
    return LedgerEntry.objects.filter(fund=fund, district__isnull=True).aggregate(total=_sum("amount"))["total"]


def fund_parts(*, fund: Fund) -> list[FundPart]:
    """The city level and every district's part of a city-wide fund, for the administrator."""
    rows = {row["district_id"]: row for row in LedgerEntry.objects.filter(fund=fund).values("district_id")
            .annotate(balance=_sum("amount"), allocated=_sum("amount", filter=Q(kind=LedgerEntry.Kind.ALLOCATION)))}
    owed = {district_id: ZERO for district_id in rows}
    for source in COMMITMENTS.values():
        for district_id in [pk for pk in rows if pk is not None]:
            owed[district_id] += source([fund.pk], district_id=district_id).get(fund.pk, ZERO)
    districts = {d.pk: d for d in District.objects.filter(pk__in=[pk for pk in rows if pk is not None])}
    parts = []
    for district_id, row in sorted(rows.items(), key=lambda item: (item[0] is not None,
                                                                  districts[item[0]].code if item[0] else "")):
        balance, committed = row["balance"], owed.get(district_id, ZERO)
        parts.append(FundPart(district=districts.get(district_id), allocated=row["allocated"],
                              position=FundPosition(balance=balance, committed=committed,
                                                    available=balance - committed)))
    return parts
