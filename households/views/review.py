"""The annual reviews due, the annual visit, and leaving hardship."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from households.forms.review import DueFilterForm, ExitForm, ReviewVisitForm
from households.selectors import file as selectors
from households.services import review as services
from households.workflow import HOUSEHOLD
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.models import Role
from reliefdesk.scope import require_role

PAGE_SIZE = 50


@require_GET
def review_due(request):
    """Per station and per district: who is due for the annual visit, and how many days overdue."""
    require_role(request.user, Role.LIAISON, Role.REVIEWER)
    today = timezone.localdate()
    form = DueFilterForm(request.GET or None, user=request.user)
    valid = form.is_valid() if form.is_bound else False
    households = selectors.review_due_list(user=request.user, today=today,
                                           within_days=form.window() if valid else 30,
                                           station=form.cleaned_data.get("station") if valid else None)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(h, late, -late) for h in page for late in [(today - h.next_review_due).days]]
    return render(request, "households/review_due.html", {
        "form": form, "page_obj": page, "rows": rows, "today": today,
        "overdue_count": households.filter(next_review_due__lt=today).count()})


def _allowed(request, household, action: str):
    try:
        HOUSEHOLD.check(household, action, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    return True


@require_http_methods(["GET", "POST"])
def household_review(request, pk: int):
    """The annual visit (全面复核), from a phone: findings, photos, keep on file or leave."""
    require_role(request.user, Role.REVIEWER)
    household = selectors.household_get(user=request.user, pk=pk)
    if not _allowed(request, household, "record_review_visit"):
        return redirect("households:household-detail", pk=pk)
    form = ReviewVisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_review_visit(actor=request.user, household=household, **data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The annual review is recorded."))
            return redirect("households:household-detail", pk=pk)
    return render(request, "households/visit_form.html", {"form": form, "household": household, "annual": True},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def household_leave(request, pk: int):
    require_role(request.user, Role.REVIEWER)
    household = selectors.household_get(user=request.user, pk=pk)
    if not _allowed(request, household, "leave"):
        return redirect("households:household-detail", pk=pk)
    form = ExitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_leave(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("%(reference)s has left hardship; its file is kept.")
                             % {"reference": household.reference})
            return redirect("households:household-detail", pk=pk)
    return render(request, "households/leave_form.html", {"form": form, "household": household},
                  status=400 if request.method == "POST" else 200)
