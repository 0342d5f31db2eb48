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

These are read from daily summaries the database keeps exact whoever writes
(triggers of the apps that own the rows, see ``cases.ApplicationDailyFigure``,
``payouts.PayoutDailyFigure``, ``donations.DonationDailyFigure`` and
``funds.LedgerDailyFigure``), scoped as
the records' doors scope them: a period reads a few hundred grouped rows,
whatever the number of cases. ``tests/reports/test_daily_figures.py`` holds
them against direct counts of the records.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cases.models import ApplicationDailyFigure
from donations.models import DonationDailyFigure
from funds.models import AidCategory, Fund, LedgerDailyFigure
from payouts.models import PayoutDailyFigure
from reliefdesk.models import Role, Station
from reliefdesk.money import ZERO, quantize_money
from reliefdesk.scope import district_of, districts_visible_to, role_of, scope_queryset, stations_visible_to
from reports.periods import Period

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)

# Figure name → history action code (with the codes it had before, as the triggers of
# cases/migrations/0017_application_figures_triggers.py count them).
EVENT_ACTIONS = {
    "verified": "application.verified",
    "approved": "application.approved",
    "rejected": "application.rejected",
    "returned": "application.returned",
    "withdrawn": "application.withdrawn",
}
APPLICATION_FIGURES = ("received", *EVENT_ACTIONS)


def report_funds(user) -> QuerySet:
    """The funds a user may report on: those of his districts, and city-wide programmes."""
    funds = Fund.objects.order_by("slug")
    if role_of(user) == Role.ADMIN:
        return funds
    return funds.filter(Q(district__isnull=True) | Q(district__in=districts_visible_to(user=user)))


def is_station_view(user) -> bool:
    return role_of(user) == Role.LIAISON


def _month_after(day: dt.date) -> dt.date:
    return dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).day == 1


def period_rows(period: Period) -> Q:
    """The summary rows that make up ``period``: month rows of its whole months, day rows of the days around."""
    first_whole = period.start if period.start.day == 1 else _month_after(period.start)
    after_whole = _month_after(period.end) if _is_month_end(period.end) else period.end.replace(day=1)
    if first_whole >= after_whole:
        return Q(grain="d", day__gte=period.start, day__lte=period.end)
    return (Q(grain="m", day__gte=first_whole, day__lt=after_whole)
            | Q(grain="d", day__gte=period.start, day__lt=first_whole)
            | Q(grain="d", day__gte=after_whole, day__lte=period.end))


def _scoped(model, user, period: Period, fund: Fund | None) -> QuerySet:
    """A summary's rows of the period that ``user`` may see, through the same scope as the records' doors."""
    rows = scope_queryset(model.objects.filter(period_rows(period)), user)
    return rows.filter(fund=fund) if fund else rows


def percentile_cont(histogram: list[tuple[int, int]], fraction: Decimal) -> Decimal | None:
    """PostgreSQL's ``percentile_cont`` of the values a (value, count) histogram holds, to one decimal."""
    histogram = sorted((value, count) for value, count in histogram if count and value is not None)
    total = sum(count for _value, count in histogram)
    if not total:
        return None
    position = fraction * (total - 1)
    below = int(position)

    def value_at(index: int) -> int:
        seen = 0
        for value, count in histogram:
            seen += count
            if index < seen:
                return value
        return histogram[-1][0]

    low, high = value_at(below), value_at(min(below + 1, total - 1))
    return (low + (position - below) * (high - low)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _empty_figures() -> dict:
    return {name: 0 for name in APPLICATION_FIGURES} | {"paid_count": 0, "paid_amount": ZERO}


def _has_figures(row: dict) -> bool:
    return any(row[name] for name in APPLICATION_FIGURES) or row["paid_count"] or row["paid_amount"]


class ReportFigures:
    """The application and payment figures of a period, read from the summaries in three queries.

    ``ApplicationDailyFigure`` (cases) and ``PayoutDailyFigure`` (payouts), kept exact by the
    database, grouped by figure, station and aid category: a few hundred rows whatever the number of
    cases, from which the overview, the categories and the stations are summed here. Their labels
    come with the stations and categories, two small queries more.
    """

    def __init__(self, user, period: Period, *, fund: Fund | None = None):
        self.user = user
        self.period = period
        self.fund = fund

    @cached_property
    def _cells(self) -> dict[tuple[int, int | None], dict]:
        """(station id, category id) → every figure of the cases and payouts of that cell."""
        cells: dict = {}
        since_in_period = Q(since__gte=self.period.start)
        counted = Sum(Case(When(since__isnull=True, then=F("count")), When(since_in_period, then=-F("count")),
                           default=Value(0)))
        application_rows = (_scoped(ApplicationDailyFigure, self.user, self.period, self.fund)
                            .values("figure", "station_id", "category_id").annotate(n=counted).order_by())
        for row in application_rows:
            cell = cells.setdefault((row["station_id"], row["category_id"]), _empty_figures())
            cell[row["figure"]] += row["n"]
        paid_rows = (_scoped(PayoutDailyFigure, self.user, self.period, self.fund)
                     .filter(figure=PayoutDailyFigure.Figure.PAID)
                     .values("station_id", "category_id").annotate(n=Sum("count"), amount=Sum("amount")).order_by())
        for row in paid_rows:
            cell = cells.setdefault((row["station_id"], row["category_id"]), _empty_figures())
            cell["paid_count"] += row["n"]
            cell["paid_amount"] += row["amount"]
        return {key: cell for key, cell in cells.items() if _has_figures(cell)}

    def _rows(self, key_index: int) -> dict:
        rows: dict = {}
        for key, cell in self._cells.items():
            row = rows.setdefault(key[key_index], _empty_figures())
            for name, value in cell.items():
                row[name] += value
        return rows

    @cached_property
    def overview(self) -> dict:
        """Received, verified, approved, rejected, returned, withdrawn; paid count, amount and days."""
        figures = _empty_figures()
        for cell in self._cells.values():
            for name, value in cell.items():
                figures[name] += value
        histogram = (_scoped(PayoutDailyFigure, self.user, self.period, self.fund)
                     .filter(figure=PayoutDailyFigure.Figure.DAYS)
                     .values_list("days").annotate(n=Sum("count")).order_by())
        histogram = list(histogram)
        figures["paid_amount"] = quantize_money(figures["paid_amount"])
        figures["median_days"] = percentile_cont(histogram, Decimal("0.5"))
        figures["p90_days"] = percentile_cont(histogram, Decimal("0.9"))
        return figures

    @cached_property
    def categories(self) -> list[dict]:
        rows = self._rows(1)
        labels = {c.pk: c for c in AidCategory.objects.filter(pk__in=[pk for pk in rows if pk is not None])}
        out = []
        for pk, row in rows.items():
            category = labels.get(pk)
            out.append({"category_id": pk, "category__code": category.code if category else "",
                        "category__name": category.name if category else _("Other payouts"),
                        "category__sort_order": category.sort_order if category else 1_000_000, **row,
                        "paid_amount": quantize_money(row["paid_amount"])})
        return sorted(out, key=lambda r: (r["category__sort_order"], r["category__code"]))

    @cached_property
    def stations(self) -> list[dict]:
        rows = self._rows(0)
        labels = {s.pk: s for s in Station.objects.filter(pk__in=list(rows)).select_related("district")}
        out = [{"station_id": pk, "station__code": labels[pk].code, "station__name": labels[pk].name,
                "district__code": labels[pk].district.code, **row, "paid_amount": quantize_money(row["paid_amount"])}
               for pk, row in rows.items()]
        return sorted(out, key=lambda r: (r["district__code"], r["station__code"]))


def application_overview(user, period: Period, *, fund: Fund | None = None) -> dict:
    return ReportFigures(user, period, fund=fund).overview


def by_category(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    return ReportFigures(user, period, fund=fund).categories


def by_station(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    return ReportFigures(user, period, fund=fund).stations


def _confirmed(user, period: Period, fund: Fund | None, kind: str = DonationDailyFigure.Kind.CAMPAIGN) -> QuerySet:
    """Confirmed donations of the period, from ``donations.DonationDailyFigure``; liaisons get none."""
    if is_station_view(user):
        return DonationDailyFigure.objects.none()
    rows = scope_queryset(DonationDailyFigure.objects.filter(period_rows(period), kind=kind), user, station=None)
    return rows.filter(fund=fund) if fund else rows


def _donation_annotations() -> dict:
    return {"donations": Coalesce(Sum("count"), 0),
            "total": Coalesce(Sum("amount"), ZERO, output_field=MONEY_FIELD)}


def _donation_row(row: dict, **labels) -> dict:
    return {**labels, "count": row["donations"], "amount": quantize_money(row["total"])}


def donation_totals(user, period: Period, *, fund: Fund | None = None) -> dict:
    return _donation_row(_confirmed(user, period, fund).aggregate(**_donation_annotations()))


def donations_by_campaign(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    rows = (
        _confirmed(user, period, fund)
        .values("campaign_id", campaign_name=F("campaign__name"))
        .annotate(**_donation_annotations())
        .filter(donations__gt=0)
        .order_by("-total", "campaign_name")
    )
    return [_donation_row(row, campaign_id=row["campaign_id"], campaign_name=row["campaign_name"] or _("No campaign"))
            for row in rows]


def donations_by_unit(user, period: Period, *, fund: Fund | None = None) -> list[dict]:
    """By the unit that gave or collected: a unit donor's name, an individual's unit, else the donor's name."""
    rows = (
        _confirmed(user, period, fund, DonationDailyFigure.Kind.UNIT)
        .values("unit")
        .annotate(**_donation_annotations())
        .filter(donations__gt=0)
        .order_by("-total", "unit")
    )
    return [_donation_row(row, unit=row["unit"] or _("Anonymous")) for row in rows]


@dataclass
class BalanceSeries:
    fund_id: int
    fund_name: str
    opening: Decimal
    # (first day of the month, net movement in the month, balance at the month's end)
    months: list[tuple[dt.date, Decimal, Decimal]] = field(default_factory=list)


def balance_over_time(user, period: Period, *, fund: Fund | None = None) -> list[BalanceSeries]:
    """Each fund's ledger balance at the end of every month of the period.

    Read from ``funds.LedgerDailyFigure``: the month rows up to the period's end (the day rows of
    its last month when the period ends inside one), a few rows per fund and year; the balance runs
    here, and months without entries carry the previous balance forward.
    """
    if is_station_view(user):
        return []
    funds = report_funds(user)
    if fund:
        funds = funds.filter(pk=fund.pk)
    end_month = period.end.replace(day=1)
    if _is_month_end(period.end):
        rows_up_to_end = Q(grain="m", day__lte=end_month)
    else:
        rows_up_to_end = Q(grain="m", day__lt=end_month) | Q(grain="d", day__gte=end_month, day__lte=period.end)
    entries = LedgerDailyFigure.objects.filter(rows_up_to_end, fund__in=funds)
    if role_of(user) != Role.ADMIN:
        # District staff see their district's part of a city-wide fund, never the whole city's money.
        entries = entries.filter(Q(fund__district__isnull=False) | Q(district=district_of(user)))
    rows = entries.values("fund_id", "fund__name", "day").annotate(net=Sum("amount")).order_by("fund_id", "day")
    period_months = period.months()
    series: dict[int, BalanceSeries] = {}
    movements: dict[int, dict[dt.date, Decimal]] = {}
    for row in rows:
        item = series.setdefault(row["fund_id"], BalanceSeries(row["fund_id"], row["fund__name"], ZERO))
        month = row["day"].replace(day=1)
        if month < period_months[0]:
            item.opening += row["net"]
        else:
            months = movements.setdefault(row["fund_id"], {})
            months[month] = months.get(month, ZERO) + row["net"]
    for fund_id, item in series.items():
        item.opening = quantize_money(item.opening)
        balance = item.opening
        for first_day in period_months:
            net = movements.get(fund_id, {}).get(first_day, ZERO)
            balance = quantize_money(balance + net)
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
    def figures(self) -> ReportFigures:
        return ReportFigures(self.user, self.period, fund=self.fund)

    @property
    def overview(self) -> dict:
        return self.figures.overview

    @property
    def categories(self) -> list[dict]:
        return self.figures.categories

    @property
    def station_rows(self) -> list[dict]:
        return self.figures.stations

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
