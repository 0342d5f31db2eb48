"""Filing batch pages: list, create, the batch page and its actions, the public notice."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.batches import ApproveForm
from cases.forms.review import ReasonForm
from households.forms.batches import AddHouseholdsForm, FilingBatchForm, NoticeForm
from households.models import FilingBatch
from households.selectors import batches as selectors
from households.selectors import households_visible_to
from households.selectors.file import causes_text
from households.services import batches as services
from households.workflow import FILING_BATCH
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.forms import form_errors_as_messages
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.notice import notice_is_over
from reliefdesk.scope import get_or_404, require_role, role_of
from reliefdesk.xlsx import xlsx_response

PAGE_SIZE = 50
BATCH_ROLES = (Role.REVIEWER, Role.APPROVER)


def _back(pk: int):
    return redirect("households:batch-detail", pk=pk)


@require_GET
def batch_list(request):
    require_role(request.user, *BATCH_ROLES)
    page = Paginator(selectors.filing_batch_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "households/batch_list.html", {
        "page_obj": page, "can_create": role_of(request.user) in (Role.REVIEWER, Role.ADMIN)})


@require_http_methods(["GET", "POST"])
def batch_create(request):
    require_role(request.user, Role.REVIEWER)
    form = FilingBatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.filing_batch_create(actor=request.user, title=form.cleaned_data["title"],
                                                 district=form.cleaned_data.get("district"))
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Filing batch “%(title)s” created: add verified households.")
                             % {"title": batch.title})
            return _back(batch.pk)
    return render(request, "households/batch_form.html", {"form": form},
                  status=400 if request.method == "POST" else 200)


def _detail_context(request, batch: FilingBatch, **forms) -> dict:
    actions = FILING_BATCH.allowed_actions(batch, user=request.user)
    households = list(selectors.filing_batch_households(batch=batch))
    today = timezone.localdate()
    context = {
        "batch": batch, "actions": actions, "today": today,
        "households": [(h, causes_text(h.causes)) for h in households],
        "notice_form": forms.get("notice_form") or NoticeForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "notice_over": notice_is_over(notice_end=batch.notice_end, today=today),
        "history": labelled_history(batch),
    }
    if "add_households" in actions:
        candidates = selectors.filing_batch_candidates(batch=batch, user=request.user)
        context["candidate_page"] = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("page"))
    return context


@require_GET
def batch_detail(request, pk: int):
    require_role(request.user, *BATCH_ROLES)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    return render(request, "households/batch_detail.html", _detail_context(request, batch))


@require_POST
def batch_add(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    form = AddHouseholdsForm(request.POST, queryset=households_visible_to(user=request.user))
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return _back(pk)
    try:
        added = services.filing_batch_add_households(batch=batch, households=form.cleaned_data["households"],
                                                     actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext("%(n)d household added.", "%(n)d households added.", len(added))
                         % {"n": len(added)})
    return _back(pk)


@require_POST
def batch_remove(request, pk: int, household_pk: int):
    require_role(request.user, *BATCH_ROLES)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    household = get_or_404(households_visible_to(user=request.user), pk=household_pk)
    try:
        services.filing_batch_remove_household(batch=batch, household=household, actor=request.user,
                                               reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(ref)s removed from the batch.") % {"ref": household.reference})
    return _back(pk)


@require_POST
def batch_start_notice(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            batch = services.filing_batch_start_notice(batch=batch, actor=request.user,
                                                       start=form.cleaned_data["start"], days=form.cleaned_data["days"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Public notice from %(start)s to %(end)s.")
                             % {"start": batch.notice_start.isoformat(), "end": batch.notice_end.isoformat()})
            return _back(pk)
    return render(request, "households/batch_detail.html", _detail_context(request, batch, notice_form=form),
                  status=400)


@require_POST
def batch_objection(request, pk: int, household_pk: int):
    require_role(request.user, Role.REVIEWER)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    household = get_or_404(households_visible_to(user=request.user).filter(filing_batch=batch), pk=household_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write down the objection."))
        return _back(pk)
    try:
        services.household_record_objection(household=household, actor=request.user,
                                            reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Objection recorded: %(ref)s is back in verification.")
                         % {"ref": household.reference})
    return _back(pk)


@require_POST
def batch_send_back(request, pk: int):
    require_role(request.user, Role.APPROVER)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.filing_batch_send_back(batch=batch, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The batch is sent back to the reviewer."))
            return _back(pk)
    return render(request, "households/batch_detail.html", _detail_context(request, batch, reason_form=form),
                  status=400)


@require_POST
def batch_approve(request, pk: int):
    require_role(request.user, Role.APPROVER)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.filing_batch_approve(batch=batch, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The batch is approved: its households are on file."))
            return _back(pk)
    return render(request, "households/batch_detail.html", _detail_context(request, batch, approve_form=form),
                  status=400)


def _notice(request, pk: int):
    require_role(request.user, *BATCH_ROLES)
    batch = selectors.filing_batch_get(user=request.user, pk=pk)
    if batch.notice_start is None:
        messages.error(request, _("The public notice of this batch has not started."))
        return batch, None
    return batch, selectors.filing_notice_list(batch=batch)


@require_GET
def batch_notice(request, pk: int):
    batch, notice = _notice(request, pk)
    if notice is None:
        return _back(pk)
    return render(request, "reliefdesk/notice.html", {
        "notice": notice, "back_url": reverse("households:batch-detail", args=[pk]),
        "back_label": _("Back to the batch"), "xlsx_url": reverse("households:batch-notice-xlsx", args=[pk])})


@require_GET
def batch_notice_xlsx(request, pk: int):
    batch, notice = _notice(request, pk)
    if notice is None:
        return _back(pk)
    return xlsx_response([notice.sheet()], f"建档公示名单-{batch.title}.xlsx")
