"""Approval batch pages: list, create, the batch page and its actions, the public notice."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.batches import AddApplicationsForm, ApproveForm, BatchCreateForm, NoticeForm
from cases.forms.review import ReasonForm
from cases.models import Batch
from cases.selectors import batches as selectors
from cases.selectors.intake import applications_visible_to
from cases.services import batches as services
from cases.workflow import BATCH
from funds.selectors import fund_position
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.forms import form_errors_as_messages
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.row_pages import rows_page
from reliefdesk.scope import get_or_404, require_role, role_of
from reliefdesk.xlsx import xlsx_response

PAGE_SIZE = 50
BATCH_ROLES = (Role.REVIEWER, Role.APPROVER)


@require_GET
def batch_list(request):
    require_role(request.user, *BATCH_ROLES)
    queryset, filterset = selectors.batch_list(user=request.user, data=request.GET)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/batch_list.html", {
        "filter": filterset, "page_obj": page, "can_create": role_of(request.user) in (Role.REVIEWER, Role.ADMIN)})


@require_http_methods(["GET", "POST"])
def batch_create(request):
    require_role(request.user, Role.REVIEWER)
    form = BatchCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.batch_create(actor=request.user, fund=form.cleaned_data["fund"],
                                          title=form.cleaned_data["title"],
                                          district=form.cleaned_data.get("district"))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Batch “%(title)s” created: add verified cases.") % {"title": batch.title})
            return redirect("cases:batch-detail", pk=batch.pk)
    return render(request, "cases/batch_form.html", {"form": form})


def _detail_context(request, batch: Batch, **forms) -> dict:
    actions = BATCH.allowed_actions(batch, user=request.user)
    # A batch can hold a district's thousand cases: they come a page at a time ("cases" names the page,
    # "page" is the candidates'); the totals are summed in SQL.
    case_page = rows_page(selectors.batch_applications(batch=batch), request.GET.get("cases"), per_page=PAGE_SIZE)
    context = {
        "batch": batch,
        "actions": actions,
        "case_page": case_page,
        "applications": case_page.object_list,
        "totals": selectors.batch_totals(batch=batch),
        "today": timezone.localdate(),
        "notice_form": forms.get("notice_form") or NoticeForm(batch=batch),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
    }
    if "add_applications" in actions:
        candidates, candidate_filter = selectors.batch_candidates(batch=batch, user=request.user, data=request.GET)
        context["candidate_page"] = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
        context["candidate_filter"] = candidate_filter
    if "approve" in actions:
        # A city-wide fund's batch is approved against its district's part of the fund.
        context["position"] = fund_position(fund=batch.fund,
                                            district=batch.district if batch.fund.district_id is None else None)
        context["notice_over"] = batch.notice_end is not None and context["today"] > batch.notice_end

    context["history"] = labelled_history(batch)
    return context


@require_GET
def batch_detail(request, pk: int):
    require_role(request.user, *BATCH_ROLES)
    batch = selectors.batch_get(user=request.user, pk=pk)
    return render(request, "cases/batch_detail.html", _detail_context(request, batch))


def _back(pk: int):
    return redirect("cases:batch-detail", pk=pk)


@require_POST
def batch_add(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    batch = selectors.batch_get(user=request.user, pk=pk)
    form = AddApplicationsForm(request.POST, queryset=applications_visible_to(user=request.user))
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return _back(pk)
    try:
        added = services.batch_add_applications(batch=batch, applications=form.cleaned_data["applications"],
                                                actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext("%(n)d application added.", "%(n)d applications added.", len(added))
                         % {"n": len(added)})
    return _back(pk)


@require_POST
def batch_remove(request, pk: int, application_pk: int):
    require_role(request.user, *BATCH_ROLES)
    batch = selectors.batch_get(user=request.user, pk=pk)
    application = get_or_404(applications_visible_to(user=request.user), pk=application_pk)
    try:
        services.batch_remove_application(batch=batch, application=application, actor=request.user,
                                          reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(ref)s removed from the batch.") % {"ref": application.reference})
    return _back(pk)


@require_POST
def batch_start_notice(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    batch = selectors.batch_get(user=request.user, pk=pk)
    form = NoticeForm(request.POST, batch=batch)
    if form.is_valid():
        try:
            batch = services.batch_start_notice(batch=batch, actor=request.user, start=form.cleaned_data["start"],
                                                days=form.cleaned_data["days"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Public notice from %(start)s to %(end)s.")
                             % {"start": batch.notice_start.isoformat(), "end": batch.notice_end.isoformat()})
            return _back(pk)
    return render(request, "cases/batch_detail.html", _detail_context(request, batch, notice_form=form), status=400)


@require_POST
def batch_objection(request, pk: int, application_pk: int):
    require_role(request.user, Role.REVIEWER)
    batch = selectors.batch_get(user=request.user, pk=pk)
    application = get_or_404(applications_visible_to(user=request.user).filter(batch=batch), pk=application_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write down the objection."))
        return _back(pk)
    try:
        services.application_record_objection(application=application, actor=request.user,
                                              reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Objection recorded: %(ref)s is back in review.") % {"ref": application.reference})
    return _back(pk)


@require_POST
def batch_send_back(request, pk: int):
    require_role(request.user, Role.APPROVER)
    batch = selectors.batch_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.batch_send_back(batch=batch, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The batch is sent back to the reviewer."))
            return _back(pk)
    return render(request, "cases/batch_detail.html", _detail_context(request, batch, reason_form=form), status=400)


@require_POST
def batch_approve(request, pk: int):
    require_role(request.user, Role.APPROVER)
    batch = selectors.batch_get(user=request.user, pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.batch_approve(batch=batch, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The batch is approved; its payouts are ready for finance."))
            return _back(pk)
    return render(request, "cases/batch_detail.html", _detail_context(request, batch, approve_form=form), status=400)


def _notice(request, pk: int):
    require_role(request.user, *BATCH_ROLES)
    batch = selectors.batch_get(user=request.user, pk=pk)
    if batch.notice_start is None:
        messages.error(request, _("The public notice of this batch has not started."))
        return batch, None
    return batch, selectors.notice_list(batch=batch)


@require_GET
def batch_notice(request, pk: int):
    batch, notice = _notice(request, pk)
    if notice is None:
        return _back(pk)
    return render(request, "reliefdesk/notice.html", {
        "notice": notice, "back_url": reverse("cases:batch-detail", args=[pk]), "back_label": _("Back to the batch"),
        "xlsx_url": reverse("cases:batch-notice-xlsx", args=[pk])})


@require_GET
def batch_notice_xlsx(request, pk: int):
    batch, notice = _notice(request, pk)
    if notice is None:
        return _back(pk)
    return xlsx_response([notice.sheet()], f"公示名单-{batch.title}.xlsx")
