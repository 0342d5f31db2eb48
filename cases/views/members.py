"""A member's page, his editing, his family and his registration at another station.

Every member URL looks him up through ``members_visible_to``: outside the
user's scope it answers 404, whether he exists or not. Other apps add
blocks to the member page through ``reliefdesk.panels`` (page "member").
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms.intake import FamilyMemberForm, MemberEditForm, MemberFindForm, RegisterHereForm
from cases.models import FamilyMember, Member, MemberRegistration
from cases.selectors import intake as sel
from cases.services import intake as svc
from cases.views.intake import _steps
from reliefdesk.errors import DomainError, add_to_form
from reliefdesk.history import labelled_history
from reliefdesk.models import Role
from reliefdesk.panels import panels_for
from reliefdesk.scope import require_role, role_of

EDITING_ROLES = (Role.LIAISON, Role.ADMIN)


def _field_label(name: str) -> str:
    try:
        return str(Member._meta.get_field(name).verbose_name)
    except Exception:  # a field that no longer exists, in an old history row
        return name


def _event_details(event) -> list[str]:
    """What a member's history row changed, in words: "Mobile number: 138… → 139…"."""
    data = event.data or {}
    if event.action == "member.updated":
        old, new = data.get("old", {}), data.get("new", {})
        return [f"{_field_label(name)}: {old.get(name) or '—'} → {new.get(name) or '—'}"
                for name in data.get("fields", []) if name in new]
    if event.action in ("member.registered", "member.registered_at_station") and data.get("station_name"):
        source = MemberRegistration.Source(data["source"]).label if data.get("source") in \
            MemberRegistration.Source.values else ""
        return [" · ".join(filter(None, [str(data["station_name"]), data.get("application", ""), str(source)]))]
    if event.action == "member.family_added" and data.get("name"):
        relation = FamilyMember.Relation(data["relation"]).label if data.get("relation") in \
            FamilyMember.Relation.values else ""
        return [f"{data['name']}（{relation}）" if relation else data["name"]]
    return []


def member_events(member: Member):
    events = labelled_history(member)
    for event in events:
        event.details = _event_details(event)
    return events


def _member_page(request, member: Member, *, family_form=None, status: int = 200):
    role = role_of(request.user)
    can_edit = role in EDITING_ROLES
    if family_form is None and can_edit:
        family_form = FamilyMemberForm(prefix="family")
    return render(request, "cases/member_detail.html", {
        "member": member,
        "registrations": list(sel.member_registrations(member=member)),
        "family": list(member.family.all()),
        "applications": list(sel.member_applications(member=member, user=request.user)[:50]),
        "events": member_events(member),
        "panels": panels_for("member", request=request, subject=member),
        "can_edit": can_edit,
        "can_file": role in EDITING_ROLES,
        "family_form": family_form,
    }, status=status)


@require_GET
def member_detail(request, pk: int):
    member = sel.member_get(user=request.user, pk=pk)
    return _member_page(request, member)


@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    require_role(request.user, Role.LIAISON)
    member = sel.member_get(user=request.user, pk=pk)
    form = MemberEditForm(request.POST or None, member=member, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            svc.member_update(actor=request.user, member=member, **form.cleaned_data)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(name)s's details are saved.") % {"name": form.cleaned_data["name"]})
            return redirect("cases:member-detail", pk=member.pk)
    return render(request, "cases/member_edit.html", {"member": member, "form": form},
                  status=400 if request.method == "POST" else 200)


@require_POST
def member_family_add(request, pk: int):
    require_role(request.user, Role.LIAISON)
    member = sel.member_get(user=request.user, pk=pk)
    form = FamilyMemberForm(request.POST, prefix="family")
    if form.is_valid():
        try:
            family = svc.family_member_add(actor=request.user, member=member,
                                           relation=form.cleaned_data["relation"],
                                           name=form.cleaned_data["family_name"],
                                           id_number=form.cleaned_data["family_id_number"])
        except DomainError as error:
            field = {"name": "family_name", "id_number": "family_id_number"}.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("%(name)s added to the family.") % {"name": family.name})
            return redirect("cases:member-detail", pk=member.pk)
    return _member_page(request, member, family_form=form, status=400)


@require_POST
def member_register_here(request):
    """Register a member found by his full ID number, on file only elsewhere, at the liaison's station."""
    require_role(request.user, Role.LIAISON)
    form = RegisterHereForm(request.POST, user=request.user, auto_id="here_%s")
    number = request.POST.get("id_number", "")
    if form.is_valid():
        data = form.cleaned_data
        try:
            member = svc.member_register_at_station(actor=request.user, id_number=data["id_number"],
                                                    station=data.get("station"), reason=data["reason"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("%(name)s is registered at your station.") % {"name": member.name})
            return redirect("cases:application-new-for-member", member_pk=member.pk)
        number = data["id_number"]
    find_form = MemberFindForm({"id_number": number}, auto_id="find_%s")
    found = sel.member_find(user=request.user, id_number=find_form.cleaned_data["id_number"]) \
        if find_form.is_valid() else None
    return render(request, "cases/member_find.html", {
        "find_form": find_form, "member_form": None, "register_form": form, "found": found,
        "member": found.member if found else None, **_steps("member"),
    }, status=400)
