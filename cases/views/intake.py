"""The liaison's pages: station dashboard, the guided new application, the case, the list.

Views are thin: a scoped lookup, a form, a service call; a refused action
comes back beside its field or as a message.
"""
from __future__ import annotations

from html import escape

from django.contrib import messages
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.intake import (
    BeneficiaryForm,
    DocumentsForm,
    EstimateForm,
    FactsForm,
    FamilyMemberForm,
    MemberFindForm,
    MemberForm,
    RegisterHereForm,
    WithdrawForm,
    offered_rule_sets,
    rule_set_on_file,
)
from cases.models import Application, Document
from cases.selectors import intake as sel
from cases.services import intake as svc
from cases.workflow import APPLICATION, REASON_SHOWN_TO_STATION
from funds.selectors import funds_visible_to
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.masking import mask_id_number
from reliefdesk.money import format_money
from reliefdesk.scope import get_or_404, require_role, role_of
from reliefdesk.templatetags.reliefdesk import money

S = Application.Status

STEPS = [
    ("member", gettext_lazy("Member")),
    ("beneficiary", gettext_lazy("Beneficiary")),
    ("facts", gettext_lazy("Event and amounts")),
    ("documents", gettext_lazy("Documents")),
    ("review", gettext_lazy("Review and submit")),
]


def _steps(current: str, application: Application | None = None):
    return {"steps": [(code, label) for code, label in STEPS], "current_step": current, "application": application}


# --- Dashboard and list ----------------------------------------------------

@require_GET
def dashboard(request):
    require_role(request.user, Role.LIAISON)
    data = sel.station_dashboard(user=request.user)
    status_counts = [(code, label, data.counts.get(code, 0)) for code, label in S.choices]
    return render(request, "cases/dashboard.html", {"data": data, "status_counts": status_counts})


LIST_PAGE_SIZE = 25


def _options_html(pairs, current: str):
    """A select's options, escaped in one pass: the station filter alone offers dozens of them."""
    return mark_safe("".join(  # noqa: S308 - every value and label is escaped here
        f'<option value="{escape(choice)}"{" selected" if choice == current else ""}>{escape(label)}</option>'
        for choice, label in pairs))


def _filter_fields(form) -> list[dict]:
    """The list's filter form as plain values for its template: what a field shows, its choices, its errors.

    Rendered by hand rather than through widget templates: on a list served hundreds of times a minute the
    widget and crispy templates cost more than the list's queries. The choice lists are read in one query.
    """
    bound_fields = list(form)
    listed = [bound for bound in bound_fields if getattr(bound.field, "queryset", None) is not None]
    names = dict(zip((bound.name for bound in listed), _choice_pairs(bound.field.queryset for bound in listed)))
    fields = []
    for bound in bound_fields:
        widget = bound.field.widget
        value = bound.value()
        current = "" if value is None else str(value)
        entry = {"name": bound.name, "id": bound.auto_id, "label": bound.label, "help": bound.help_text,
                 "errors": list(bound.errors), "value": current, "options": None,
                 "type": getattr(widget, "input_type", "text")}
        if bound.name in names:
            entry["options"] = _options_html([("", str(bound.field.empty_label or "")), *names[bound.name]], current)
        elif hasattr(bound.field, "choices"):
            entry["options"] = _options_html(((str(choice), str(label)) for choice, label in bound.field.choices),
                                             current)
        fields.append(entry)
    return fields


def _choice_pairs(querysets) -> list[list[tuple[str, str]]]:
    """Each queryset's (pk, name) pairs in its order, all read in one query.

    Each list is aggregated over its ordered query as written (a lone subquery scan keeps that order).
    """
    selects, params = [], []
    for queryset in querysets:
        sql, query_params = queryset.values_list("pk", "name").query.sql_with_params()
        selects.append(f"(SELECT coalesce(json_agg(json_build_array(o.pk::text, o.name)), '[]') FROM ({sql}) AS o)")
        params.extend(query_params)
    if not selects:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        return [[(pk, name) for pk, name in pairs] for pairs in cursor.fetchone()]


@require_GET
def application_list(request):
    queryset, filterset = sel.application_list(user=request.user, data=request.GET)
    page = sel.CappedPaginator(queryset, LIST_PAGE_SIZE, columns=sel.LIST_COLUMNS).get_page(request.GET.get("page"))
    return render(request, "cases/application_list.html", {
        "filter": filterset, "filter_fields": _filter_fields(filterset.form), "page_obj": page,
        "applications": page.object_list, "rows": _list_rows(page.object_list),
        "sort": request.GET.get("sort") or "-created",
        "can_create": role_of(request.user) in (Role.LIAISON, Role.ADMIN),
    })


def _list_rows(rows) -> str:
    """The list's table rows, escaped in one pass rather than cell by cell through the template engine."""
    labels = {code: str(label) for code, label in S.choices}  # each lazy label translated once
    detail = reverse("cases:application-detail", args=[0]).removesuffix("0/")
    return mark_safe("".join(  # noqa: S308 - every cell is escaped here
        f'<tr><td><a href="{detail}{int(row["id"])}/">{escape(row["reference"])}</a></td>'
        f'<td>{escape(row["beneficiary_name"])}</td>'
        f'<td class="font-monospace small">{escape(mask_id_number(row["beneficiary_id_number"]))}</td>'
        f'<td>{escape(row["station__name"])}</td><td>{escape(row["category__name"])}</td>'
        f'<td>{escape(labels.get(row["status"], row["status"]))}</td>'
        f'<td class="money">{money(row["self_paid"])}</td><td class="money">{money(row["estimate_amount"])}</td>'
        f'<td class="small">{timezone.localtime(row["created_at"]).date().isoformat()}</td></tr>'
        for row in rows))


# --- Step 1: find or register the member -----------------------------------

@require_http_methods(["GET", "POST"])
def application_new(request):
    """Find the member by his full ID number; if he is new, register him on the same page.

    A member on file only at other stations is shown as existing, with his masked name, and can be
    registered at the liaison's station (with a reason) before anything is filed for him.
    """
    require_role(request.user, Role.LIAISON)
    find_form = MemberFindForm(request.GET or None, auto_id="find_%s")
    member_form = register_form = found = None
    if request.method == "POST":
        member_form = MemberForm(request.POST, user=request.user)
        if member_form.is_valid():
            try:
                member = svc.member_register(actor=request.user, **member_form.cleaned_data)
            except DomainError as error:
                add_to_form(member_form, error)
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": member.name})
                return redirect("cases:application-new-for-member", member_pk=member.pk)
        find_form = MemberFindForm(initial={"id_number": request.POST.get("id_number", "")}, auto_id="find_%s")
    elif find_form.is_bound and find_form.is_valid():
        number = find_form.cleaned_data["id_number"]
        found = sel.member_find(user=request.user, id_number=number)
        if found.elsewhere:
            register_form = RegisterHereForm(initial={"id_number": number}, user=request.user, auto_id="here_%s")
        elif not found.exists:
            member_form = MemberForm(initial={"id_number": number}, user=request.user)
    return render(request, "cases/member_find.html", {
        "find_form": find_form, "member_form": member_form, "register_form": register_form, "found": found,
        "member": found.member if found else None, **_steps("member"),
    })


# --- Step 2: beneficiary -----------------------------------------------------

def _default_fund_and_category(station, user):
    """The district's fund (else a city-wide one) and its first category with a rule set in force today."""
    funds = funds_visible_to(user=user).filter(active=True)
    today = timezone.localdate()
    for fund in [*funds.filter(district_id=station.district_id), *funds.filter(district__isnull=True)]:
        for rule_set in offered_rule_sets([fund]):
            if rule_set_on_file([rule_set], fund_id=fund.pk, category_id=rule_set.category_id, event_date=None,
                                submission_date=today):
                return fund, rule_set.category
    raise DomainError(_("No fund takes applications in this district yet."))


@require_http_methods(["GET", "POST"])
def application_new_for_member(request, member_pk: int):
    """Choose the beneficiary (or add a family member); saving creates the draft."""
    require_role(request.user, Role.LIAISON)
    member = sel.member_get(user=request.user, pk=member_pk)
    form = BeneficiaryForm(member=member, user=request.user, initial={"beneficiary": "self"})
    family_form = FamilyMemberForm(prefix="family")
    if request.method == "POST" and "add_family" in request.POST:
        family_form, done = _add_family(request, member)
        if done:
            return done
    elif request.method == "POST":
        form = BeneficiaryForm(request.POST, member=member, user=request.user)
        if form.is_valid():
            station = form.cleaned_data["station"]
            try:
                fund, category = _default_fund_and_category(station, request.user)
                application = svc.application_create(actor=request.user, member=member, station=station, fund=fund,
                                                     category=category, beneficiary=form.cleaned_data["beneficiary"])
            except DomainError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("Draft %(reference)s saved.") % {"reference": application.reference})
                return redirect("cases:application-step", pk=application.pk, step="facts")
    return render(request, "cases/application_beneficiary.html", {
        "member": member, "form": form, "family_form": family_form, **_steps("beneficiary"),
    })


# --- Steps 2–5 of an existing draft ---------------------------------------

def _editable(request, pk: int) -> Application:
    require_role(request.user, Role.LIAISON)
    application = sel.application_get(user=request.user, pk=pk)
    if application.status not in svc.EDITABLE_STATUSES:
        messages.error(request, _("This application is %(status)s and can no longer be changed.")
                       % {"status": application.get_status_display()})
        raise _Redirect(reverse("cases:application-detail", args=[application.pk]))
    return application


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _next_or_stay(request, application, step: str, next_step: str):
    if "next" in request.POST:
        return redirect("cases:application-step", pk=application.pk, step=next_step)
    messages.success(request, _("Draft saved."))
    return redirect("cases:application-step", pk=application.pk, step=step)


@require_http_methods(["GET", "POST"])
def application_step(request, pk: int, step: str):
    try:
        application = _editable(request, pk)
    except _Redirect as redirect_to:
        return redirect(redirect_to.url)
    handler = {"beneficiary": _step_beneficiary, "facts": _step_facts, "documents": _step_documents,
               "review": _step_review}.get(step)
    if handler is None:
        raise Http404
    return handler(request, application)


def _add_family(request, member):
    """The family-member sub-form of the beneficiary step; returns (form, redirect or None)."""
    family_form = FamilyMemberForm(request.POST, prefix="family")
    if family_form.is_valid():
        try:
            family = svc.family_member_add(actor=request.user, member=member,
                                           relation=family_form.cleaned_data["relation"],
                                           name=family_form.cleaned_data["family_name"],
                                           id_number=family_form.cleaned_data["family_id_number"])
        except DomainError as error:
            field = {"name": "family_name", "id_number": "family_id_number"}.get(error.field, error.field)
            family_form.add_error(field if field in family_form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s added to the family.") % {"name": family.name})
            return family_form, redirect(request.path)
    return family_form, None


def _step_beneficiary(request, application):
    initial = {"beneficiary": str(application.beneficiary_id) if application.beneficiary_id else "self"}
    form = BeneficiaryForm(member=application.member, user=request.user, with_station=False, initial=initial)
    family_form = FamilyMemberForm(prefix="family")
    if request.method == "POST" and "add_family" in request.POST:
        family_form, done = _add_family(request, application.member)
        if done:
            return done
    elif request.method == "POST":
        form = BeneficiaryForm(request.POST, member=application.member, user=request.user, with_station=False)
        if form.is_valid():
            try:
                svc.application_update(actor=request.user, application=application,
                                       beneficiary=form.cleaned_data["beneficiary"])
            except DomainError as error:
                add_to_form(form, error)
            else:
                return _next_or_stay(request, application, "beneficiary", "facts")
    return render(request, "cases/application_beneficiary.html", {
        "member": application.member, "form": form, "family_form": family_form,
        **_steps("beneficiary", application),
    })


FACT_FIELDS = ("fund", "category", "event_date", "disease", "total_cost", "reimbursed", "other_aid",
               "assessed_loss", "narrative")


def _step_facts(request, application):
    initial = {name: getattr(application, name) for name in FACT_FIELDS}
    form = FactsForm(request.POST or None, application=application, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in FACT_FIELDS}
        changes["narrative"] = changes["narrative"] or ""
        try:
            svc.application_update(actor=request.user, application=application, **changes)
        except DomainError as error:
            add_to_form(form, error)
        else:
            return _next_or_stay(request, application, "facts", "documents")
    return render(request, "cases/application_facts.html", {
        "form": form, "estimate_url": reverse("cases:estimate", args=[application.pk]),
        **_steps("facts", application),
    })


def _step_documents(request, application):
    invoices = list(application.invoices.values_list("number", flat=True))
    form = DocumentsForm(request.POST or None, request.FILES or None, application=application,
                         initial={"invoice_numbers": "\n".join(invoices)})
    if request.method == "POST" and form.is_valid():
        failed = False
        # Every file that passes is kept on the draft, even when another one is refused.
        for kind, upload in form.files_by_kind():
            try:
                svc.document_add(actor=request.user, application=application, kind=kind, uploaded_file=upload,
                                 description=form.description_for(kind))
            except DomainError as error:
                form.add_error("description_other" if error.field == "description" else f"file_{kind}",
                               error.message)
                failed = True
        try:
            svc.invoice_numbers_set(actor=request.user, application=application,
                                    numbers=form.cleaned_data["invoice_numbers"])
        except DomainError as error:
            form.add_error("invoice_numbers", error.message)
            failed = True
        if not failed:
            return _next_or_stay(request, application, "documents", "review")
    documents = list(application.documents.all())
    present = {d.kind for d in documents}
    labels = dict(Document.Kind.choices)
    checklist = [(kind, labels.get(kind, kind), kind in present) for kind in application.category.required_documents]
    return render(request, "cases/application_documents.html", {
        "form": form, "documents": documents, "checklist": checklist,
        "file_fields": [form[f"file_{kind}"] for kind in form.kinds],
        "other_kind": f"file_{Document.Kind.OTHER}",
        "conflicts": sel.invoice_conflicts(application=application, user=request.user),
        **_steps("documents", application),
    })


def _step_review(request, application):
    if request.method == "POST":
        raise Http404
    return render(request, "cases/application_review.html", {
        "facts": sel.case_facts(application),
        "problems": svc.application_submission_problems(application),
        "documents": application.documents.all(),
        "invoices": application.invoices.all(),
        "duplicates": sel.duplicate_warnings(application=application, user=request.user),
        "conflicts": sel.invoice_conflicts(application=application, user=request.user),
        **_steps("review", application),
    })


# --- The live estimate -------------------------------------------------------

@require_GET
def estimate(request, pk: int):
    """The engine's result for the values now in the form (nothing is saved), through the intake service."""
    application = sel.application_get(user=request.user, pk=pk)
    form = EstimateForm(request.GET, application=application, user=request.user)
    if not form.is_valid():
        field = next(iter(form.errors))
        return JsonResponse({"ok": False, "error": str(form.errors[field][0]), "field": field})
    try:
        estimated = svc.application_estimate(actor=request.user, application=application, **form.cleaned_data)
    except DomainError as error:
        return JsonResponse({"ok": False, "error": str(error.message), "field": error.field})
    result = estimated.result
    return JsonResponse({
        "ok": True,
        "self_paid": format_money(estimated.self_paid),
        "over_total": estimated.over_total,
        "rule_set": estimated.rule_set.version_name,
        "eligible": result.eligible,
        "amount": format_money(result.amount) if result.amount is not None else None,
        "range_min": format_money(result.range_min) if result.range_min is not None else None,
        "range_max": format_money(result.range_max) if result.range_max is not None else None,
        "explanation": result.explanation,
        "explanation_en": result.explanation_en,
        "reasons": list(result.reasons),
        "reasons_en": list(result.reasons_en),
    })


# --- Transitions (POST only) -------------------------------------------------

def _transition(request, pk: int, service, success: str, **kwargs):
    application = sel.application_get(user=request.user, pk=pk)
    try:
        service(actor=request.user, application=application, **kwargs)
    except DomainError as error:
        for _field, message in getattr(error, "problems", [(None, error.message)]):
            messages.error(request, message)
        return None
    messages.success(request, success % {"reference": application.reference})
    return application


@require_POST
def application_submit(request, pk: int):
    if _transition(request, pk, svc.application_submit, _("%(reference)s is submitted to the district.")):
        return redirect("cases:dashboard")
    return redirect("cases:application-step", pk=pk, step="review")


@require_POST
def application_resubmit(request, pk: int):
    _transition(request, pk, svc.application_resubmit, _("%(reference)s is submitted again."))
    return redirect("cases:application-detail", pk=pk)


@require_POST
def application_withdraw(request, pk: int):
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    _transition(request, pk, svc.application_withdraw, _("%(reference)s is withdrawn."), reason=reason)
    return redirect("cases:application-detail", pk=pk)


# --- The case, its print form and its documents -----------------------------

@require_GET
def application_detail(request, pk: int):
    application = sel.application_get(user=request.user, pk=pk)
    role = role_of(request.user)
    events = labelled_history(application)
    documents = list(application.documents.all())
    present = {d.kind for d in documents}
    kind_labels = dict(Document.Kind.choices)
    checklist = [(kind, kind_labels.get(kind, kind), kind in present)
                 for kind in application.category.required_documents]
    actions = APPLICATION.allowed_actions(application, role=role)
    return render(request, "cases/application_detail.html", {
        "application": application,
        "facts": sel.case_facts(application),
        "documents": documents,
        "checklist": checklist,
        "invoices": list(application.invoices.all()),
        "duplicates": sel.duplicate_warnings(application=application, user=request.user),
        "conflicts": sel.invoice_conflicts(application=application, user=request.user),
        "events": events,
        "show_reason": bool(application.last_reason) and application.status in REASON_SHOWN_TO_STATION,
        "can_edit": role in (Role.LIAISON, Role.ADMIN) and application.status in svc.EDITABLE_STATUSES,
        "can_withdraw": "withdraw" in actions and role in (Role.LIAISON, Role.ADMIN),
        "can_resubmit": application.status == S.RETURNED and role in (Role.LIAISON, Role.ADMIN),
        "withdraw_form": WithdrawForm(),
    })


@require_GET
def application_print(request, pk: int):
    application = sel.application_get(user=request.user, pk=pk)
    return render(request, "cases/application_print.html", {
        "application": application,
        "facts": sel.case_facts(application),
        "documents": application.documents.all(),
        "invoices": application.invoices.all(),
    })


def _document(request, pk: int, document_pk: int) -> Document:
    return get_or_404(sel.documents_visible_to(user=request.user), pk=document_pk, application_id=pk)


@require_GET
def document_download(request, pk: int, document_pk: int):
    """A document, only to those who may see its case."""
    document = _document(request, pk, document_pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing.")) from None
    response = FileResponse(handle, content_type=document.content_type, as_attachment="download" in request.GET,
                            filename=document.original_name)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def document_delete(request, pk: int, document_pk: int):
    document = _document(request, pk, document_pk)
    try:
        svc.document_delete(actor=request.user, document=document)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s removed.") % {"name": document.original_name})
    return redirect("cases:application-step", pk=pk, step="documents")
