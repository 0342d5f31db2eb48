"""Programme pages: the list, a programme with its rule sets and cycles, creating and editing one."""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from funds import services
from funds.models import Programme
from households.forms.batches import AddHouseholdsForm
from households.forms.cycles import ProgrammeForm, funds_for_programmes
from households.models import Household
from households.selectors import cycle_pages as selectors
from households.selectors import households_visible_to
from households.selectors.cycles import cycles_visible_to, programme_enrolments_visible_to
from households.services import cycles as services_cycles
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.forms import form_errors_as_messages
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.scope import get_or_404, require_role, role_of

PAGE_SIZE = 50
VIEW_ROLES = (Role.REVIEWER, Role.APPROVER, Role.FINANCE)


def _may_edit(user, programme=None) -> bool:
    funds = funds_for_programmes(user=user)
    return funds.filter(pk=programme.fund_id).exists() if programme is not None else funds.exists()


@require_GET
def programme_list(request):
    require_role(request.user, *VIEW_ROLES)
    page = Paginator(selectors.programme_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "households/programme_list.html", {
        "page_obj": page, "can_create": _may_edit(request.user)})


@require_GET
def programme_detail(request, pk: int):
    require_role(request.user, *VIEW_ROLES)
    programme = selectors.programme_get(user=request.user, pk=pk)
    cycles = Paginator(cycles_visible_to(user=request.user).filter(programme=programme).order_by("-cycle_date", "-id"),
                       PAGE_SIZE).get_page(request.GET.get("page"))
    context = {}
    if programme.enrolment == Programme.Enrolment.CHOSEN:
        chosen = programme_enrolments_visible_to(user=request.user).filter(programme=programme)
        context["chosen"] = chosen.select_related("household__head", "household__station", "added_by").order_by(
            "household__station__code", "household__reference")
        if role_of(request.user) in (Role.REVIEWER, Role.ADMIN):
            candidates = (households_visible_to(user=request.user).filter(status=Household.Status.ON_FILE)
                          .exclude(pk__in=chosen.values("household_id")).select_related("head", "station")
                          .order_by("station__code", "reference"))
            context["candidates"] = Paginator(candidates, PAGE_SIZE).get_page(request.GET.get("candidates_page"))
            context["can_choose"] = True
    return render(request, "households/programme_detail.html", {
        **context, "programme": programme, "page_obj": cycles,
        "rule_sets": programme.rule_sets.order_by("-effective_from", "-id"),
        "can_edit": _may_edit(request.user, programme),
        "can_generate": role_of(request.user) in (Role.REVIEWER, Role.ADMIN),
        "history": labelled_history(programme)})


def _chosen_back(pk: int):
    return redirect(reverse("households:programme-detail", args=[pk]) + "#chosen")


@require_POST
def programme_choose(request, pk: int):
    """The reviewer adds ticked households on file to a programme enrolled by choice."""
    require_role(request.user, Role.REVIEWER)
    programme = selectors.programme_get(user=request.user, pk=pk)
    form = AddHouseholdsForm(request.POST, queryset=households_visible_to(user=request.user))
    if not form.is_valid():
        form_errors_as_messages(request, form)
        return _chosen_back(pk)
    try:
        added = services_cycles.programme_choose_households(programme=programme, actor=request.user,
                                                           households=form.cleaned_data["households"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext("%(n)d household chosen.", "%(n)d households chosen.", len(added))
                         % {"n": len(added)})
    return _chosen_back(pk)


@require_POST
def programme_unchoose(request, pk: int, household_pk: int):
    require_role(request.user, Role.REVIEWER)
    programme = selectors.programme_get(user=request.user, pk=pk)
    household = get_or_404(households_visible_to(user=request.user), pk=household_pk)
    try:
        services_cycles.programme_unchoose_household(programme=programme, household=household, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(ref)s is off the programme's list: later cycles leave it out.")
                         % {"ref": household.reference})
    return _chosen_back(pk)


@require_http_methods(["GET", "POST"])
def programme_create(request):
    require_role(request.user, Role.APPROVER)
    form = ProgrammeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_create(fund=form.cleaned_data["fund"], actor=request.user, **form.values())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Programme “%(name)s” created: give it a rule set in force to generate its "
                                        "cycles.") % {"name": programme.name})
            return redirect("households:programme-detail", pk=programme.pk)
    return render(request, "households/programme_form.html", {"form": form, "programme": None},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    require_role(request.user, Role.APPROVER)
    programme = selectors.programme_get(user=request.user, pk=pk)
    if not _may_edit(request.user, programme):  # a city-wide fund's programme is the administrator's
        raise PermissionDenied(_("Your role does not allow this action."))
    form = ProgrammeForm(request.POST or None, user=request.user, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(programme=programme, actor=request.user, **form.values())
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("Programme saved."))
            return redirect("households:programme-detail", pk=programme.pk)
    return render(request, "households/programme_form.html", {"form": form, "programme": programme},
                  status=400 if request.method == "POST" else 200)
