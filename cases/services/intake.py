"""Writes of intake: members, family members, applications, documents, invoices, submit and withdraw.

Each service takes keyword-only arguments and a required ``actor``, runs in
one transaction, locks the rows it changes, checks role (403), scope (404)
and state (DomainError), and writes history.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import validators
from cases.estimate import ESTIMATE_FIELDS, assess, judging_date, refresh_estimate, rule_set_for
from cases.models import Application, Document, FamilyMember, InvoiceNumber, Member, MemberRegistration
from cases.selectors.intake import applications_visible_to, members_visible_to
from cases.workflow import APPLICATION
from funds.errors import NoRuleSetInForce
from funds.services import rule_sets_mark_used
from reliefdesk.counters import counter_take
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import record_event
from reliefdesk.models import Role, Station
from reliefdesk.money import quantize_money
from reliefdesk.masking import mask_card
from reliefdesk.scope import get_or_404, require_role, role_of, stations_visible_to
from reliefdesk.uploads import upload_check

S = Application.Status
EDITABLE_STATUSES = (S.DRAFT, S.RETURNED)

# Fields of an application the liaison may change while it is a draft or returned.
APPLICATION_FIELDS = ("beneficiary", "event_date", "disease", "total_cost", "reimbursed", "other_aid",
                      "assessed_loss", "narrative", "fund", "category")


def _domain(error: ValidationError, field: str) -> DomainError:
    message = error.messages[0] if hasattr(error, "messages") else str(error)
    return DomainError(message, field=field, code=getattr(error, "code", None))


def _check(validator, value, field: str) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise _domain(exc, field) from None


# --- Members ---------------------------------------------------------------

def clean_member_fields(fields: dict) -> dict:
    cleaned = dict(fields)
    if "name" in cleaned:
        cleaned["name"] = (cleaned["name"] or "").strip()
        if not cleaned["name"]:
            raise DomainError(_("The name is required."), field="name")
    if cleaned.get("phone"):
        _check(validators.validate_mobile, cleaned["phone"], "phone")
        cleaned["phone"] = cleaned["phone"].replace(" ", "").replace("-", "")
    if cleaned.get("card_number"):
        cleaned["card_number"] = validators.normalise_card_number(cleaned["card_number"])
        _check(validators.validate_card_number, cleaned["card_number"], "card_number")
    if "bank_name" in cleaned:
        cleaned["bank_name"] = (cleaned["bank_name"] or "").strip()
    return cleaned


def _registration_station(actor, station) -> Station | None:
    """The station a liaison registers a member at: the one given (his, or 404), else his only station."""
    visible = stations_visible_to(user=actor).filter(active=True)
    if station is not None:
        return get_or_404(visible, pk=getattr(station, "pk", station))
    if role_of(actor) == Role.ADMIN:
        return None
    stations = list(visible[:2])
    if len(stations) != 1:
        raise DomainError(_("Choose the station the member is registered at."), field="station")
    return stations[0]


def _register_at(member: Member, station: Station, *, actor, source: str, reason: str = "",
                 data: dict | None = None) -> MemberRegistration:
    registration = MemberRegistration.objects.create(member=member, station=station, source=source,
                                                     reason=reason, registered_by=_user(actor))
    record_event(member, actor=actor, action="member.registered_at_station", reason=reason,
                 data={"station": station.pk, "station_name": station.name, "district": station.district.code,
                       "source": source, **(data or {})})
    return registration


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def member_register(*, actor, id_number: str, name: str, station: Station | None = None, phone: str = "",
                    employer=None, card_number: str = "", bank_name: str = "", member_since: dt.date | None = None,
                    is_union_member: bool = True) -> Member:
    """Register a new union member at one of the actor's stations; birth date and sex come from the ID number.

    ``station`` may be left out by a liaison of a single station. A member already registered anywhere is
    not registered again: find him by his ID number and register him at the station instead.
    """
    require_role(actor, Role.LIAISON)
    try:
        facts = validators.parse_id_number(id_number)
    except ValidationError as exc:
        raise _domain(exc, "id_number") from None
    fields = clean_member_fields({"name": name, "phone": phone, "card_number": card_number,
                                   "bank_name": bank_name})
    station = _registration_station(actor, station)
    with transaction.atomic():
        if Member.objects.filter(id_number=facts.id_number).exists():
            raise DomainError(_("A member with this ID number is already registered: find him by his ID number."),
                              field="id_number")
        member = Member.objects.create(id_number=facts.id_number, birth_date=facts.birth_date, sex=facts.sex,
                                       employer=employer, member_since=member_since,
                                       is_union_member=is_union_member, **fields)
        record_event(member, actor=actor, action="member.registered",
                     data={"station": station.pk, "station_name": station.name} if station else {})
        if station is not None:
            MemberRegistration.objects.create(member=member, station=station, registered_by=_user(actor),
                                              source=MemberRegistration.Source.REGISTERED)
    return member


def member_register_at_station(*, actor, id_number: str, station: Station | None = None, reason: str) -> Member:
    """Register a member already on file elsewhere at one of the actor's stations, saying why.

    The liaison found him by his full ID number and saw only that he exists and his masked name; after
    this he belongs to the station too (its liaisons and its district see him), and the member's history
    says who registered him where and why.
    """
    require_role(actor, Role.LIAISON)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the member is registered at your station (e.g. he now works in your "
                            "district)."), field="reason")
    try:
        number = validators.parse_id_number(id_number).id_number
    except ValidationError as exc:
        raise _domain(exc, "id_number") from None
    station = _registration_station(actor, station)
    if station is None:
        raise DomainError(_("Choose the station the member is registered at."), field="station")
    with transaction.atomic():
        member = Member.objects.select_for_update().filter(id_number=number).first()
        if member is None:
            raise DomainError(_("No member has this ID number."), field="id_number")
        if member.registrations.filter(station=station).exists():
            raise DomainError(_("%(name)s is already registered at %(station)s.")
                              % {"name": member.name, "station": station.name}, field="station")
        _register_at(member, station, actor=actor, source=MemberRegistration.Source.ADDED, reason=reason)
    return member


MEMBER_FIELDS = ("name", "phone", "employer", "card_number", "bank_name", "member_since", "is_union_member")
# Shown in a member's history as they were typed, except the card number (its last four digits).
MASKED_IN_HISTORY = ("card_number",)


def _history_value(field: str, value) -> str:
    if value is None or value == "":
        return ""
    if field in MASKED_IN_HISTORY:
        return mask_card(str(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _lock_member(member: Member, actor) -> Member:
    """The member row locked for update, or 404 when he is outside the actor's scope."""
    return get_or_404(members_visible_to(user=actor).select_for_update(of=("self",)), pk=member.pk)


def member_update(*, actor, member: Member, **changes) -> Member:
    """Change a member's contact and payment details (the ID number never changes).

    The history row keeps the old and the new value of every changed field (card numbers masked). A card
    changed after an approval reaches that award's payouts only when finance applies it to them.
    """
    require_role(actor, Role.LIAISON)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"member_update does not change {sorted(unknown)}")
    changes = clean_member_fields(changes)
    with transaction.atomic():
        member = _lock_member(member, actor)
        changed = {k: v for k, v in changes.items() if getattr(member, k) != v}
        if changed.get("card_number") and not (changes.get("bank_name") or member.bank_name):
            raise DomainError(_("Name the bank of the card."), field="bank_name")
        if not changed:
            return member
        old = {k: _history_value(k, getattr(member, k)) for k in changed}
        new = {k: _history_value(k, v) for k, v in changed.items()}
        for key, value in changed.items():
            setattr(member, key, value)
        member.save(update_fields=[*changed, "updated_at"])
        record_event(member, actor=actor, action="member.updated",
                     data={"fields": sorted(changed), "old": old, "new": new})
    return member


def family_member_add(*, actor, member: Member, relation: str, name: str, id_number: str) -> FamilyMember:
    """Add a spouse, child or parent to a member of the actor's scope (404 otherwise)."""
    require_role(actor, Role.LIAISON)
    if relation not in FamilyMember.Relation.values:
        raise DomainError(_("Choose the relation to the member."), field="relation")
    name = (name or "").strip()
    if not name:
        raise DomainError(_("The name is required."), field="name")
    try:
        facts = validators.parse_id_number(id_number)
    except ValidationError as exc:
        raise _domain(exc, "id_number") from None
    with transaction.atomic():
        member = _lock_member(member, actor)
        if facts.id_number == member.id_number:
            raise DomainError(_("This is the member's own ID number: choose the member himself as beneficiary."),
                              field="id_number")
        if member.family.filter(id_number=facts.id_number).exists():
            raise DomainError(_("This family member is already registered."), field="id_number")
        family = FamilyMember.objects.create(member=member, relation=relation, name=name, id_number=facts.id_number)
        record_event(member, actor=actor, action="member.family_added",
                     data={"family_member": family.pk, "relation": relation, "name": name})
    return family


# --- Applications ----------------------------------------------------------

def application_reference_key(*, district, year: int) -> str:
    return f"application:{district.pk}:{year}"


def application_reference_allocate(*, district, year: int) -> str:
    """The next ``SY-2022-00031``: five digits per district and year, gap-free (reliefdesk.counters)."""
    sequence = counter_take(key=application_reference_key(district=district, year=year))
    return f"{district.code}-{year}-{sequence:05d}"


def _clean_amounts(values: dict) -> dict:
    for field in ("total_cost", "reimbursed", "other_aid", "assessed_loss"):
        if field in values and values[field] is not None:
            values[field] = quantize_money(values[field])
            _check(validators.validate_money_not_negative, values[field], field)
    return values


def self_paid_of(*, total_cost: Decimal, reimbursed: Decimal, other_aid: Decimal) -> Decimal:
    """实际自付额: the total medical cost less what insurance and other aid paid, never below zero."""
    return quantize_money(max(total_cost - reimbursed - other_aid, Decimal("0")))


def _derive(application: Application) -> None:
    """self_paid = total − reimbursed − other; the check and the beneficiary copy live here."""
    try:
        validators.validate_amounts(application.total_cost, application.reimbursed, application.other_aid)
    except ValidationError as exc:
        raise _domain(exc, "reimbursed") from None
    application.self_paid = self_paid_of(total_cost=application.total_cost, reimbursed=application.reimbursed,
                                         other_aid=application.other_aid)
    if application.event_date:
        _check(validators.validate_event_date, application.event_date, "event_date")
    person = application.beneficiary or application.member
    application.beneficiary_id_number = person.id_number
    application.beneficiary_name = person.name


def _check_fund_serves(fund, station: Station) -> None:
    if fund.district_id and fund.district_id != station.district_id:
        raise DomainError(_("This fund serves another district."), field="fund")
    if not fund.active:
        raise DomainError(_("This fund no longer takes applications."), field="fund")


def _check_beneficiary(member: Member, beneficiary) -> None:
    if beneficiary is not None and beneficiary.member_id != member.pk:
        raise DomainError(_("The beneficiary must be the member or one of his family."), field="beneficiary")


def application_create(*, actor, member: Member, station: Station, fund, category, beneficiary=None,
                       event_date: dt.date | None = None, disease=None, total_cost=Decimal("0"),
                       reimbursed=Decimal("0"), other_aid=Decimal("0"), assessed_loss=None,
                       narrative: str = "") -> Application:
    """A new draft with its reference, at one of the actor's stations."""
    require_role(actor, Role.LIAISON)
    station = get_or_404(stations_visible_to(user=actor), pk=station.pk)
    member = get_or_404(members_visible_to(user=actor), pk=member.pk)
    _check_fund_serves(fund, station)
    _check_beneficiary(member, beneficiary)
    amounts = _clean_amounts({"total_cost": total_cost, "reimbursed": reimbursed, "other_aid": other_aid,
                              "assessed_loss": assessed_loss})
    application = Application(member=member, beneficiary=beneficiary, station=station, district=station.district,
                              fund=fund, category=category, created_by=actor, event_date=event_date,
                              disease=disease, narrative=(narrative or "").strip(), **amounts)
    _derive(application)
    refresh_estimate(application, save=False)
    with transaction.atomic():
        application.reference = application_reference_allocate(district=station.district, year=timezone.localdate().year)
        application.save()
        record_event(application, actor=actor, action="application.created", to_status=application.status)
        if not member.registrations.filter(station=station).exists():
            # He belongs to the station he is filed at from now on, whatever becomes of the case.
            _register_at(member, station, actor=actor, source=MemberRegistration.Source.APPLICATION,
                         data={"application": application.reference})
    return application


def _lock(application: Application, actor) -> Application:
    """The application locked for update, or 404 when outside the actor's scope."""
    return get_or_404(applications_visible_to(user=actor).select_for_update(of=("self",)), pk=application.pk)


def _require_editable(application: Application) -> None:
    if application.status not in EDITABLE_STATUSES:
        raise TransitionNotAllowed(
            _("This application is %(status)s: it can be changed only as a draft or when returned.")
            % {"status": application.get_status_display()}
        )


def application_update(*, actor, application: Application, **changes) -> Application:
    """Change the facts of a draft or returned case; self-paid and the estimate follow."""
    require_role(actor, Role.LIAISON)
    unknown = set(changes) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"application_update does not change {sorted(unknown)}")
    changes = _clean_amounts(dict(changes))
    if "narrative" in changes:
        changes["narrative"] = (changes["narrative"] or "").strip()
    with transaction.atomic():
        application = _lock(application, actor)
        _require_editable(application)
        if "fund" in changes:
            _check_fund_serves(changes["fund"], application.station)
        if "beneficiary" in changes:
            _check_beneficiary(application.member, changes["beneficiary"])
        changed = []
        for key, value in changes.items():
            current = getattr(application, f"{key}_id") if key in ("beneficiary", "disease", "fund", "category") \
                else getattr(application, key)
            new = getattr(value, "pk", value) if key in ("beneficiary", "disease", "fund", "category") else value
            if current != new:
                setattr(application, key, value)
                changed.append(key)
        _derive(application)
        refresh_estimate(application, save=False)
        application.save(update_fields=sorted({*changed, "self_paid", "beneficiary_id_number", "beneficiary_name",
                                               *ESTIMATE_FIELDS, "updated_at"}))
        if changed:
            record_event(application, actor=actor, action="application.edited", data={"fields": sorted(changed)})
    return application


@dataclass(frozen=True)
class Estimate:
    """The engine's answer for facts as typed, before they are saved."""

    self_paid: Decimal
    over_total: bool  # reimbursed plus other aid exceed the total: the form will refuse it
    rule_set: object
    result: object


def application_estimate(*, actor, application: Application, fund, category, event_date: dt.date | None,
                         disease, total_cost: Decimal, reimbursed: Decimal, other_aid: Decimal,
                         assessed_loss: Decimal | None) -> Estimate:
    """What the case would get with these facts: the same assessment the submission uses, nothing saved.

    The case must be the actor's (404), the fund one that serves its station (DomainError on "fund");
    the beneficiary is the one already chosen, so a family member under a member-only rule is not
    eligible here exactly as the submission refuses him. Raises NoRuleSetInForce without a rule set.
    """
    application = get_or_404(applications_visible_to(user=actor).select_related("beneficiary"), pk=application.pk)
    if fund is None or category is None:
        raise DomainError(_("Choose the fund and the category."), field="fund")
    _check_fund_serves(fund, application.station)
    amounts = _clean_amounts({"total_cost": total_cost, "reimbursed": reimbursed, "other_aid": other_aid,
                              "assessed_loss": assessed_loss})
    application.fund, application.category = fund, category
    application.event_date, application.disease = event_date, disease
    for name, value in amounts.items():
        setattr(application, name, value)
    application.self_paid = self_paid_of(total_cost=application.total_cost, reimbursed=application.reimbursed,
                                         other_aid=application.other_aid)
    rule_set, result = assess(application)
    return Estimate(self_paid=application.self_paid,
                    over_total=application.reimbursed + application.other_aid > application.total_cost,
                    rule_set=rule_set, result=result)


def document_add(*, actor, application: Application, kind: str, uploaded_file, description: str = "") -> Document:
    """Store an uploaded PDF, JPEG or PNG (recognised by its content) with its SHA-256.

    An "other" document needs a short ``description`` of what it is (e.g. 录取通知书).
    """
    require_role(actor, Role.LIAISON)
    if kind not in Document.Kind.values:
        raise DomainError(_("Choose what kind of document this is."), field="kind")
    description = " ".join((description or "").split())
    if kind == Document.Kind.OTHER and not description:
        raise DomainError(_("Say briefly what this document is (e.g. admission letter)."), field="description")
    if len(description) > Document._meta.get_field("description").max_length:
        raise DomainError(_("Describe the document in at most %(max)d characters.")
                          % {"max": Document._meta.get_field("description").max_length}, field="description")
    checked = upload_check(uploaded_file)
    digest, name = checked.sha256, checked.name
    with transaction.atomic():
        application = _lock(application, actor)
        _require_editable(application)
        # The application row is locked, so two uploads of one file cannot both pass this check
        # (and the database refuses a second row with the same hash for the case all the same).
        same = application.documents.filter(sha256=digest).first()
        if same is not None:
            raise DomainError(
                _("%(name)s is already attached to this application as “%(kind)s” (%(existing)s, uploaded "
                  "%(when)s).") % {"name": uploaded_file.name, "kind": same.label,
                                   "existing": same.original_name,
                                   "when": timezone.localtime(same.uploaded_at).strftime("%Y-%m-%d %H:%M")},
                field="file")
        document = Document(application=application, kind=kind, description=description, original_name=name,
                            content_type=checked.content_type, size=checked.size, sha256=digest, uploaded_by=actor)
        # The stored name is ours: nothing of the user's file name reaches the file system.
        document.file.save(f"{application.reference}-{digest[:16]}{checked.extension}", ContentFile(checked.content),
                           save=False)
        document.save()
        data = {"document": document.pk, "kind": kind, "sha256": digest}
        if description:
            data["description"] = description
        if name != uploaded_file.name:
            data.update(name=name, uploaded_as=uploaded_file.name[:255])
        record_event(application, actor=actor, action="application.document_added", data=data)
    return document


def document_delete(*, actor, document: Document) -> None:
    """Remove a wrongly uploaded document from a draft or returned case."""
    require_role(actor, Role.LIAISON)
    with transaction.atomic():
        application = _lock(document.application, actor)
        _require_editable(application)
        document = Document.objects.select_for_update().get(pk=document.pk, application=application)
        name = document.file.name
        record_event(application, actor=actor, action="application.document_removed",
                     data={"kind": document.kind, "sha256": document.sha256, "name": document.original_name})
        document.delete()
        storage = document.file.storage
        transaction.on_commit(lambda: storage.delete(name))


def normalise_invoice_numbers(numbers) -> list[str]:
    if isinstance(numbers, str):
        numbers = numbers.replace("，", ",").replace(";", ",").replace("\n", ",").split(",")
    seen: list[str] = []
    for raw in numbers:
        number = "".join((raw or "").split()).upper()
        if not number:
            continue
        if len(number) > 40:
            raise DomainError(_("An invoice number has at most 40 characters: %(number)s") % {"number": number},
                              field="invoice_numbers")
        if number not in seen:
            seen.append(number)
    return seen


def invoice_numbers_set(*, actor, application: Application, numbers) -> list[str]:
    """Replace the case's invoice numbers (发票号码) with ``numbers``."""
    require_role(actor, Role.LIAISON)
    numbers = normalise_invoice_numbers(numbers)
    with transaction.atomic():
        application = _lock(application, actor)
        _require_editable(application)
        current = set(application.invoices.values_list("number", flat=True))
        if current == set(numbers):
            return numbers
        application.invoices.exclude(number__in=numbers).delete()
        InvoiceNumber.objects.bulk_create([InvoiceNumber(application=application, number=n)
                                           for n in numbers if n not in current])
        record_event(application, actor=actor, action="application.invoices_set",
                     data={"added": sorted(set(numbers) - current), "removed": sorted(current - set(numbers))})
    return numbers


def application_submission_problems(application: Application) -> list[tuple[str | None, str]]:
    """Everything that keeps the case from being submitted, as (field, message)."""

    problems: list[tuple[str | None, str]] = []
    if not application.event_date:
        problems.append(("event_date", _("The event date is required.")))
    if not application.narrative.strip():
        problems.append(("narrative", _("Describe the situation.")))
    rule_set = None
    try:
        rule_set = rule_set_for(application)
    except NoRuleSetInForce as exc:
        problems.append(("event_date", str(exc.message)))
    if rule_set is not None:
        if rule_set.basis == rule_set.Basis.SELF_PAID and application.total_cost <= 0:
            problems.append(("total_cost", _("Enter the total medical cost.")))
        if rule_set.basis == rule_set.Basis.ASSESSED_LOSS and application.assessed_loss is None:
            problems.append(("assessed_loss", _("Enter the assessed loss.")))
        if rule_set.diseases_restricted:
            if not application.disease_id:
                problems.append(("disease", _("Choose the disease from the rule set's list.")))
            elif not rule_set.diseases.filter(pk=application.disease_id).exists():
                problems.append(("disease", _("%(disease)s is not on the list of %(version)s.")
                                 % {"disease": application.disease.name, "version": rule_set.version_name}))
        if application.beneficiary_id and not rule_set.family_allowed:
            problems.append(("beneficiary", _("This rule set covers only the member himself, not his family.")))
    present = set(application.documents.values_list("kind", flat=True))
    labels = dict(Document.Kind.choices)
    missing = [str(labels.get(kind, kind)) for kind in application.category.required_documents
               if kind not in present]
    if missing:
        problems.append((None, _("Documents missing: %(kinds)s.") % {"kinds": "、".join(missing)}))
    return problems


def _submit(*, actor, application: Application, expected: tuple[str, ...]) -> Application:
    require_role(actor, Role.LIAISON)
    with transaction.atomic():
        application = _lock(application, actor)
        if application.status not in expected:
            APPLICATION.check(application, "submit", actor=actor)  # the standard "not possible now" message
            raise TransitionNotAllowed(
                _("This application is %(status)s; use resubmit for a returned case.")
                % {"status": application.get_status_display()}
            )
        APPLICATION.check(application, "submit", actor=actor)
        problems = application_submission_problems(application)
        if problems:
            field, message = problems[0]
            error = DomainError(" ".join(m for _f, m in problems), field=field, code="incomplete")
            error.problems = problems
            raise error
        if not application.submitted_at:
            application.submitted_at = timezone.now()
        refresh_estimate(application, save=False)
        APPLICATION.apply(application, "submit", actor=actor, update_fields=("submitted_at", *ESTIMATE_FIELDS))
        if application.estimate_rule_set_id:
            # From now on the version (and the parameter values it took) judged a case: it is never edited.
            rule_sets_mark_used(uses={application.estimate_rule_set_id: [
                judging_date(application, application.estimate_rule_set)]})
    return application


def application_submit(*, actor, application: Application) -> Application:
    """Draft → submitted, once everything the category and rule set require is there."""
    return _submit(actor=actor, application=application, expected=(S.DRAFT,))


def application_resubmit(*, actor, application: Application) -> Application:
    """Returned → submitted after the liaison answered the reviewer's reason."""
    return _submit(actor=actor, application=application, expected=(S.RETURNED,))


def application_withdraw(*, actor, application: Application, reason: str) -> Application:
    """The worker no longer wants the aid (before review); the reason is kept."""
    require_role(actor, Role.LIAISON)
    with transaction.atomic():
        application = _lock(application, actor)
        APPLICATION.apply(application, "withdraw", actor=actor, reason=reason or "")
    return application

