"""The household pages: the list, a new file, the household page, its people, documents and filing steps."""
from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.review import ReasonForm
from households.forms.file import DocumentForm, HouseholdForm, PersonForm, VisitForm
from households.models import Household, HouseholdPerson
from households.payments import household_payments
from households.selectors import household_documents_visible_to
from households.selectors import file as selectors
from households.services import filing as services
from households.workflow import HOUSEHOLD, REASON_SHOWN
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.scope import get_or_404, require_role, role_of

PAGE_SIZE = 50
HOUSEHOLD_ROLES = (Role.LIAISON, Role.REVIEWER, Role.APPROVER, Role.FINANCE)
S = Household.Status


def _detail(pk: int):
    return redirect("households:household-detail", pk=pk)


@require_GET
def household_list(request):
    require_role(request.user, *HOUSEHOLD_ROLES)
    today = timezone.localdate()
    listing = selectors.household_list(user=request.user, data=request.GET, today=today)
    page = Paginator(listing.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "households/household_list.html", {
        "filter": listing.filterset, "page_obj": page, "total": listing.total, "today": today,
        "status_counts": [(code, label, listing.counts[code]) for code, label in S.choices if listing.counts[code]],
        "can_create": role_of(request.user) in (Role.LIAISON, Role.ADMIN),
    })


@require_http_methods(["GET", "POST"])
def household_create(request):
    require_role(request.user, Role.LIAISON)
    form = HouseholdForm(request.POST or None, user=request.user,
                         initial={"head": request.GET.get("id_number", "")} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            household = services.household_create(
                actor=request.user, head=data["head"], station=data["station"], monthly_income=data["monthly_income"],
                causes=data["causes"], cause_note=data["cause_note"], civil_status=data["civil_status"],
                civil_status_from=data["civil_status_from"], civil_status_to=data["civil_status_to"],
                single_parent=data["single_parent"], narrative=data["narrative"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("File %(reference)s opened: add the people who live with %(name)s.")
                             % {"reference": household.reference, "name": household.head.name})
            return _detail(household.pk)
    return render(request, "households/household_form.html", {"form": form, "household": None},
                  status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    require_role(request.user, Role.LIAISON)
    household = selectors.household_get(user=request.user, pk=pk)
    form = HouseholdForm(request.POST or None, user=request.user, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The file is saved."))
            return _detail(pk)
    return render(request, "households/household_form.html", {"form": form, "household": household},
                  status=400 if request.method == "POST" else 200)


def detail_context(request, household: Household, **forms) -> dict:
    today = timezone.localdate()
    plan, overdue = selectors.household_plan(household=household, today=today)
    people = list(household.persons.all())
    return {
        "household": household,
        "people": people,
        "actions": HOUSEHOLD.allowed_actions(household, user=request.user),
        "plan": plan,
        "overdue_measures": overdue,
        "payments": household_payments(household=household, user=request.user),
        "visits": list(household.visits.all()),
        "documents": list(household.documents.all()),
        "history": labelled_history(household),
        "other_files": list(selectors.other_files_of_head(household=household, user=request.user)),
        "causes": selectors.causes_text(household.causes),
        "days_overdue": selectors.days_overdue(household=household, today=today),
        "show_reason": bool(household.last_reason) and household.status in REASON_SHOWN,
        "today": today,
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
    }


@require_GET
def household_detail(request, pk: int):
    require_role(request.user, *HOUSEHOLD_ROLES)
    household = selectors.household_get(user=request.user, pk=pk)
    return render(request, "households/household_detail.html", detail_context(request, household))


# --- people -----------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def person_form(request, pk: int, person_pk: int | None = None):
    require_role(request.user, Role.LIAISON, Role.REVIEWER)
    household = selectors.household_get(user=request.user, pk=pk)
    person = get_or_404(household.persons.all(), pk=person_pk) if person_pk else None
    form = PersonForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        data["monthly_income"] = data["monthly_income"] or 0
        try:
            if person is None:
                services.household_person_add(actor=request.user, household=household, **data)
            else:
                services.household_person_update(actor=request.user, person=person, **data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": data["name"]})
            if "add_another" in request.POST:
                return redirect("households:person-new", pk=pk)
            return _detail(pk)
    return render(request, "households/person_form.html", {"form": form, "household": household, "person": person},
                  status=400 if request.method == "POST" else 200)


@require_POST
def person_remove(request, pk: int, person_pk: int):
    require_role(request.user, Role.LIAISON, Role.REVIEWER)
    household = selectors.household_get(user=request.user, pk=pk)
    person = get_or_404(HouseholdPerson.objects.filter(household=household), pk=person_pk)
    try:
        services.household_person_remove(actor=request.user, person=person)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s is removed from the household.") % {"name": person.name})
    return _detail(pk)


# --- the filing steps --------------------------------------------------------------

def _step(request, pk: int, service, success: str, *roles: str, **kwargs):
    require_role(request.user, *roles)
    household = selectors.household_get(user=request.user, pk=pk)
    try:
        service(actor=request.user, household=household, **kwargs)
    except DomainError as exc:
        for _field, message in getattr(exc, "problems", [(None, exc.message)]):
            messages.error(request, message)
    else:
        messages.success(request, success % {"reference": household.reference})
    return _detail(pk)


@require_POST
def household_submit(request, pk: int):
    return _step(request, pk, services.household_submit, _("%(reference)s is submitted to the district."),
                 Role.LIAISON)


@require_POST
def household_take(request, pk: int):
    return _step(request, pk, services.household_take, _("%(reference)s is yours to verify."), Role.REVIEWER)


@require_POST
def household_verify(request, pk: int):
    return _step(request, pk, services.household_verify,
                 _("%(reference)s is verified and can go into a filing batch."), Role.REVIEWER)


def _with_reason(request, pk: int, service, success: str, role: str):
    require_role(request.user, role)
    household = selectors.household_get(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, household=household, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, success % {"reference": household.reference})
            return _detail(pk)
    return render(request, "households/household_detail.html", detail_context(request, household, reason_form=form),
                  status=400)


@require_POST
def household_withdraw(request, pk: int):
    return _with_reason(request, pk, services.household_withdraw, _("%(reference)s is withdrawn."), Role.LIAISON)


@require_POST
def household_return(request, pk: int):
    return _with_reason(request, pk, services.household_return, _("%(reference)s is returned to the station."),
                        Role.REVIEWER)


@require_POST
def household_reject(request, pk: int):
    return _with_reason(request, pk, services.household_reject, _("%(reference)s is rejected."), Role.REVIEWER)


@require_http_methods(["GET", "POST"])
def household_visit(request, pk: int):
    """The filing visit (入户调查), from a phone in the household's home."""
    require_role(request.user, Role.REVIEWER)
    household = selectors.household_get(user=request.user, pk=pk)
    try:
        HOUSEHOLD.check(household, "record_filing_visit", actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(pk)
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_record_visit(actor=request.user, household=household, visited_on=data["visited_on"],
                                            visitors=data["visitors"], findings=data["findings"],
                                            files=data["files"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The home visit is recorded."))
            return _detail(pk)
    return render(request, "households/visit_form.html", {"form": form, "household": household, "annual": False},
                  status=400 if request.method == "POST" else 200)


# --- documents ------------------------------------------------------------------------

@require_POST
def document_add(request, pk: int):
    require_role(request.user, Role.LIAISON, Role.REVIEWER)
    household = selectors.household_get(user=request.user, pk=pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.household_document_add(actor=request.user, household=household, kind=form.cleaned_data["kind"],
                                            uploaded_file=form.cleaned_data["file"],
                                            description=form.cleaned_data["description"])
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The document is stored."))
            return _detail(pk)
    return render(request, "households/household_detail.html",
                  detail_context(request, household, document_form=form), status=400)


@require_GET
def document_download(request, pk: int, document_pk: int):
    """A document, only to those who may see its household."""
    require_role(request.user, *HOUSEHOLD_ROLES)
    document = get_or_404(household_documents_visible_to(user=request.user), pk=document_pk, household_id=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(handle, content_type=document.content_type, as_attachment="download" in request.GET,
                            filename=document.original_name)
    response["Cache-Control"] = "private, no-store"
    return response
