"""The figures district staff report upward, computed in the database.

Every figure starts from the door of its model (``applications_visible_to`` …): a liaison's
figures are those of his stations, a district role's those of its district,
an administrator's everything.

Which event counts in which period, consistently everywhere:

* received — ``Application.submitted_at`` (the latest submission) in the period;
* verified (经核实符合救助标准), approved, rejected, returned, withdrawn — the
  application has a history row (``reliefdesk.models.HistoryEvent``) with the
  action ``application.verified`` / ``.approved`` / ``.rejected`` / ``.returned``
  / ``.withdrawn`` (or the present-tense code stored before the rename, e.g.
  ``application.verify``) written in the period. A case counts once per figure even if
  it was, say, returned twice. History rows exist for every transition (the
  state machine writes them), whereas the application only keeps timestamps
  for some of them;
* paid — ``Payout`` rows with status paid whose ``paid_on`` lies in the period;
  the days to payment are ``paid_on`` minus the Beijing date of submission;
* donations — confirmed donations whose ``received_on`` lies in the period;
* fund balance — the ledger's running balance at the end of each month.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, NullIf, TruncDate, TruncMonth
from django.utils.translation import gettext as _

from cases.models import Application
from cases.selectors.intake import applications_visible_to
from donations.selectors import donations_visible_to
from payouts.selectors import payouts_visible_to
from payouts.models import Payout
from donations.models import Donation, Donor
from funds.models import Fund, LedgerEntry
from reliefdesk.history import action_codes
from reliefdesk.models import HistoryEvent, Role
from reliefdesk.money import ZERO, quantize_money
from reports.periods import BEIJING, Period
from reliefdesk.scope import district_of, districts_visible_to, role_of, stations_visible_to

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)

# Figure name → history action code.
EVENT_ACTIONS = {
    "verified": "application.verified",
    "approved": "application.approved",
    "rejected": "application.rejected",
    "returned": "application.returned",
    "withdrawn": "application.withdrawn",
}
APPLICATION_FIGURES = ("received", *EVENT_ACTIONS)


class PercentileCont(Aggregate):
    """``percentile_cont(f) WITHIN GROUP (ORDER BY expr)`` rounded to one decimal."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "ROUND((%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s))::numeric, 1)"
    output_field = DecimalField(max_digits=10, decimal_places=1)
    allow_distinct = False

    def __init__(self, expression, fraction, **extra):
        fraction = Decimal(str(fraction))
        if not Decimal("0") <= fraction <= Decimal("1"):
            raise ValueError("a percentile lies between 0 and 1")
        # A literal, not a parameter: it is a checked Decimal, never user input.
        super().__init__(expression, fraction=str(fraction), **extra)


class DaysBetween(Func):
    """``later - earlier`` of two dates: whole days, as PostgreSQL counts them."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class OuterSum(Func):
    """``SUM(...)`` over an aggregate, for a running total: ``SUM(SUM(amount)) OVER (...)``.

    Django refuses an aggregate of an aggregate; as a plain function inside
    a window PostgreSQL accepts it.
    """

    function = "SUM"
    window_compatible = True


def days_to_payment():
    return DaysBetween(F("paid_on"), TruncDate("application__submitted_at", tzinfo=BEIJING))


def report_funds(user) -> QuerySet:
    """The funds a user may report on: those of his districts, and city-wide programmes."""
    funds = Fund.objects.order_by("slug")
    if role_of(user) == Role.ADMIN:
        return funds
    return funds.filter(Q(district__isnull=True) | Q(district__in=districts_visible_to(user=user)))


def is_station_view(user) -> bool:
    return role_of(user) == Role.LIAISON


def scoped_applications(user, *, fund: Fund | None = None) -> QuerySet:
    applications = applications_visible_to(user=user)
    return applications.filter(fund=fund) if fund else applications


def scoped_payouts(user, *, fund: Fund | None = None) -> QuerySet:
    payouts = payouts_visible_to(user=user)
    return payouts.filter(fund=fund) if fund else payouts


def scoped_donations(user, *, fund: Fund | None = None) -> QuerySet:
    """Donations belong to a district, not to a station: liaisons get none (station view)."""
    if is_station_view(user):
        return Donation.objects.none()
    donations = donations_visible_to(user=user)
    return donations.filter(fund=fund) if fund else donations


def _event_ids(period: Period, action: str) -> QuerySet:
    return HistoryEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        action__in=action_codes(action),
        created_at__gte=period.start_at,
        created_at__lt=period.end_before,
    ).order_by().values("object_id")


def _application_annotations(period: Period) -> tuple[dict, Q]:
    """The Count(filter=...) of every application figure, and the filter of cases touched in the period."""
    received = Q(submitted_at__gte=period.start_at, submitted_at__lt=period.end_before)
    annotations = {"received": Count("id", filter=received)}
    for figure, action in EVENT_ACTIONS.items():
        annotations[figure] = Count("id", filter=Q(id__in=_event_ids(period, action)))
    # A UNION of ids rather than "received OR id IN (...)": PostgreSQL then looks the cases up by
    # primary key instead of scanning every application ever submitted.
    received_ids = Application.objects.filter(received).order_by().values("id")
    event_ids = HistoryEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        action__in=[code for action in EVENT_ACTIONS.values() for code in action_codes(action)],
        created_at__gte=period.start_at,
        created_at__lt=period.end_before,
    ).order_by().values("object_id")
    touched = Q(id__in=received_ids.union(event_ids, all=True))
    return annotations, touched


def _paid(payouts: QuerySet, period: Period) -> QuerySet:
    return payouts.filter(status=Payout.Status.PAID, paid_on__gte=period.start, paid_on__lte=period.end)


def _paid_annotations() -> dict:
    return {"paid_count": Count("id"), "paid_amount": Coalesce(Sum("amount"), ZERO, output_field=MONEY_FIELD)}


def application_overview(user, period: Period, *, fund: Fund | None = None) -> dict:
    """Received, verified, approved, rejected, returned, withdrawn; paid count, amount and days (two queries)."""
    annotations, touched = _application_annotations(period)
    figures = scoped_applications(user, fund=fund).filter(touched).aggregate(**annotations)
    paid = _paid(scoped_payouts(user, fund=fund), period).aggregate(
        **_paid_annotations(),
        median_days=PercentileCont(days_to_payment(), "0.5"),
        p90_days=PercentileCont(days_to_payment(), "0.9"),
    )
    figures.update(paid)
    return figures


def _merge(app_rows, paid_rows, key: str, label_fields: tuple[str, ...]) -> list[dict]:
    """Join the application counts and the paid figures of the same group (few rows, one per group)."""
    rows: dict = {}
    empty = {name: 0 for name in APPLICATION_FIGURES} | {"paid_count": 0, "paid_amount": ZERO}
    for row in app_rows:
        rows[row[key]] = {**empty, **row}
    for row in paid_rows:
        target = rows.setdefault(row[key], {**empty, **{k: row[k] for k in (key, *label_fields)}})
        target["paid_count"] = row["paid_count"]
        target["paid_amount"] = row["paid_amount"]
    return list(rows.values())


def by_category(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    annotations, touched = _application_annotations(period)
    labels = ("category__code", "category__name", "category__sort_order")
    app_rows = (
        scoped_applications(user, fund=fund).filter(touched)
        .values("category_id", *labels).annotate(**annotations).order_by()
    )
    paid_rows = (
        _paid(scoped_payouts(user, fund=fund), period)
        # The payout's own category: an application's, or a recurring cycle's programme's.
        .values(category_id=F("aid_category_id"), category__code=F("aid_category__code"),
                category__name=F("aid_category__name"), category__sort_order=F("aid_category__sort_order"))
        .annotate(**_paid_annotations()).order_by()
    )
    rows = _merge(app_rows, paid_rows, "category_id", labels)
    return sorted(rows, key=lambda r: (r["category__sort_order"], r["category__code"]))


def by_station(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    annotations, touched = _application_annotations(period)
    labels = ("station__code", "station__name", "district__code")
    app_rows = (
        scoped_applications(user, fund=fund).filter(touched)
        .values("station_id", *labels).annotate(**annotations).order_by()
    )
    paid_rows = (
        _paid(scoped_payouts(user, fund=fund), period)
        .values("station_id", *labels).annotate(**_paid_annotations()).order_by()
    )
    rows = _merge(app_rows, paid_rows, "station_id", labels)
    return sorted(rows, key=lambda r: (r["district__code"], r["station__code"]))


def _confirmed(user, period: Period, fund: Fund | None) -> QuerySet:
    return scoped_donations(user, fund=fund).filter(
        status=Donation.Status.CONFIRMED, received_on__gte=period.start, received_on__lte=period.end
    )


def _donation_annotations() -> dict:
    return {"count": Count("id"), "amount": Coalesce(Sum("amount"), ZERO, output_field=MONEY_FIELD)}


def donation_totals(user, period: Period, *, fund: Fund | None = None) -> dict:
    return _confirmed(user, period, fund).aggregate(**_donation_annotations())


def donations_by_campaign(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    rows = (
        _confirmed(user, period, fund)
        .values("campaign_id", campaign_name=F("campaign__name"))
        .annotate(**_donation_annotations())
        .order_by("-amount", "campaign_name")
    )
    return [{**row, "campaign_name": row["campaign_name"] or _("No campaign")} for row in rows]


def donations_by_unit(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    """By the unit that gave or collected: a unit donor's name, an individual's unit, else the donor's name."""
    unit = Case(
        When(Q(donor__isnull=True) | Q(donor__kind=Donor.Kind.ANONYMOUS), then=Value(None, output_field=CharField())),
        default=Coalesce(NullIf(F("donor__unit_name"), Value("")), F("donor__name")),
        output_field=CharField(),
    )
    rows = (
        _confirmed(user, period, fund)
        .annotate(unit=unit)
        .values("unit")
        .annotate(**_donation_annotations())
        .order_by("-amount", "unit")
    )
    return [{**row, "unit": row["unit"] or _("Anonymous")} for row in rows]


@dataclass
class BalanceSeries:
    fund_id: int
    fund_name: str
    opening: Decimal
    # (first day of the month, net movement in the month, balance at the month's end)
    months: list[tuple[dt.date, Decimal, Decimal]] = field(default_factory=list)


def balance_over_time(user, period: Period, *, fund: Fund | None = None) -> list[BalanceSeries]:
    """Each fund's ledger balance at the end of every month of the period.

    The database sums each month and runs the balance with a window
    function over the whole history up to the period's end; months without
    entries carry the previous balance forward.
    """
    if is_station_view(user):
        return []
    funds = report_funds(user)
    if fund:
        funds = funds.filter(pk=fund.pk)
    month = TruncMonth("booked_on")
    entries = LedgerEntry.objects.filter(fund__in=funds, booked_on__lte=period.end)
    if role_of(user) != Role.ADMIN:
        # District staff see their district's part of a city-wide fund, never the whole city's money.
        entries = entries.filter(Q(fund__district__isnull=False) | Q(district=district_of(user)))
    rows = (
        entries
        .annotate(month=month)
        .values("fund_id", "fund__name", "month")
        .annotate(net=Sum("amount"))
        # A separate annotate(): in the same call Django would GROUP BY the window too.
        .annotate(balance=Window(OuterSum(Sum("amount"), output_field=MONEY_FIELD), partition_by=[F("fund_id")],
                                 order_by=month.asc()))
        .order_by("fund_id", "month")
    )
    period_months = period.months()
    series: dict[int, BalanceSeries] = {}
    movements: dict[int, dict[dt.date, tuple[Decimal, Decimal]]] = {}
    for row in rows:
        item = series.setdefault(row["fund_id"], BalanceSeries(row["fund_id"], row["fund__name"], ZERO))
        if row["month"] < period_months[0]:
            item.opening = quantize_money(row["balance"])
        else:
            movements.setdefault(row["fund_id"], {})[row["month"]] = (row["net"], row["balance"])
    for fund_id, item in series.items():
        balance = item.opening
        for first_day in period_months:
            net, month_end = movements.get(fund_id, {}).get(first_day, (ZERO, balance))
            balance = quantize_money(month_end)
            item.months.append((first_day, quantize_money(net), balance))
    return sorted(series.values(), key=lambda s: s.fund_name)


def amount_in_wan(amount: Decimal) -> str:
    """223100 → '22.31': 万元 with up to two decimals, trailing zeros dropped."""
    wan = (Decimal(amount) / Decimal("10000")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{wan:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def summary_sentence(period: Period, *, received: int, eligible: int, paid_amount: Decimal) -> str:
    """The sentence of the seeds: 2022年第一季度，累计收到申报材料43份，经核实符合救助标准31人，已累计支付帮扶金22.31万元."""
    return _("%(period)s: %(received)s applications received in total; %(eligible)s people verified as eligible for aid; "
             "aid paid to date: %(amount)s × 10,000 yuan") % {
        "period": period.name_zh,
        "received": received,
        "eligible": eligible,
        "amount": amount_in_wan(paid_amount),
    }


class Dashboard:
    """Every figure of the dashboard, each computed on first use in one query or two.

    The number of queries is fixed whatever the data; an export asks only
    for the figures of its table.
    """

    def __init__(self, user, period: Period, *, fund: Fund | None = None):
        self.user = user
        self.period = period
        self.fund = fund
        self.station_view = is_station_view(user)

    @cached_property
    def stations(self) -> list:
        return list(stations_visible_to(user=self.user)) if self.station_view else []

    @cached_property
    def overview(self) -> dict:
        return application_overview(self.user, self.period, fund=self.fund)

    @cached_property
    def categories(self) -> list[dict]:
        return by_category(self.user, self.period, fund=self.fund)

    @cached_property
    def station_rows(self) -> list[dict]:
        return by_station(self.user, self.period, fund=self.fund)

    @cached_property
    def donations(self) -> dict:
        if self.station_view:
            return {"count": 0, "amount": ZERO}
        return donation_totals(self.user, self.period, fund=self.fund)

    @cached_property
    def campaigns(self) -> list[dict]:
        return [] if self.station_view else donations_by_campaign(self.user, self.period, fund=self.fund)

    @cached_property
    def units(self) -> list[dict]:
        return [] if self.station_view else donations_by_unit(self.user, self.period, fund=self.fund)

    @cached_property
    def balances(self) -> list[BalanceSeries]:
        return balance_over_time(self.user, self.period, fund=self.fund)

    @property
    def summary(self) -> str:
        return summary_sentence(self.period, received=self.overview["received"],
                                eligible=self.overview["verified"], paid_amount=self.overview["paid_amount"])


def dashboard(user, period: Period, *, fund: Fund | None = None) -> Dashboard:
    return Dashboard(user, period, fund=fund)
