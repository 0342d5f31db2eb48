"""The district dashboard (and a liaison's station view) and its xlsx downloads."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from reliefdesk.models import Role
from reliefdesk import charts
from reports.exports import TABLES, table_response, tables_for
from reports.forms import period_form
from reports.cycles import cycle_figures
from reports.households import household_figures
from reports.selectors import dashboard as build_dashboard
from reliefdesk.scope import require_role

REPORT_ROLES = (Role.LIAISON, Role.REVIEWER, Role.APPROVER, Role.FINANCE)


def _charts(dashboard) -> dict:
    """SVG strings built by reliefdesk.charts, which escapes every label."""
    nothing = _("Nothing in this period.")
    by_category = charts.bar_chart(
        [(r["category__name"], r["paid_amount"]) for r in dashboard.categories],
        title=_("Paid by aid category (yuan)"), empty_message=nothing)
    received_by_category = charts.bar_chart(
        [(r["category__name"], r["received"]) for r in dashboard.categories],
        title=_("Applications received by aid category"), empty_message=nothing, money=False)
    by_station = charts.bar_chart(
        [(r["station__name"], r["paid_amount"]) for r in dashboard.station_rows],
        title=_("Paid by service station (yuan)"), empty_message=nothing)
    out = {
        "paid_by_category": mark_safe(by_category),  # noqa: S308 - built from escaped parts
        "received_by_category": mark_safe(received_by_category),  # noqa: S308
        "paid_by_station": mark_safe(by_station),  # noqa: S308
    }
    if not dashboard.station_view:
        balance = charts.line_chart(
            [(s.fund_name, [(f"{day:%Y-%m}", bal) for day, _net, bal in s.months]) for s in dashboard.balances],
            title=_("Fund balance at month end (yuan)"), empty_message=_("No ledger entries yet."))
        out["balance"] = mark_safe(balance)  # noqa: S308
    return out


@require_GET
def dashboard(request):
    require_role(request.user, *REPORT_ROLES)
    form = period_form(request)
    context = {"form": form}
    if form.is_valid():
        report = build_dashboard(request.user, form.period(), fund=form.cleaned_data.get("fund"))
        context.update({
            "report": report,
            "tables": [TABLES[key](report) for key in tables_for(report)],
            "charts": _charts(report),
            "households": household_figures(request.user, form.period()),
            "cycles": cycle_figures(request.user, form.period()),
            "query": _query_string(form),
        })
    return render(request, "reports/dashboard.html", context)


def _query_string(form) -> str:
    """The period's parameters, for the download links."""
    query = QueryDict(mutable=True)
    for name in ("kind", "year", "quarter", "month", "start", "end", "fund"):
        value = form.data.get(name)
        if value not in (None, ""):
            query[name] = value
    return query.urlencode()


@require_GET
def export(request):
    """One dashboard table as xlsx: ?table=by_category plus the period's parameters."""
    require_role(request.user, *REPORT_ROLES)
    form = period_form(request)
    if not form.is_valid():
        messages.error(request, _("Choose a valid period first."))
        return redirect(f"{reverse('reports:dashboard')}?{request.GET.urlencode()}")
    report = build_dashboard(request.user, form.period(), fund=form.cleaned_data.get("fund"))
    key = request.GET.get("table", "")
    if key not in tables_for(report):
        raise Http404(_("No such table."))
    return table_response(report, key)
