"""District review pages: the reviewer's queue, the review page and its transitions."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cases.forms.review import ReasonForm, ReviewForm
from cases.models import Application
from cases.selectors import review as selectors
from cases.selectors.intake import case_facts
from cases.services import review as services
from cases.workflow import APPLICATION, REASON_SHOWN_IN_REVIEW
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.models import Role
from reliefdesk.scope import require_role, role_of

PAGE_SIZE = 50


def _review_url(pk: int):
    return redirect("cases:review", pk=pk)


@require_GET
def review_queue(request):
    require_role(request.user, Role.REVIEWER)
    queryset, filterset = selectors.review_queue(user=request.user, data=request.GET)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    role = role_of(request.user)
    rows = []
    for application in page:
        waiting = selectors.days_waiting(application=application, today=today)
        rows.append((application, waiting, selectors.is_overdue(waiting),
                     APPLICATION.allowed_actions(application, role=role)))
    return render(request, "cases/review_queue.html", {"filter": filterset, "page_obj": page, "rows": rows})


def _render_review(request, application: Application, *, form=None, reason_form=None, status=200):
    context = selectors.review_context(user=request.user, application=application)
    missing = services.missing_checklist_items(application=application)
    return render(request, "cases/review_detail.html", {
        "application": application,
        "facts": case_facts(application),
        "ctx": context,
        "form": form or ReviewForm(application=application),
        "reason_form": reason_form or ReasonForm(),
        "actions": APPLICATION.allowed_actions(application, user=request.user),
        "show_reason": bool(application.last_reason) and application.status in REASON_SHOWN_IN_REVIEW,
        "missing": missing,
        "missing_labels": [str(services.CHECKLIST_LABELS.get(code, code)) for code in missing],
        "override_label": services.OVERRIDE_CODES.get(application.override_code, application.override_code),
    }, status=status)


@require_GET
def review_detail(request, pk: int):
    require_role(request.user, Role.REVIEWER, Role.APPROVER)
    application = selectors.application_for_review(user=request.user, pk=pk)
    return _render_review(request, application)


@require_POST
def review_take(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    application = selectors.application_for_review(user=request.user, pk=pk)
    try:
        services.application_take(application=application, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("cases:review-queue")
    messages.success(request, _("%(ref)s is now in your review.") % {"ref": application.reference})
    return _review_url(pk)


@require_POST
def review_save(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    application = selectors.application_for_review(user=request.user, pk=pk)
    form = ReviewForm(request.POST, application=application)
    if form.is_valid():
        try:
            services.application_save_review(
                application=application, actor=request.user, checklist=form.cleaned_data["checklist"],
                amount=form.cleaned_data["amount"], amount_reason=form.cleaned_data["amount_reason"],
                override_code=form.cleaned_data["override_code"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Checklist and amount saved."))
            return _review_url(pk)
    return _render_review(request, application, form=form, status=400)


@require_POST
def review_acknowledge_invoices(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    application = selectors.application_for_review(user=request.user, pk=pk)
    try:
        services.application_acknowledge_invoices(application=application, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The double-invoice warning is acknowledged."))
    return _review_url(pk)


@require_POST
def review_verify(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    application = selectors.application_for_review(user=request.user, pk=pk)
    try:
        services.application_verify(application=application, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _review_url(pk)
    messages.success(request, _("%(ref)s is verified and can go into an approval batch.")
                     % {"ref": application.reference})
    return redirect("cases:review-queue")


def _with_reason(request, pk: int, service, done_message: str, *, back_to_case: bool = False):
    require_role(request.user, Role.REVIEWER)
    application = selectors.application_for_review(user=request.user, pk=pk)
    reason_form = ReasonForm(request.POST)
    if reason_form.is_valid():
        try:
            service(application=application, actor=request.user, reason=reason_form.cleaned_data["reason"])
        except DomainError as exc:
            reason_form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            messages.success(request, done_message % {"ref": application.reference})
            return _review_url(pk) if back_to_case else redirect("cases:review-queue")
    return _render_review(request, application, reason_form=reason_form, status=400)


@require_POST
def review_return(request, pk: int):
    return _with_reason(request, pk, services.application_return,
                        _("%(ref)s is returned to the station with your reason."))


@require_POST
def review_reject(request, pk: int):
    return _with_reason(request, pk, services.application_reject, _("%(ref)s is rejected."))


@require_POST
def review_reopen(request, pk: int):
    return _with_reason(request, pk, services.application_reopen, _("%(ref)s is back in review."),
                        back_to_case=True)


@require_POST
def override_confirm(request, pk: int):
    require_role(request.user, Role.APPROVER)
    application = selectors.application_for_review(user=request.user, pk=pk)
    try:
        services.application_confirm_override(application=application, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The exception amount of %(ref)s is confirmed.") % {"ref": application.reference})
    if application.batch_id:
        return redirect("cases:batch-detail", pk=application.batch_id)
    return redirect("cases:override-report")


@require_GET
def override_report(request):
    require_role(request.user, Role.REVIEWER, Role.APPROVER)
    page = Paginator(selectors.override_report(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(application, services.OVERRIDE_CODES.get(application.override_code, application.override_code))
            for application in page]
    return render(request, "cases/review_overrides.html", {
        "page_obj": page, "rows": rows,
        "can_confirm": role_of(request.user) in (Role.APPROVER, Role.ADMIN),
    })
