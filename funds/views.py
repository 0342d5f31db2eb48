"""Fund pages: money position and ledger, rule sets with their timeline, chart, try-it, editing and what-if."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funds import curves, engine, ledger, services
from funds.errors import RuleSetLocked
from funds.filters import LedgerFilter
from funds.forms import (
    ActivateForm,
    AdjustmentForm,
    AllocationForm,
    ReversalForm,
    RuleSetForm,
    TierFormSet,
    TryForm,
    WhatIfForm,
)
from funds.models import Fund, LedgerEntry, RuleSet
from funds.selectors import (
    CITY_LEVEL,
    LEDGER_SOURCES,
    FundPosition,
    LedgerPeriod,
    city_level_balance,
    entry_references,
    fund_parts,
    fund_position,
    fund_positions,
    funds_visible_to,
    ledger_of,
    ledger_part_for,
    ledger_period,
    part_filter,
    rule_sets_of_fund,
    rule_sets_visible_to,
    rules_of,
    running_balances,
    with_running_balances,
)
from funds.whatif import run_whatif
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.history import labelled_history
from reliefdesk.models import District, Role
from reliefdesk.money import ZERO, format_money
from reliefdesk.scope import district_of, require_role, role_of
from reliefdesk.xlsx import Sheet, xlsx_response

PAGE_SIZE = 50
DISTRICT_ROLES = (Role.REVIEWER, Role.APPROVER, Role.FINANCE)


def _fund(request, slug):
    try:
        return funds_visible_to(user=request.user).get(slug=slug)
    except Fund.DoesNotExist as exc:  # outsider and missing look the same
        raise Http404(_("No such record.")) from exc


def _rule_set(request, pk):
    try:
        return rule_sets_visible_to(user=request.user).get(pk=pk)
    except RuleSet.DoesNotExist as exc:
        raise Http404(_("No such record.")) from exc


# --- funds and ledger -------------------------------------------------------

@require_GET
def fund_list(request):
    role = role_of(request.user)
    funds = list(funds_visible_to(user=request.user))
    show_money = role in (*DISTRICT_ROLES, Role.ADMIN)
    # District staff see their district's part of a city-wide fund, an administrator the whole of it.
    district = district_of(request.user) if role in DISTRICT_ROLES else None
    positions = fund_positions(funds=funds, district=district) if show_money else {}
    rows = [(fund, positions.get(fund.pk)) for fund in funds]
    return render(request, "funds/fund_list.html", {"rows": rows, "show_money": show_money, "district": district})


def _part(request, fund):
    """The part of the fund the page shows: district staff their district's part of a city-wide fund; an
    administrator the whole fund, or the part he picks (``?part=city`` or a district code)."""
    if fund.district_id is not None:
        return None
    if role_of(request.user) != Role.ADMIN:
        return ledger_part_for(fund=fund, user=request.user)
    chosen = request.GET.get("part", "")
    if chosen == CITY_LEVEL:
        return CITY_LEVEL
    return District.objects.filter(code=chosen).first() if chosen else None


def _part_label(part) -> str:
    if part is None:
        return ""
    if part == CITY_LEVEL:
        return _("City level (not yet allocated)")
    return _("%(district)s's part") % {"district": part.name}


def _ledger_rows(request, fund, part):
    ledger_filter = LedgerFilter(request.GET or None, queryset=ledger_of(fund=fund, part=part))
    return ledger_filter, ledger_filter.qs


def _ledger_period(fund, ledger_filter, rows, part) -> LedgerPeriod:
    """The period the filter's dates choose; like the list, it ignores a date that does not parse.

    ``rows`` is the filter's queryset, so the bound form has been cleaned already.
    """
    cleaned = getattr(ledger_filter.form, "cleaned_data", {})
    return ledger_period(fund, rows, date_from=cleaned.get("booked_from"), date_to=cleaned.get("booked_to"),
                         filtered=bool(cleaned.get("kind") or cleaned.get("q")), part=part)


def _fund_detail_context(request, fund, *, adjust_form=None, allocate_form=None, page_number=None) -> dict:
    part = _part(request, fund)
    ledger_filter, rows = _ledger_rows(request, fund, part)
    is_admin = role_of(request.user) == Role.ADMIN
    city_wide = fund.district_id is None
    can_book = role_of(request.user) in (Role.FINANCE, Role.ADMIN)
    page_obj = Paginator(rows, PAGE_SIZE).get_page(page_number)
    page_obj.object_list = list(page_obj.object_list)
    balances = running_balances(fund, page_obj.object_list, part=part)
    for entry in page_obj.object_list:
        entry.balance = balances[entry.pk]
        # What caused the entry (application number, receipt), joined in by ledger_of.
        entry.references = list(entry_references(entry).values())
    if adjust_form is None and can_book:
        adjust_form = AdjustmentForm(initial={"booked_on": timezone.localdate()}, fund=fund, user=request.user)
    if allocate_form is None and is_admin and city_wide:
        allocate_form = AllocationForm(initial={"booked_on": timezone.localdate()})
    if part == CITY_LEVEL:
        balance = city_level_balance(fund=fund)
        position = FundPosition(balance=balance, committed=ZERO, available=balance)
    else:
        position = fund_position(fund=fund, district=part)
    return {
        "fund": fund,
        "part": part,
        "part_label": _part_label(part),
        "city_wide": city_wide,
        "parts": fund_parts(fund=fund) if is_admin and city_wide else [],
        "city_level": CITY_LEVEL,
        "position": position,
        "filter": ledger_filter,
        "period": _ledger_period(fund, ledger_filter, rows, part),
        "page_obj": page_obj,
        "can_book": can_book,
        "adjust_form": adjust_form,
        "allocate_form": allocate_form,
        "reversible": (LedgerEntry.Kind.OPENING, LedgerEntry.Kind.ADJUSTMENT),
    }


@require_GET
def fund_detail(request, slug):
    fund = _fund(request, slug)
    require_role(request.user, *DISTRICT_ROLES)
    return render(request, "funds/fund_detail.html",
                  _fund_detail_context(request, fund, page_number=request.GET.get("page")))


@require_GET
def ledger_export(request, slug):
    """The filtered ledger in booking order with the balance after each entry, and the period's figures."""
    fund = _fund(request, slug)
    require_role(request.user, *DISTRICT_ROLES)
    part = _part(request, fund)
    ledger_filter, rows = _ledger_rows(request, fund, part)
    period = _ledger_period(fund, ledger_filter, rows, part)
    keys = list(LEDGER_SOURCES)
    titles = [source.title for source in LEDGER_SOURCES.values()]

    def lines():
        for e in with_running_balances(fund, rows, part=part):
            found = entry_references(e)
            yield (e.booked_on, e.get_kind_display(), e.amount, e.balance, e.description, e.reason,
                   *(found.get(key, "") for key in keys),
                   e.reverses_id or "", e.created_by.username if e.created_by_id else "")

    sheet = Sheet(
        title="台账",
        header=["日期", "类别", "金额(元)", "余额(元)", "摘要", "原因", *titles, "冲销分录", "录入人"],
        rows=lines(),
        widths=[12, 14, 14, 16, 30, 30, *[18] * len(titles), 10, 12],
        money_columns=[2, 3],
    )
    summary = Sheet(
        title="汇总",
        header=["基金", "起始日期", "截止日期", "期初余额(元)", "收入合计(元)", "支出合计(元)", "期末余额(元)", "笔数",
                "说明"],
        rows=[[" · ".join(filter(None, [fund.name, _part_label(part)])), period.date_from, period.date_to,
               period.opening, period.credits, period.debits,
               period.closing, period.count,
               _("Balances are the whole fund's; credits and debits count only the entries listed.")
               if period.filtered else ""]],
        widths=[36, 12, 12, 16, 16, 16, 16, 8, 40],
        money_columns=[3, 4, 5, 6],
    )
    return xlsx_response([sheet, summary], f"ledger-{fund.slug}-{timezone.localdate():%Y%m%d}.xlsx")


@require_POST
def fund_adjust(request, slug):
    fund = _fund(request, slug)
    require_role(request.user, Role.FINANCE)
    form = AdjustmentForm(request.POST, fund=fund, user=request.user)
    if form.is_valid():
        try:
            ledger.ledger_post_adjustment(fund=fund, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The adjustment is booked."))
            return redirect("funds:fund-detail", slug=fund.slug)
    return render(request, "funds/fund_detail.html", _fund_detail_context(request, fund, adjust_form=form),
                  status=400)


@require_POST
def entry_reverse(request, slug, pk):
    fund = _fund(request, slug)
    require_role(request.user, Role.FINANCE)
    try:
        # Only an entry of the part the user works with: another district's, or the city level's, is 404.
        entry = LedgerEntry.objects.filter(part_filter(fund, ledger_part_for(fund=fund, user=request.user))).get(pk=pk)
    except LedgerEntry.DoesNotExist as exc:
        raise Http404(_("No such record.")) from exc
    form = ReversalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the reversal."))
    else:
        try:
            ledger.ledger_reverse_entry(entry=entry, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The entry is reversed."))
    return redirect("funds:fund-detail", slug=fund.slug)


@require_POST
def fund_allocate(request, slug):
    """An administrator allocates part of a city-wide fund to a district (or takes unspent money back)."""
    fund = _fund(request, slug)
    require_role(request.user)
    form = AllocationForm(request.POST)
    if form.is_valid():
        try:
            ledger.fund_allocate(fund=fund, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(amount)s yuan allocated to %(district)s.")
                             % {"amount": format_money(form.cleaned_data["amount"]),
                                "district": form.cleaned_data["district"].name})
            return redirect("funds:fund-detail", slug=fund.slug)
    return render(request, "funds/fund_detail.html", _fund_detail_context(request, fund, allocate_form=form),
                  status=400)


# --- rule sets --------------------------------------------------------------

@require_GET
def rule_timeline(request, slug):
    fund = _fund(request, slug)
    rule_sets = list(rule_sets_of_fund(fund))
    for rs in rule_sets:
        rs.url = reverse("funds:rule-set-detail", args=[rs.pk])
    return render(request, "funds/rule_timeline.html", {
        "fund": fund, "rule_sets": rule_sets,
        "timeline": curves.timeline_svg(rule_sets, today=timezone.localdate()),
    })


def _rule_set_context(request, rule_set, **extra):
    is_admin = role_of(request.user) == Role.ADMIN
    refusal = services.rule_set_edit_refusal(rule_set)
    rules = rules_of(rule_set)
    return {
        "rule_set": rule_set,
        "tiers": list(rule_set.tiers.select_related("parameter").order_by("lower")),
        "rules": rules,
        "chart": curves.aid_chart_svg(rules, title=rule_set.version_name) if rules.tiers else "",
        "is_admin": is_admin,
        "edit_refusal": refusal,
        "activate_form": ActivateForm(initial={"effective_from": rule_set.effective_from}),
        "history": labelled_history(rule_set),
        "diseases": rule_set.diseases.all() if rule_set.diseases_restricted else [],
        **extra,
    }


@require_GET
def rule_set_detail(request, pk):
    rule_set = _rule_set(request, pk)
    return render(request, "funds/rule_set_detail.html", _rule_set_context(request, rule_set))


@require_GET
def rule_set_try(request, pk):
    """Anyone who sees the fund may try the rules: basis and dates in, amount and explanation out."""
    rule_set = _rule_set(request, pk)
    form = TryForm(request.GET if "event_date" in request.GET else None, rule_set=rule_set,
                   initial={"is_member": True, "event_date": rule_set.effective_from,
                            "submission_date": rule_set.effective_from})
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rules = rules_of(rule_set, on=rule_set.decisive_date(event_date=data["event_date"],
                                                              submission_date=data["submission_date"]))
        facts = engine.Facts(
            basis_amount=data.get("basis_amount"), event_date=data["event_date"],
            submission_date=data["submission_date"],
            disease_code=data["disease"].code if data.get("disease") else None, is_member=data["is_member"],
            awarded_this_year=data.get("awarded_this_year") or engine.ZERO,
            awards_this_year=data.get("awards_this_year") or 0,
        )
        result = engine.evaluate(rules, facts)
    return render(request, "funds/rule_set_try.html", {"rule_set": rule_set, "form": form, "result": result})


@require_POST
def rule_set_revise(request, pk):
    rule_set = _rule_set(request, pk)
    require_role(request.user)
    try:
        draft = services.rule_set_revise(rule_set=rule_set, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("funds:rule-set-detail", pk=rule_set.pk)
    messages.success(request, _("A draft revision was created; edit it, then activate it."))
    return redirect("funds:rule-set-edit", pk=draft.pk)


@require_POST
def rule_set_activate(request, pk):
    rule_set = _rule_set(request, pk)
    require_role(request.user)
    form = ActivateForm(request.POST)
    if form.is_valid():
        try:
            services.rule_set_activate(rule_set=rule_set, actor=request.user,
                                       effective_from=form.cleaned_data["effective_from"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The version is in force."))
            return redirect("funds:rule-set-detail", pk=rule_set.pk)
    return render(request, "funds/rule_set_detail.html", _rule_set_context(request, rule_set, activate_form=form),
                  status=400)


@require_http_methods(["GET", "POST"])
def rule_set_edit(request, pk):
    rule_set = _rule_set(request, pk)
    require_role(request.user)
    refusal = services.rule_set_edit_refusal(rule_set)
    if refusal:
        messages.error(request, refusal)
        return redirect("funds:rule-set-detail", pk=rule_set.pk)
    initial = [{name: getattr(t, name) for name in ("lower", "upper", "kind", "rate", "amount", "range_min",
                                                     "range_max", "parameter", "multiplier", "label")}
               for t in rule_set.tiers.order_by("lower")]
    if request.method == "POST":
        form = RuleSetForm(request.POST, instance=RuleSet.objects.get(pk=rule_set.pk))
        formset = TierFormSet(request.POST, prefix="tiers", initial=initial)
        if form.is_valid() and formset.is_valid():
            values = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
            try:
                services.rule_set_update(rule_set=rule_set, actor=request.user, diseases=form.cleaned_data["diseases"],
                                         **values)
                services.rule_set_save_tiers(rule_set=rule_set, actor=request.user, tiers=formset.rows())
            except RuleSetLocked as error:
                messages.error(request, error.message)
                return redirect("funds:rule-set-detail", pk=rule_set.pk)
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("funds:rule-set-detail", pk=rule_set.pk)
    else:
        form = RuleSetForm(instance=rule_set)
        formset = TierFormSet(prefix="tiers", initial=initial)
    return render(request, "funds/rule_set_edit.html", {"rule_set": rule_set, "form": form, "formset": formset})


# --- what-if ----------------------------------------------------------------

def _whatif(request, pk):
    rule_set = _rule_set(request, pk)
    require_role(request.user, Role.REVIEWER, Role.APPROVER)
    form = WhatIfForm(request.GET if "date_from" in request.GET else None)
    result = None
    if form.is_bound and form.is_valid():
        result = run_whatif(rule_set, date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"])
    return rule_set, form, result


@require_GET
def rule_set_whatif(request, pk):
    rule_set, form, result = _whatif(request, pk)
    return render(request, "funds/rule_set_whatif.html", {"rule_set": rule_set, "form": form, "result": result})


@require_GET
def rule_set_whatif_export(request, pk):
    rule_set, form, result = _whatif(request, pk)
    if result is None:
        messages.error(request, _("Choose a period first."))
        return redirect("funds:rule-set-whatif", pk=rule_set.pk)
    summary = Sheet(title="汇总", header=["细则", "期间", "案件数", "当时发放合计(元)", "按草案合计(元)", "差额(元)",
                                          "不符合条件"],
                    rows=[(rule_set.version_name, f"{result.date_from}–{result.date_to}", result.count,
                           result.total_granted, result.total_draft, result.difference, result.not_eligible)],
                    money_columns=[3, 4, 5], widths=[20, 24, 10, 18, 18, 14, 12])
    tiers = Sheet(title="分档", header=["档次", "案件数", "当时发放(元)", "按草案(元)"],
                  rows=[(t.label, t.count, t.granted, t.draft) for t in result.tiers], money_columns=[2, 3],
                  widths=[24, 10, 16, 16])
    changes = Sheet(title="变化最大的案件", header=["申请编号", "计算基数(元)", "当时发放(元)", "按草案(元)", "差额(元)",
                                                   "档次"],
                    rows=[(c.reference, c.basis, c.granted, c.draft, c.difference, c.tier_label)
                          for c in result.biggest_changes],
                    money_columns=[1, 2, 3, 4], widths=[16, 14, 14, 14, 14, 20])
    return xlsx_response([summary, tiers, changes], f"whatif-{rule_set.pk}-{result.date_from}-{result.date_to}.xlsx")

