"""The assistance plan's pages: a measure, and what came of it."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from households.forms.plan import MeasureForm, OutcomeForm
from households.selectors import file as selectors
from households.services import plan as services
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.models import Role
from reliefdesk.scope import get_or_404, require_role

PLAN_ROLES = (Role.LIAISON, Role.REVIEWER)


@require_http_methods(["GET", "POST"])
def measure_form(request, pk: int, measure_pk: int | None = None):
    require_role(request.user, *PLAN_ROLES)
    household = selectors.household_get(user=request.user, pk=pk)
    measure = get_or_404(household.measures.all(), pk=measure_pk) if measure_pk else None
    form = MeasureForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            if measure is None:
                services.plan_measure_add(actor=request.user, household=household, **form.cleaned_data)
            else:
                services.plan_measure_update(actor=request.user, measure=measure, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The plan is saved."))
            return redirect("households:household-detail", pk=pk)
    return render(request, "households/measure_form.html", {"form": form, "household": household, "measure": measure},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def measure_outcome(request, pk: int, measure_pk: int):
    require_role(request.user, *PLAN_ROLES)
    household = selectors.household_get(user=request.user, pk=pk)
    measure = get_or_404(household.measures.all(), pk=measure_pk)
    form = OutcomeForm(request.POST or None, measure=measure)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_measure_record_outcome(actor=request.user, measure=measure, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The outcome is recorded."))
            return redirect("households:household-detail", pk=pk)
    return render(request, "households/measure_outcome.html",
                  {"form": form, "household": household, "measure": measure},
                  status=400 if request.method == "POST" else 200)
