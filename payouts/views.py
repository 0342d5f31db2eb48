"""Finance pages: fund position, payouts, payout sheets, bank results, reissues."""
from __future__ import annotations

import os

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from payouts.forms import (
    MarkFailedForm,
    MarkPaidForm,
    PayoutSelectionForm,
    ReissueForm,
    ResultUploadForm,
    SheetCancelForm,
)
from cases.selectors.intake import member_get
from payouts.models import Payout, PayoutSheet
from payouts import selectors
from payouts import services
from payouts.jobs import EXPORT_KIND, RESULTS_KIND
from payouts.workflow import PAYOUT, PAYOUT_SHEET
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.importing import discard_staged, estimated_rows, needs_background, stage_upload, staged_path
from reliefdesk.jobs import start_job
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.row_pages import rows_page
from reliefdesk.scope import require_role
from reliefdesk.xlsx import XLSX_CONTENT_TYPE

PAGE_SIZE = 50


def _require_finance(request) -> None:
    require_role(request.user, Role.FINANCE)


def _back(request, default: str):
    """Back to the page the form was on: a path on this site only (``next`` is never a URL name)."""
    target = request.POST.get("next", "")
    if (target.startswith("/") and not target.startswith(("//", "/\\"))
            and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure())):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@require_GET
def finance_home(request):
    _require_finance(request)
    return render(request, "payouts/finance_home.html", selectors.finance_overview(user=request.user))


@require_GET
def payout_list(request):
    _require_finance(request)
    filterset = selectors.payout_list(user=request.user, params=request.GET or None)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page_obj": page,
        "payouts": page.object_list,
        "paid_form": MarkPaidForm(user=request.user),
        "failed_form": MarkFailedForm(user=request.user),
    }
    return render(request, "payouts/payout_list.html", context)


def _payout_detail(request, payout, *, reissue_form=None, status=200):
    reissued_as = Payout.objects.filter(reissue_of=payout).first()
    member = payout.application.member if payout.application_id else None
    context = {
        "member": member,
        "card_changes": list(selectors.payouts_awaiting_member_card(user=request.user, member=member))
        if member else [],
        "payout": payout,
        "live_sheet": selectors.live_sheet_of(payout=payout),
        "reissued_as": reissued_as,
        "can_reissue": reissued_as is None and "reissue" in PAYOUT.allowed_actions(payout, user=request.user),
        "events": labelled_history(payout),
        "reissue_form": reissue_form or ReissueForm(
            action=reverse("payouts:payout-reissue", args=[payout.pk]),
            initial={"bank_name": payout.bank_name},
        ),
    }
    return render(request, "payouts/payout_detail.html", context, status=status)


@require_GET
def payout_detail(request, pk: int):
    _require_finance(request)
    payout = selectors.payout_get(user=request.user, pk=pk)
    return _payout_detail(request, payout)


@require_POST
def payout_reissue(request, pk: int):
    _require_finance(request)
    payout = selectors.payout_get(user=request.user, pk=pk)
    form = ReissueForm(request.POST, action=reverse("payouts:payout-reissue", args=[payout.pk]))
    if form.is_valid():
        try:
            new = services.payout_reissue(payout=payout, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Payout reissued to the card ending %(last4)s; put it in a new sheet.")
                             % {"last4": new.card_number[-4:]})
            return redirect("payouts:payout-detail", pk=new.pk)
    return _payout_detail(request, payout, reissue_form=form, status=400)


@require_POST
def payouts_apply_member_card(request, member_pk: int):
    """Finance puts a member's changed card on the pending payouts listed to it (member or payout page)."""
    _require_finance(request)
    member = member_get(user=request.user, pk=member_pk)
    form = PayoutSelectionForm(request.POST, user=request.user)
    default = reverse("cases:member-detail", args=[member.pk])
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, default)
    try:
        changed = services.payouts_apply_member_card(actor=request.user, member=member,
                                                     payouts=form.cleaned_data["payouts"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, ngettext(
            "The card ending %(last4)s is now on %(count)d payout.",
            "The card ending %(last4)s is now on %(count)d payouts.", len(changed))
            % {"last4": member.card_number[-4:], "count": len(changed)})
    return _back(request, default)


@require_POST
def sheet_create(request):
    _require_finance(request)
    form = PayoutSelectionForm(request.POST, user=request.user)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(request, reverse("payouts:payout-list"))
    payouts = list(form.cleaned_data["payouts"])
    funds = {p.fund_id: p.fund for p in Payout.objects.filter(pk__in=[p.pk for p in payouts]).select_related("fund")}
    if len(funds) != 1:
        messages.error(request, _("A sheet holds the payouts of one fund only: select payouts of one fund."))
        return _back(request, reverse("payouts:payout-list"))
    try:
        sheet = services.payout_sheet_create(actor=request.user, fund=next(iter(funds.values())), payouts=payouts)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("payouts:payout-list"))
    messages.success(request, ngettext("Sheet %(number)s created with %(count)d payout.",
                                       "Sheet %(number)s created with %(count)d payouts.", sheet.row_count)
                     % {"number": sheet.number, "count": sheet.row_count})
    return redirect("payouts:sheet-detail", pk=sheet.pk)


@require_POST
def payouts_mark_paid(request):
    _require_finance(request)
    form = MarkPaidForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            done = services.payout_mark_paid(payouts=form.cleaned_data["payouts"], actor=request.user,
                                              paid_on=form.cleaned_data["paid_on"],
                                              bank_reference=form.cleaned_data["bank_reference"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, ngettext("%(count)d payout recorded as paid.",
                                               "%(count)d payouts recorded as paid.", len(done)) % {"count": len(done)})
    else:
        _form_errors(request, form)
    return _back(request, reverse("payouts:payout-list"))


@require_POST
def payouts_mark_failed(request):
    _require_finance(request)
    form = MarkFailedForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            done = services.payout_mark_failed(payouts=form.cleaned_data["payouts"], actor=request.user,
                                                reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, ngettext("%(count)d payout recorded as failed.",
                                               "%(count)d payouts recorded as failed.", len(done))
                             % {"count": len(done)})
    else:
        _form_errors(request, form)
    return _back(request, reverse("payouts:payout-list"))


@require_GET
def sheet_list(request):
    _require_finance(request)
    sheets = selectors.payout_sheets_visible_to(user=request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in PayoutSheet.Status.values:
        sheets = sheets.filter(status=status)
    page = Paginator(sheets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "payouts/sheet_list.html", {"page_obj": page, "sheets": page.object_list,
                                                     "statuses": PayoutSheet.Status.choices, "status": status})


def _sheet_context(request, sheet, **extra):
    # The lines come a page at a time: a sheet can hold tens of thousands; the totals are summed in SQL.
    page = rows_page(selectors.sheet_lines(sheet=sheet), request.GET.get("page"), per_page=PAGE_SIZE)
    lines = page.object_list
    actions = PAYOUT_SHEET.allowed_actions(sheet, user=request.user)
    for line in lines:
        payout_actions = PAYOUT.allowed_actions(line.payout, user=request.user)
        line.recordable = not line.released and "record_results" in actions and "pay" in payout_actions
        line.reissuable = "reissue" in payout_actions and not hasattr(line.payout, "reissued_as")
    context = {
        "sheet": sheet,
        "actions": actions,
        "lines": lines,
        "page_obj": page,
        "totals": selectors.sheet_totals(sheet=sheet),
        "exports": selectors.sheet_exports(sheet=sheet),
        "events": labelled_history(sheet),
        "upload_form": ResultUploadForm(action=reverse("payouts:sheet-import", args=[sheet.pk])),
        "cancel_form": SheetCancelForm(action=reverse("payouts:sheet-cancel", args=[sheet.pk])),
        "paid_form": MarkPaidForm(user=request.user),
        "failed_form": MarkFailedForm(user=request.user),
        "background": sheet.row_count > settings.BACKGROUND_ROWS_THRESHOLD,
    }
    context.update(extra)
    return context


@require_GET
def sheet_detail(request, pk: int):
    _require_finance(request)
    sheet = selectors.payout_sheet_get(user=request.user, pk=pk)
    return render(request, "payouts/sheet_detail.html", _sheet_context(request, sheet))


@require_POST
def sheet_export(request, pk: int):
    _require_finance(request)
    sheet = selectors.payout_sheet_get(user=request.user, pk=pk)
    if sheet.row_count > settings.BACKGROUND_ROWS_THRESHOLD:
        # The file is handed out once: another download is another export, logged and marked as a copy.
        job = start_job(kind=EXPORT_KIND, actor=request.user, total=sheet.row_count,
                        params={"sheet_id": sheet.pk, "download_once": True,
                                "title": _("Payout sheet %(number)s") % {"number": sheet.number},
                                "next_url": reverse("payouts:sheet-detail", args=[sheet.pk])})
        return redirect("job-detail", pk=job.pk)
    try:
        result = services.payout_sheet_export(sheet=sheet, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payouts:sheet-detail", pk=sheet.pk)
    stream = open(result.path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(result.path)  # the open stream keeps the data readable (POSIX)
    return FileResponse(stream, as_attachment=True, filename=result.filename, content_type=XLSX_CONTENT_TYPE)


@require_POST
def sheet_cancel(request, pk: int):
    _require_finance(request)
    sheet = selectors.payout_sheet_get(user=request.user, pk=pk)
    form = SheetCancelForm(request.POST, action=reverse("payouts:sheet-cancel", args=[sheet.pk]))
    if form.is_valid():
        try:
            services.payout_sheet_cancel(sheet=sheet, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Sheet %(number)s cancelled; its payouts are pending again.")
                             % {"number": sheet.number})
            return redirect("payouts:sheet-detail", pk=sheet.pk)
    return render(request, "payouts/sheet_detail.html", _sheet_context(request, sheet, cancel_form=form), status=400)


@require_POST
def sheet_import(request, pk: int):
    """Upload the bank's result file: check every row and show the preview; nothing is written yet."""
    _require_finance(request)
    sheet = selectors.payout_sheet_get(user=request.user, pk=pk)
    form = ResultUploadForm(request.POST, request.FILES, action=reverse("payouts:sheet-import", args=[sheet.pk]))
    if not form.is_valid():
        return render(request, "payouts/sheet_detail.html", _sheet_context(request, sheet, upload_form=form),
                      status=400)
    token, path = stage_upload(form.cleaned_data["file"], folder=services.RESULT_FOLDER, prefix=f"{sheet.pk}-")
    try:
        report = services.payout_sheet_import_results(sheet=sheet, actor=request.user, file=path,
                                                      paid_on=form.cleaned_data["paid_on"])
    except DomainError as exc:
        path.unlink(missing_ok=True)
        messages.error(request, exc.message)
        return redirect("payouts:sheet-detail", pk=sheet.pk)
    if not report.valid:
        path.unlink(missing_ok=True)
    return render(request, "payouts/sheet_import_preview.html", {
        "sheet": sheet, "report": report, "token": token if report.valid else "",
        "paid_on": form.cleaned_data["paid_on"], "file_name": form.cleaned_data["file"].name,
    })


@require_POST
def sheet_import_cancel(request, pk: int):
    """Leave a checked result file unrecorded: its staged copy is deleted at once."""
    _require_finance(request)
    sheet = selectors.payout_sheet_get(user=request.user, pk=pk)
    if discard_staged(folder=services.RESULT_FOLDER, token=request.POST.get("token", ""), prefix=f"{sheet.pk}-"):
        messages.info(request, _("The checked file was discarded; nothing was recorded."))
    return redirect("payouts:sheet-detail", pk=sheet.pk)


@require_POST
def sheet_import_commit(request, pk: int):
    """Apply the checked file: every row or none."""
    _require_finance(request)
    sheet = selectors.payout_sheet_get(user=request.user, pk=pk)
    token = request.POST.get("token", "")
    path = staged_path(folder=services.RESULT_FOLDER, token=token, prefix=f"{sheet.pk}-")
    if path is None:
        raise Http404(_("The checked file is no longer available; upload it again."))
    try:
        paid_on = forms.DateField().clean(request.POST.get("paid_on"))
    except ValidationError:
        messages.error(request, _("The payment date is not a valid date."))
        return redirect("payouts:sheet-detail", pk=sheet.pk)
    if needs_background(estimated_rows(path)):
        job = start_job(kind=RESULTS_KIND, actor=request.user, total=sheet.row_count,
                        params={"sheet_id": sheet.pk, "token": token, "paid_on": paid_on.isoformat(),
                                "title": _("Bank results for %(number)s") % {"number": sheet.number},
                                "next_url": reverse("payouts:sheet-detail", args=[sheet.pk])})
        return redirect("job-detail", pk=job.pk)
    try:
        report = services.payout_sheet_import_results(sheet=sheet, actor=request.user, file=path, commit=True,
                                                      paid_on=paid_on)
    except DomainError as exc:
        # Nothing was recorded and the preview is gone: the file is uploaded again to try again.
        path.unlink(missing_ok=True)
        messages.error(request, exc.message)
        return redirect("payouts:sheet-detail", pk=sheet.pk)
    path.unlink(missing_ok=True)
    messages.success(request, _("Recorded %(paid)d paid and %(failed)d failed; %(skipped)d rows were already "
                                "recorded.") % {"paid": report.paid_count, "failed": report.failed_count,
                                                "skipped": len(report.already_rows)})
    return redirect("payouts:sheet-detail", pk=sheet.pk)
