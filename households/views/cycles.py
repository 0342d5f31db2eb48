"""Cycle pages: the list, generating a cycle, a cycle with its lines and left-out list, removing, approving, paying."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funds.selectors import programmes_visible_to
from households.selectors.cycles import cycle_figures as approval_figures
from households.forms.cycles import CycleGenerateForm, DiscardCycleForm, RemoveLineForm
from households.models import Cycle
from households.selectors import cycle_pages as selectors
from households.services import cycles as services
from households.workflow import CYCLE
from payouts import services as payouts
from payouts.models import Payout
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.scope import require_role, role_of
from reliefdesk.xlsx import xlsx_response

PAGE_SIZE = 100
CYCLE_ROLES = (Role.LIAISON, Role.REVIEWER, Role.APPROVER, Role.FINANCE)


def _back(pk: int):
    return redirect("households:cycle-detail", pk=pk)


@require_GET
def cycle_list(request):
    require_role(request.user, *CYCLE_ROLES)
    listing = selectors.cycle_list(user=request.user, data=request.GET)
    page = Paginator(listing.queryset, 50).get_page(request.GET.get("page"))
    return render(request, "households/cycle_list.html", {
        "filter": listing.filterset, "page_obj": page,
        "can_generate": role_of(request.user) in (Role.REVIEWER, Role.ADMIN)})


def _generate_programmes(user):
    return programmes_visible_to(user=user).filter(active=True).select_related("fund").order_by("fund__slug", "code")


@require_http_methods(["GET", "POST"])
def cycle_generate(request):
    require_role(request.user, Role.REVIEWER)
    initial = {}
    if request.method == "GET" and request.GET.get("programme", "").isdigit():
        initial["programme"] = request.GET["programme"]
    form = CycleGenerateForm(request.POST or None, user=request.user, programmes=_generate_programmes(request.user),
                             **({"initial": initial} if initial else {}))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            generation = services.cycle_generate(programme=data["programme"], cycle_date=data["cycle_date"],
                                                 holiday=data.get("holiday") or None, district=data.get("district"),
                                                 actor=request.user)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            cycle = generation.cycle
            if not generation.created:
                messages.info(request, _("%(title)s was generated already: here it is, unchanged.")
                              % {"title": cycle.title})
                return _back(cycle.pk)
            messages.success(request, ngettext(
                "%(title)s: %(n)d line, %(left)d left out.", "%(title)s: %(n)d lines, %(left)d left out.",
                cycle.line_count) % {"title": cycle.title, "n": cycle.line_count, "left": cycle.left_out_count})
            return _back(cycle.pk)
    return render(request, "households/cycle_generate.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _detail_context(request, cycle: Cycle, **forms) -> dict:
    actions = CYCLE.allowed_actions(cycle, user=request.user)
    lines = Paginator(selectors.cycle_lines(cycle=cycle, user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    left_out = Paginator(selectors.cycle_exclusions(cycle=cycle, user=request.user), PAGE_SIZE).get_page(
        request.GET.get("left_page"))
    role = role_of(request.user)
    context = {
        "cycle": cycle, "programme": cycle.programme, "actions": actions, "lines": lines, "left_out": left_out,
        "figures": selectors.cycle_figures(cycle=cycle, user=request.user),
        "remove_form": forms.get("remove_form") or RemoveLineForm(),
        "discard_form": forms.get("discard_form") or DiscardCycleForm(),
        "failed_line": forms.get("failed_line"),
        "history": labelled_history(cycle),
        "english": request.LANGUAGE_CODE.startswith("en"),
        "is_finance": role in (Role.FINANCE, Role.ADMIN),
    }
    labels = dict(Payout.Status.choices)
    for line in lines:
        line.payout_status_label = labels.get(line.payout_status, "")
    if "approve" in actions:
        approval = approval_figures(cycle=cycle)
        context.update(position=approval.position, shortfall=approval.shortfall)
    if context["is_finance"] and cycle.status in (Cycle.Status.APPROVED, Cycle.Status.PAID):
        context["sheet_ready"] = selectors.cycle_payouts_for_sheet(cycle=cycle, user=request.user).count()
    return context


@require_GET
def cycle_detail(request, pk: int):
    require_role(request.user, *CYCLE_ROLES)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    return render(request, "households/cycle_detail.html", _detail_context(request, cycle))


@require_GET
def cycle_xlsx(request, pk: int):
    """The cycle's lines the user may see, as on the page, in one spreadsheet."""
    require_role(request.user, *CYCLE_ROLES)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    return xlsx_response([selectors.cycle_lines_sheet(cycle=cycle, user=request.user)], f"{cycle.title}.xlsx")


@require_GET
def cycle_line_detail(request, pk: int, line_pk: int):
    require_role(request.user, *CYCLE_ROLES)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    line = selectors.cycle_line_get(user=request.user, cycle=cycle, pk=line_pk)
    payouts_of_line = selectors.line_payouts(line=line, user=request.user)
    return render(request, "households/cycle_line_detail.html", {
        "cycle": cycle, "line": line, "payouts": payouts_of_line,
        "english": request.LANGUAGE_CODE.startswith("en"),
        "is_finance": role_of(request.user) in (Role.FINANCE, Role.ADMIN),
        "can_remove": "remove_line" in CYCLE.allowed_actions(cycle, user=request.user) and not line.removed,
        "can_restore": "restore_line" in CYCLE.allowed_actions(cycle, user=request.user) and line.removed,
        "remove_form": RemoveLineForm(), "history": labelled_history(line)})


@require_POST
def cycle_line_remove(request, pk: int, line_pk: int):
    require_role(request.user, Role.REVIEWER)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    line = selectors.cycle_line_get(user=request.user, cycle=cycle, pk=line_pk)
    form = RemoveLineForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_line_remove(line=line, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The line of %(name)s is removed: it will not be paid.")
                             % {"name": line.payee_name})
            return _back(pk)
    return render(request, "households/cycle_detail.html",
                  _detail_context(request, cycle, remove_form=form, failed_line=line.pk), status=400)


@require_POST
def cycle_line_restore(request, pk: int, line_pk: int):
    require_role(request.user, Role.REVIEWER)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    line = selectors.cycle_line_get(user=request.user, cycle=cycle, pk=line_pk)
    try:
        services.cycle_line_restore(line=line, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The line of %(name)s is back in the cycle.") % {"name": line.payee_name})
    return redirect("households:cycle-line-detail", pk=pk, line_pk=line_pk)


@require_POST
def cycle_discard(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    form = DiscardCycleForm(request.POST)
    if form.is_valid():
        try:
            services.cycle_discard(cycle=cycle, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            if exc.field:
                add_to_form(form, exc)
            else:
                messages.error(request, exc.message)
                return _back(pk)
        else:
            messages.success(request, _("%(title)s is discarded: its period can be generated again.")
                             % {"title": cycle.title})
            return _back(pk)
    return render(request, "households/cycle_detail.html", _detail_context(request, cycle, discard_form=form),
                  status=400)


@require_POST
def cycle_approve(request, pk: int):
    require_role(request.user, Role.APPROVER)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    try:
        cycle = services.cycle_approve(cycle=cycle, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(title)s is approved: its lines are payouts for finance to put in a sheet.")
                         % {"title": cycle.title})
    return _back(pk)


@require_POST
def cycle_sheet_create(request, pk: int):
    """Finance puts the cycle's payouts waiting for the bank into one payout sheet."""
    require_role(request.user, Role.FINANCE)
    cycle = selectors.cycle_get(user=request.user, pk=pk)
    waiting = list(selectors.cycle_payouts_for_sheet(cycle=cycle, user=request.user))
    if not waiting:
        messages.error(request, _("No payout of this cycle is waiting for a sheet."))
        return _back(pk)
    try:
        sheet = payouts.payout_sheet_create(actor=request.user, fund=cycle.programme.fund, payouts=waiting)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(pk)
    messages.success(request, ngettext("Sheet %(number)s created with %(count)d payout.",
                                       "Sheet %(number)s created with %(count)d payouts.", sheet.row_count)
                     % {"number": sheet.number, "count": sheet.row_count})
    return redirect("payouts:sheet-detail", pk=sheet.pk)
