"""The household file and its filing flow: open, change, people, submit, withdraw, take, visit, verify, return, reject.

Each service takes keyword-only arguments and a required ``actor``, runs in
one transaction, locks the file, checks role (403), scope (404) and state
(through households.workflow), and writes history. A head has at most one
live file (the database's partial unique index says so too); a file that
left, was rejected or withdrawn stays as it is, and filing again is a new file.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import validators
from cases.models import Member
from cases.selectors.intake import members_visible_to
from cases.services.intake import member_register_at_station
from households.models import (Cause, CivilStatus, Health, HomeVisit, Household, HouseholdDocument, HouseholdPerson,
                               SchoolLevel)
from households.selectors import households_visible_to
from households.workflow import HOUSEHOLD
from reliefdesk.counters import counter_take
from reliefdesk.errors import DomainError
from reliefdesk.history import record_event
from reliefdesk.models import Role, Station
from reliefdesk.money import quantize_money, to_decimal
from reliefdesk.scope import get_or_404, require_role, stations_visible_to
from reliefdesk.uploads import CheckedUpload, upload_check

S = Household.Status

HOUSEHOLD_FIELDS = ("station", "monthly_income", "causes", "cause_note", "civil_status", "civil_status_from",
                    "civil_status_to", "single_parent", "narrative")
PERSON_FIELDS = ("relation", "name", "id_number", "health", "health_note", "school_level", "in_school",
                 "monthly_income")


def _domain(error: ValidationError, field: str) -> DomainError:
    return DomainError(error.messages[0], field=field, code=getattr(error, "code", None))


def household_lock(household: Household | int, actor) -> Household:
    """The file locked for update, or 404 when outside the actor's scope."""
    pk = household.pk if isinstance(household, Household) else household
    return get_or_404(households_visible_to(user=actor).select_for_update(of=("self",)), pk=pk)


# --- the file ----------------------------------------------------------------

def household_reference_allocate(*, district, year: int) -> str:
    """The next ``SY-HH-2024-00012``: five digits per district and year, gap-free (reliefdesk.counters)."""
    sequence = counter_take(key=f"household:{district.pk}:{year}")
    return f"{district.code}-HH-{year}-{sequence:05d}"


def live_file_of(head: Member, *, exclude: int | None = None) -> Household | None:
    files = Household.objects.filter(head=head).exclude(status__in=Household.CLOSED_STATES)
    if exclude is not None:
        files = files.exclude(pk=exclude)
    return files.select_related("station").first()


def _refuse_second_live_file(*, head: Member, actor, exclude: int | None = None) -> None:
    """A head with a live file: say which one when the actor may see it."""
    live = live_file_of(head, exclude=exclude)
    if live is None:
        return
    if households_visible_to(user=actor).filter(pk=live.pk).exists():
        raise DomainError(
            _("%(name)s already heads the live file %(reference)s (%(status)s, %(station)s): open that file "
              "instead of a new one.")
            % {"name": head.name, "reference": live.reference, "status": live.get_status_display(),
               "station": live.station.name}, field="head", code="live_file")
    raise DomainError(_("%(name)s already heads a live file at a station you do not serve.") % {"name": head.name},
                      field="head", code="live_file")


def money_field(value, field: str):
    try:
        amount = quantize_money(to_decimal(value if value not in (None, "") else 0))
    except Exception:  # noqa: BLE001 - any unreadable amount is the same mistake for the user
        raise DomainError(_("Enter an amount in yuan, e.g. 1200.00."), field=field) from None
    if amount < 0:
        raise DomainError(_("An amount cannot be negative."), field=field)
    if amount >= 10 ** 10:
        raise DomainError(_("The amount is too large."), field=field)
    return amount


def household_fields_clean(values: dict) -> dict:
    cleaned = dict(values)
    if "causes" in cleaned:
        causes = list(cleaned["causes"] or [])
        unknown = [c for c in causes if c not in Cause.values]
        if unknown:
            raise DomainError(_("Unknown cause of hardship: %(causes)s.") % {"causes": ", ".join(unknown)},
                              field="causes")
        cleaned["causes"] = [c for c in Cause.values if c in causes]
    if "monthly_income" in cleaned:
        cleaned["monthly_income"] = money_field(cleaned["monthly_income"], "monthly_income")
    for name in ("cause_note", "narrative"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    if "civil_status" in cleaned:
        status = cleaned["civil_status"] or CivilStatus.NONE
        if status not in CivilStatus.values:
            raise DomainError(_("Choose the civil-affairs status."), field="civil_status")
        cleaned["civil_status"] = status
        start, end = cleaned.get("civil_status_from"), cleaned.get("civil_status_to")
        if status == CivilStatus.NONE and (start or end):
            raise DomainError(_("Dates belong to a minimum-living-allowance or low-income status: choose it, "
                                "or clear the dates."), field="civil_status")
        if start and end and end < start:
            raise DomainError(_("The status cannot end (%(end)s) before it begins (%(start)s).")
                              % {"end": end.isoformat(), "start": start.isoformat()}, field="civil_status_to")
    return cleaned


def household_create(*, actor, head: Member, station: Station, monthly_income=0, causes: Iterable[str] = (),
                     cause_note: str = "", civil_status: str = CivilStatus.NONE,
                     civil_status_from: dt.date | None = None, civil_status_to: dt.date | None = None,
                     single_parent: bool = False, narrative: str = "", today: dt.date | None = None) -> Household:
    """A new draft file for ``head`` at one of the liaison's stations (个人申报); its number is of this year."""
    require_role(actor, Role.LIAISON)
    station = get_or_404(stations_visible_to(user=actor), pk=station.pk)
    fields = household_fields_clean({"monthly_income": monthly_income, "causes": causes, "cause_note": cause_note,
                                     "civil_status": civil_status, "civil_status_from": civil_status_from,
                                     "civil_status_to": civil_status_to, "narrative": narrative})
    with transaction.atomic():
        head = get_or_404(members_visible_to(user=actor).select_for_update(of=("self",)), pk=head.pk)
        _refuse_second_live_file(head=head, actor=actor)
        household = Household(head=head, station=station, district=station.district, created_by=actor,
                              single_parent=bool(single_parent), **fields)
        household.reference = household_reference_allocate(district=station.district,
                                                           year=(today or timezone.localdate()).year)
        try:
            with transaction.atomic():
                household.save()
        except IntegrityError:  # another file for the same head committed in between
            raise DomainError(_("%(name)s already heads a live file.") % {"name": head.name}, field="head",
                              code="live_file") from None
        record_event(household, actor=actor, action="household.created", to_status=household.status,
                     data={"head": head.pk})
        if not head.registrations.filter(station=station).exists():
            # He belongs to the station his household is filed at, as with an application.
            member_register_at_station(actor=actor, id_number=head.id_number, station=station,
                                       reason=_("Head of the household file %(reference)s.")
                                       % {"reference": household.reference})
    return household


def household_update(*, actor, household: Household, **changes) -> Household:
    """Change the facts of a draft or returned file (the head never changes: that is another file)."""
    require_role(actor, Role.LIAISON)
    unknown = set(changes) - set(HOUSEHOLD_FIELDS)
    if unknown:
        raise TypeError(f"household_update does not change {sorted(unknown)}")
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "edit", actor=actor)
        civil = {"civil_status", "civil_status_from", "civil_status_to"}
        if civil & set(changes):  # the status and its dates are checked together
            changes = {**{name: getattr(household, name) for name in civil}, **changes}
        changes = household_fields_clean(changes)
        if "station" in changes:
            station = get_or_404(stations_visible_to(user=actor), pk=changes["station"].pk)
            changes["station"] = station
            changes["district"] = station.district
        if "single_parent" in changes:
            changes["single_parent"] = bool(changes["single_parent"])
        changed = {k: v for k, v in changes.items() if getattr(household, k) != v}
        if not changed:
            return household
        for key, value in changed.items():
            setattr(household, key, value)
        household.save(update_fields=[*changed, "updated_at"])
        record_event(household, actor=actor, action="household.edited",
                     data={"fields": sorted(k for k in changed if k != "district")})
    return household


# --- the people who live with the head -------------------------------------------

def _check_people_editable(household: Household, actor) -> None:
    """The station changes a draft or returned file; the district, during verification and while on file."""
    action = "edit" if household.status in HOUSEHOLD.transitions["edit"].sources else "update_people"
    HOUSEHOLD.check(household, action, actor=actor)


def _clean_person(values: dict, *, household: Household, person_pk: int | None = None) -> dict:
    cleaned = dict(values)
    if cleaned.get("relation") not in HouseholdPerson.Relation.values:
        raise DomainError(_("Choose the relation to the head of the household."), field="relation")
    cleaned["name"] = (cleaned.get("name") or "").strip()
    if not cleaned["name"]:
        raise DomainError(_("The name is required."), field="name")
    try:
        facts = validators.parse_id_number(cleaned.get("id_number") or "")
    except ValidationError as exc:
        raise _domain(exc, "id_number") from None
    cleaned["id_number"] = facts.id_number
    cleaned["birth_date"] = facts.birth_date
    if facts.id_number == household.head.id_number:
        raise DomainError(_("This is the head's own ID number: the head is already part of the household."),
                          field="id_number")
    same = household.persons.filter(id_number=facts.id_number).exclude(pk=person_pk).first()
    if same is not None:
        raise DomainError(_("%(name)s in this household already has this ID number.") % {"name": same.name},
                          field="id_number")
    cleaned["health"] = cleaned.get("health") or Health.HEALTHY
    if cleaned["health"] not in Health.values:
        raise DomainError(_("Choose the state of health."), field="health")
    cleaned["health_note"] = (cleaned.get("health_note") or "").strip()
    cleaned["school_level"] = cleaned.get("school_level") or ""
    if cleaned["school_level"] not in SchoolLevel.values:
        raise DomainError(_("Choose the schooling level."), field="school_level")
    cleaned["in_school"] = bool(cleaned.get("in_school"))
    if cleaned["in_school"] and not cleaned["school_level"]:
        raise DomainError(_("Someone in school has a schooling level: choose it."), field="school_level")
    cleaned["monthly_income"] = money_field(cleaned.get("monthly_income"), "monthly_income")
    return cleaned


def household_person_add(*, actor, household: Household, relation: str, name: str, id_number: str,
                         health: str = Health.HEALTHY, health_note: str = "", school_level: str = "",
                         in_school: bool = False, monthly_income=0) -> HouseholdPerson:
    require_role(actor, Role.LIAISON, Role.REVIEWER)
    with transaction.atomic():
        household = household_lock(household, actor)
        _check_people_editable(household, actor)
        fields = _clean_person({"relation": relation, "name": name, "id_number": id_number, "health": health,
                                "health_note": health_note, "school_level": school_level, "in_school": in_school,
                                "monthly_income": monthly_income}, household=household)
        person = HouseholdPerson.objects.create(household=household, **fields)
        record_event(household, actor=actor, action="household.person_added",
                     data={"person": person.pk, "relation": person.relation})
    return person


def household_person_update(*, actor, person: HouseholdPerson, **changes) -> HouseholdPerson:
    require_role(actor, Role.LIAISON, Role.REVIEWER)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"household_person_update does not change {sorted(unknown)}")
    with transaction.atomic():
        household = household_lock(person.household_id, actor)
        _check_people_editable(household, actor)
        person = HouseholdPerson.objects.select_for_update().get(pk=person.pk, household=household)
        values = {name: getattr(person, name) for name in PERSON_FIELDS}
        values.update(changes)
        fields = _clean_person(values, household=household, person_pk=person.pk)
        changed = {k: v for k, v in fields.items() if getattr(person, k) != v}
        if not changed:
            return person
        for key, value in changed.items():
            setattr(person, key, value)
        person.save(update_fields=list(changed))
        record_event(household, actor=actor, action="household.person_changed",
                     data={"person": person.pk, "fields": sorted(changed)})
    return person


def household_person_remove(*, actor, person: HouseholdPerson) -> None:
    """Someone who no longer lives with the head (a draft's mistake, or a child who moved out)."""
    require_role(actor, Role.LIAISON, Role.REVIEWER)
    with transaction.atomic():
        household = household_lock(person.household_id, actor)
        _check_people_editable(household, actor)
        person = HouseholdPerson.objects.select_for_update().get(pk=person.pk, household=household)
        record_event(household, actor=actor, action="household.person_removed",
                     data={"person": person.pk, "name": person.name, "relation": person.relation})
        person.delete()


# --- documents ----------------------------------------------------------------

def document_store(*, household: Household, actor, checked: CheckedUpload, kind: str,
                    visit: HomeVisit | None = None, description: str = "") -> HouseholdDocument:
    """Store a checked upload on the (locked) file; each file once per household."""
    same = household.documents.filter(sha256=checked.sha256).first()
    if same is not None:
        raise DomainError(
            _("%(name)s is already attached to this file as “%(kind)s” (%(existing)s, uploaded %(when)s).")
            % {"name": checked.name, "kind": same.get_kind_display(), "existing": same.original_name,
               "when": timezone.localtime(same.uploaded_at).strftime("%Y-%m-%d %H:%M")}, field="files")
    document = HouseholdDocument(household=household, visit=visit, kind=kind, description=description.strip()[:200],
                                 original_name=checked.name, content_type=checked.content_type, size=checked.size,
                                 sha256=checked.sha256, uploaded_by=actor)
    # The stored name is ours: nothing of the user's file name reaches the file system.
    document.file.save(f"{household.reference}-{checked.sha256[:16]}{checked.extension}",
                       ContentFile(checked.content), save=False)
    document.save()
    record_event(household, actor=actor, action="household.document_added",
                 data={"document": document.pk, "kind": kind, "sha256": checked.sha256,
                       **({"visit": visit.pk} if visit else {})})
    return document


def checked_uploads(files, *, field: str = "files") -> list[CheckedUpload]:
    """Every upload checked before anything is stored (reliefdesk.uploads: the case documents' rules)."""
    checked = [upload_check(upload, field=field) for upload in files or ()]
    seen: dict[str, str] = {}
    for item in checked:
        if item.sha256 in seen:
            raise DomainError(_("%(name)s and %(other)s are the same file.") % {"name": item.name,
                                                                                "other": seen[item.sha256]},
                              field=field)
        seen[item.sha256] = item.name
    return checked


def household_document_add(*, actor, household: Household, kind: str, uploaded_file,
                           description: str = "") -> HouseholdDocument:
    """An income proof, a civil-affairs certificate, a signed request: a PDF, JPEG or PNG judged by content."""
    require_role(actor, Role.LIAISON, Role.REVIEWER)
    if kind not in HouseholdDocument.Kind.values:
        raise DomainError(_("Choose what kind of document this is."), field="kind")
    checked = upload_check(uploaded_file)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "add_document", actor=actor)
        try:
            return document_store(household=household, actor=actor, checked=checked, kind=kind,
                                   description=description)
        except DomainError as exc:
            raise DomainError(exc.message, field="file") from None


def visit_document_kind(checked: CheckedUpload) -> str:
    """Photos of the visit are images; a scanned visit record is a PDF."""
    return HouseholdDocument.Kind.VISIT_PHOTO if checked.is_image else HouseholdDocument.Kind.VISIT_SCAN


def clean_visit(*, visited_on: dt.date | None, visitors: str, findings: str, not_before: dt.date,
                not_before_message: str, today: dt.date) -> tuple[str, str]:
    visitors, findings = (visitors or "").strip(), (findings or "").strip()
    if visited_on is None:
        raise DomainError(_("Enter the day of the visit."), field="visited_on")
    if visited_on > today:
        raise DomainError(_("The visit date %(date)s is in the future.") % {"date": visited_on.isoformat()},
                          field="visited_on")
    if visited_on < not_before:
        raise DomainError(not_before_message % {"date": not_before.isoformat()}, field="visited_on")
    if not visitors:
        raise DomainError(_("Name who visited the household."), field="visitors")
    if not findings:
        raise DomainError(_("Write down what the visit found."), field="findings")
    return visitors, findings


def visit_create(*, household: Household, actor, purpose: str, visited_on: dt.date, visitors: str, findings: str,
                 checked: list[CheckedUpload], decision: str = "") -> HomeVisit:
    """The visit, its photos and scans, and one history row (the file is locked by the caller)."""
    visit = HomeVisit.objects.create(household=household, purpose=purpose, visited_on=visited_on, visitors=visitors,
                                     findings=findings, decision=decision, recorded_by=actor)
    for item in checked:
        document_store(household=household, actor=actor, checked=item, kind=visit_document_kind(item), visit=visit)
    record_event(household, actor=actor, action="household.visit_recorded",
                 data={"visit": visit.pk, "purpose": purpose, "visited_on": visited_on.isoformat(),
                       "documents": len(checked), **({"decision": decision} if decision else {})})
    return visit


# --- the filing flow --------------------------------------------------------------

def household_submission_problems(household: Household) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    if not household.causes:
        problems.append(("causes", _("Choose at least one cause of hardship.")))
    if not household.narrative.strip():
        problems.append(("narrative", _("Describe the household's circumstances.")))
    if household.civil_status != CivilStatus.NONE and household.civil_status_from is None:
        problems.append(("civil_status_from", _("Enter since when the household has this civil-affairs status.")))
    return problems


def household_submit(*, actor, household: Household) -> Household:
    """Draft or returned → submitted (个人申报), once the causes and the circumstances are there."""
    require_role(actor, Role.LIAISON)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "submit", actor=actor)
        problems = household_submission_problems(household)
        if problems:
            error = DomainError(" ".join(m for _f, m in problems), field=problems[0][0], code="incomplete")
            error.problems = problems
            raise error
        household.submitted_at = timezone.now()
        HOUSEHOLD.apply(household, "submit", actor=actor, update_fields=("submitted_at",))
    return household


def household_withdraw(*, actor, household: Household, reason: str) -> Household:
    require_role(actor, Role.LIAISON)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.apply(household, "withdraw", actor=actor, reason=reason or "")
    return household


def household_take(*, actor, household: Household) -> Household:
    """A named reviewer takes the file to verify it (专人核实)."""
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        household = household_lock(household, actor)
        household.assigned_reviewer = actor
        HOUSEHOLD.apply(household, "take", actor=actor, update_fields=("assigned_reviewer",))
    return household


def household_return(*, actor, household: Household, reason: str) -> Household:
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.apply(household, "return", actor=actor, reason=reason or "")
    return household


def household_reject(*, actor, household: Household, reason: str) -> Household:
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.apply(household, "reject", actor=actor, reason=reason or "")
    return household


def household_record_visit(*, actor, household: Household, visited_on: dt.date | None, visitors: str,
                           findings: str, files=(), today: dt.date | None = None) -> HomeVisit:
    """The home visit of verification (入户调查): date, who visited, findings, photos and scans."""
    require_role(actor, Role.REVIEWER)
    today = today or timezone.localdate()
    checked = checked_uploads(files)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "record_filing_visit", actor=actor)
        visitors, findings = clean_visit(
            visited_on=visited_on, visitors=visitors, findings=findings,
            not_before=timezone.localdate(household.created_at),
            not_before_message=_("The visit cannot be before the file was opened on %(date)s."), today=today)
        return visit_create(household=household, actor=actor, purpose=HomeVisit.Purpose.FILING,
                            visited_on=visited_on, visitors=visitors, findings=findings, checked=checked)


def household_verify(*, actor, household: Household) -> Household:
    """In review → verified, once the home visit is recorded."""
    require_role(actor, Role.REVIEWER)
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "verify", actor=actor)
        if not household.visits.filter(purpose=HomeVisit.Purpose.FILING).exists():
            raise DomainError(_("Record the home visit (入户调查) before verifying the file."), code="no_visit")
        household.verified_at = timezone.now()
        HOUSEHOLD.apply(household, "verify", actor=actor, update_fields=("verified_at",))
    return household
