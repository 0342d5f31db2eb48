"""Importing the civil-affairs list (民政信息比对) and matching it with the district's live files.

The import follows the core's pattern (reliefdesk.importing): the upload is
kept, every row is checked before anything is stored (a bad ID number, an
unknown 类别, 起始日期 after 截止日期: each listed in the preview), the good
rows go beside the file as CSV, and the import writes them all with one COPY
or none. Matching is then done in the database, a few INSERT … SELECT by ID
number against the heads and the people of the district's live files: who is
newly on the list, on it with another status or other dates, dropped off it,
or listed under another name. Accepting a match makes the file's
civil-affairs status and dates follow the list, with a history row.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import validators
from cases.models import Member
from households.models import CivilRoster, CivilRosterEntry, CivilRosterMatch, CivilStatus, Household, HouseholdPerson
from households.selectors import civil_roster_matches_visible_to, civil_rosters_visible_to, households_visible_to
from households.services.filing import household_fields_clean, household_lock
from households.workflow import HOUSEHOLD
from reliefdesk import importing
from reliefdesk.bulk import copy_rows, update_rows
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import bulk_record_events, record_event
from reliefdesk.importing import ImportFileError, RowErrors, cell_date, cell_text, open_table
from reliefdesk.jobs import mark_job_committed
from reliefdesk.models import Role
from reliefdesk.scope import district_of, get_or_404, require_role
from reliefdesk.xlsx import Sheet, SpreadsheetRefused

ROSTER_ROLES = (Role.REVIEWER, Role.FINANCE)
COLUMNS = {"name": "姓名", "id_number": "身份证号", "category": "类别", "valid_from": "起始日期", "valid_to": "截止日期"}
REQUIRED_COLUMNS = ["name", "id_number", "category", "valid_from"]
# The 类别 column as the bureau writes it.
CATEGORIES = {"低保": CivilStatus.DIBAO, "低保户": CivilStatus.DIBAO, "低收入": CivilStatus.LOW_INCOME,
              "低收入户": CivilStatus.LOW_INCOME}
M = CivilRosterMatch.Kind
LIVE = [state for state in Household.Status.values if state not in Household.CLOSED_STATES]


@dataclass(frozen=True)
class RosterRow:
    row: int
    name: str
    id_number: str
    category: str
    valid_from: dt.date
    valid_to: dt.date | None


def template_sheet() -> Sheet:
    """The columns the bureau's list is read by, with two example rows."""
    return Sheet(title="民政救助名单", header=list(COLUMNS.values()),
                 rows=[["张某某", "110113197905121234", "低保", dt.date(2024, 1, 1), dt.date(2024, 12, 31)],
                       ["李某某", "110113198002024321", "低收入", dt.date(2024, 3, 1), None]],
                 widths=[12, 22, 10, 12, 12], text_columns=[1])


def parsed_path(roster: CivilRoster) -> Path:
    return Path(roster.file.path).with_suffix(".rows.csv")


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def civil_roster_upload(*, actor, as_of: dt.date | None, upload, district=None,
                        today: dt.date | None = None) -> CivilRoster:
    """Keep the uploaded list of the actor's district; checking follows (inline, or as a job for a large one)."""
    require_role(actor, *ROSTER_ROLES)
    today = today or timezone.localdate()
    district = district_of(actor) or district
    if district is None:
        raise DomainError(_("Choose the district whose list this is."), field="district")
    if as_of is None:
        raise DomainError(_("Enter the date of the list."), field="as_of")
    if as_of > today:
        raise DomainError(_("The day %(date)s is in the future.") % {"date": as_of.isoformat()}, field="as_of")
    with transaction.atomic():
        roster = CivilRoster(district=district, as_of=as_of, original_name=upload.name[:255], sha256=_sha256(upload),
                             uploaded_by=actor)
        roster.file.save(f"{district.code}-{timezone.now():%Y%m%d%H%M%S}.xlsx", upload, save=False)
        roster.save()
        record_event(roster, actor=actor, action="civil_roster.uploaded", to_status=roster.status,
                     data={"file": roster.original_name, "sha256": roster.sha256, "as_of": as_of.isoformat()})
    return roster


def estimated_rows(roster: CivilRoster) -> int:
    return importing.estimated_rows(roster.file.path)


def _check_row(number: int, cell, errors: RowErrors) -> RosterRow | None:
    ok = True
    name = cell_text(cell("name"))[:50]
    if not name:
        errors.add(number, COLUMNS["name"], _("The name is missing."))
        ok = False
    id_number = ""
    try:
        id_number = validators.parse_id_number(cell_text(cell("id_number"))).id_number
    except ValidationError as exc:
        errors.add(number, COLUMNS["id_number"], exc.messages[0])
        ok = False
    category_text = cell_text(cell("category"))
    category = CATEGORIES.get(category_text)
    if category is None:
        errors.add(number, COLUMNS["category"],
                   _("Unknown category “%(value)s”: write 低保 or 低收入.") % {"value": category_text})
        ok = False
    dates = {}
    for key in ("valid_from", "valid_to"):
        raw = cell(key)
        dates[key] = cell_date(raw)
        if dates[key] is None and (key == "valid_from" or cell_text(raw)):
            errors.add(number, COLUMNS[key], _("The date is missing.") if not cell_text(raw)
                       else _("“%(value)s” is not a date (write 2022-03-05).") % {"value": cell_text(raw)})
            ok = False
    if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] > dates["valid_to"]:
        errors.add(number, COLUMNS["valid_from"],
                   _("起始日期 %(start)s is after 截止日期 %(end)s.")
                   % {"start": dates["valid_from"].isoformat(), "end": dates["valid_to"].isoformat()})
        ok = False
    if not ok:
        return None
    return RosterRow(number, name, id_number, category, dates["valid_from"], dates["valid_to"])


def civil_roster_validate(*, roster: CivilRoster,
                          progress: Callable[[int, int | None], None] | None = None) -> CivilRoster:
    """Check every row; record each bad row and why. Nothing of the list is stored yet."""
    errors = RowErrors()
    good: list[RosterRow] = []
    seen: dict[str, int] = {}
    total = 0
    table = None
    try:
        table = open_table(roster.file.path, columns=COLUMNS, required=REQUIRED_COLUMNS,
                           missing_message=_("Columns missing from the header row: %(columns)s. Use the template."))
        rows = table.rows
    except ImportFileError as exc:
        rows = iter(())
        errors.add(1 if exc.code == "columns" else None, "", exc.message)

    def capped(rows):
        try:
            yield from rows
        except SpreadsheetRefused as exc:
            errors.add(None, "", exc.message)

    for number, values in capped(rows):
        total += 1
        row = _check_row(number, lambda key: table.cell(values, key), errors)
        if row is not None:
            if row.id_number in seen:
                errors.add(number, COLUMNS["id_number"], _("ID number %(id)s appears twice in this file (row %(row)s).")
                           % {"id": row.id_number, "row": seen[row.id_number]})
            else:
                seen[row.id_number] = number
                good.append(row)
        if progress and total % 1000 == 0:
            progress(total, None)
    earlier = (CivilRoster.objects.filter(district=roster.district, sha256=roster.sha256,
                                          status=CivilRoster.Status.COMMITTED).exclude(pk=roster.pk).first())
    if earlier is not None:
        errors.add(None, "", _("This file was already imported on %(date)s (%(rows)s rows).")
                   % {"date": f"{timezone.localtime(earlier.created_at):%Y-%m-%d}", "rows": earlier.rows_ok})
    if not errors.count and not good:
        errors.add(None, "", _("The spreadsheet has no rows."))
    with open(parsed_path(roster), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for row in (good if not errors.count else []):
            writer.writerow([row.row, row.name, row.id_number, row.category, row.valid_from.isoformat(),
                             row.valid_to.isoformat() if row.valid_to else ""])
    roster.rows_total = total
    roster.rows_ok = len(good)
    roster.errors = errors.items
    roster.status = CivilRoster.Status.REJECTED if errors.count else CivilRoster.Status.VALIDATED
    roster.save(update_fields=["rows_total", "rows_ok", "errors", "status"])
    if progress:
        progress(total, total)
    return roster


def _read_parsed(roster: CivilRoster) -> Iterator[list]:
    with open(parsed_path(roster), newline="", encoding="utf-8") as handle:
        for row, name, id_number, category, valid_from, valid_to in csv.reader(handle):
            yield [roster.pk, int(row), name, id_number, category, valid_from, valid_to or None]


def civil_roster_commit(*, roster: CivilRoster, actor,
                        progress: Callable[[int, int | None], None] | None = None) -> CivilRoster:
    """Store every checked row with one COPY, match them with the live files, all in one transaction."""
    require_role(actor, *ROSTER_ROLES)
    with transaction.atomic():
        roster = get_or_404(civil_rosters_visible_to(user=actor).select_for_update(of=("self",)), pk=roster.pk)
        if roster.status != CivilRoster.Status.VALIDATED:
            raise TransitionNotAllowed(_("Only a checked list without errors can be imported."))
        if not parsed_path(roster).exists():
            raise DomainError(_("The checked rows are no longer available: upload the file again."))
        if (CivilRoster.objects.filter(district=roster.district, sha256=roster.sha256,
                                       status=CivilRoster.Status.COMMITTED).exclude(pk=roster.pk).exists()):
            raise DomainError(_("This file was already imported."))
        written = copy_rows(CivilRosterEntry._meta.db_table,
                            ["roster_id", "row", "name", "id_number", "category", "valid_from", "valid_to"],
                            _read_parsed(roster))
        if progress:
            progress(written, written)
        counts = roster_match(roster=roster)
        roster.status = CivilRoster.Status.COMMITTED
        roster.committed_at = timezone.now()
        roster.save(update_fields=["status", "committed_at"])
        record_event(roster, actor=actor, action="civil_roster.committed", from_status=CivilRoster.Status.VALIDATED,
                     to_status=roster.status, data={"rows": written, **counts})
        mark_job_committed()
    return roster


def roster_match(*, roster: CivilRoster) -> dict[str, int]:
    """Write the matches of a stored list in three statements; returns how many of each kind.

    The people are the heads and the household members of the district's
    live files; an entry matches a person by ID number (the list's unique
    index). Each statement walks the district's live files once and looks
    each person up in the list by that index, so the work grows with the
    files and the list, never with their product. A household with several
    people on the list is matched by the head's entry first.
    """
    household = Household._meta.db_table
    member = Member._meta.db_table
    person = HouseholdPerson._meta.db_table
    entry = CivilRosterEntry._meta.db_table
    match = CivilRosterMatch._meta.db_table
    params = {"district": roster.district_id, "live": LIVE, "roster": roster.pk}
    live = "h.district_id = %(district)s AND h.status = ANY(%(live)s)"
    head_hit = (f"FROM {member} m JOIN {entry} e ON e.roster_id = %(roster)s AND e.id_number = m.id_number"
                f" WHERE m.id = h.head_id")
    person_hit = (f"FROM {person} p JOIN {entry} e ON e.roster_id = %(roster)s AND e.id_number = p.id_number"
                  f" WHERE p.household_id = h.id")
    insert = f"INSERT INTO {match} (roster_id, kind, household_id, person_id, entry_id, status)"
    with connection.cursor() as cursor:
        # The rows were just written in this transaction: the planner learns their number before it plans.
        cursor.execute(f"ANALYZE {entry}")
        cursor.execute(
            f"{insert} SELECT %(roster)s, CASE WHEN h.civil_status = 'none' THEN 'new' ELSE 'changed' END, h.id,"
            f" hit.person_id, hit.entry_id, 'open' FROM {household} h CROSS JOIN LATERAL ("
            f" SELECT * FROM (SELECT e.id AS entry_id, e.row, e.category, e.valid_from, e.valid_to,"
            f" NULL::bigint AS person_id, 0 AS rank {head_hit}"
            f" UNION ALL SELECT e.id, e.row, e.category, e.valid_from, e.valid_to, p.id, 1 {person_hit}) hits"
            f" ORDER BY rank, row LIMIT 1) hit"
            f" WHERE {live} AND (h.civil_status = 'none' OR h.civil_status <> hit.category"
            f" OR h.civil_status_from IS DISTINCT FROM hit.valid_from"
            f" OR h.civil_status_to IS DISTINCT FROM hit.valid_to)",
            params)
        cursor.execute(
            f"{insert} SELECT %(roster)s, 'dropped', h.id, NULL, NULL, 'open' FROM {household} h"
            f" WHERE {live} AND h.civil_status <> 'none'"
            f" AND NOT EXISTS (SELECT 1 {head_hit}) AND NOT EXISTS (SELECT 1 {person_hit})",
            params)
        cursor.execute(
            f"{insert} SELECT %(roster)s, 'name_differs', h.id, NULL, e.id, 'open' FROM {household} h"
            f" JOIN {member} m ON m.id = h.head_id"
            f" JOIN {entry} e ON e.roster_id = %(roster)s AND e.id_number = m.id_number"
            f" WHERE {live} AND e.name <> m.name"
            f" UNION ALL SELECT %(roster)s, 'name_differs', h.id, p.id, e.id, 'open' FROM {household} h"
            f" JOIN {person} p ON p.household_id = h.id"
            f" JOIN {entry} e ON e.roster_id = %(roster)s AND e.id_number = p.id_number"
            f" WHERE {live} AND e.name <> p.name",
            params)
        cursor.execute(f"SELECT kind, count(*) FROM {match} WHERE roster_id = %s GROUP BY kind", [roster.pk])
        counts = dict(cursor.fetchall())
    return {kind: counts.get(kind, 0) for kind in M.values}


# --- deciding the matches -------------------------------------------------------------

def _civil_status_after(match: CivilRosterMatch) -> tuple[str, dt.date | None, dt.date | None]:
    if match.kind == M.DROPPED:
        return CivilStatus.NONE, None, None
    return match.entry.category, match.entry.valid_from, match.entry.valid_to


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _status_event_data(household: Household, new: tuple, **data) -> dict:
    return {**data, "old": [household.civil_status, _day(household.civil_status_from), _day(household.civil_status_to)],
            "new": [new[0], _day(new[1]), _day(new[2])]}


def civil_status_set(*, household: Household, actor, new: tuple, reason: str = "", data: dict | None = None) -> None:
    """Give the (locked) file its civil-affairs status and dates, with the old and new ones in its history."""
    event = _status_event_data(household, new, **(data or {}))
    household.civil_status, household.civil_status_from, household.civil_status_to = new
    household.save(update_fields=["civil_status", "civil_status_from", "civil_status_to", "updated_at"])
    record_event(household, actor=actor, action="household.civil_status_changed", reason=reason, data=event)


def household_civil_status_change(*, actor, household: Household, civil_status: str,
                                  civil_status_from: dt.date | None, civil_status_to: dt.date | None,
                                  reason: str) -> Household:
    """The district records a change the bureau certified outside a list (a certificate, the worker leaving 低保)."""
    require_role(actor, *ROSTER_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("A reason is required."), field="reason")
    fields = household_fields_clean({"civil_status": civil_status, "civil_status_from": civil_status_from,
                               "civil_status_to": civil_status_to})
    with transaction.atomic():
        household = household_lock(household, actor)
        HOUSEHOLD.check(household, "update_civil_status", actor=actor)
        civil_status_set(household=household, actor=actor, reason=reason,
                         new=(fields["civil_status"], fields["civil_status_from"], fields["civil_status_to"]))
    return household


def _lock_match(match: CivilRosterMatch | int, actor) -> CivilRosterMatch:
    pk = match.pk if isinstance(match, CivilRosterMatch) else match
    match = get_or_404(civil_roster_matches_visible_to(user=actor).select_for_update(of=("self",))
                       .select_related("entry"), pk=pk)
    if match.status != CivilRosterMatch.Status.OPEN:
        raise TransitionNotAllowed(_("This difference was already %(status)s.") % {"status": match.get_status_display()})
    return match


def roster_match_accept(*, actor, match: CivilRosterMatch | int) -> CivilRosterMatch:
    """The file follows the list: its civil-affairs status and dates (a name difference is marked checked)."""
    require_role(actor, *ROSTER_ROLES)
    with transaction.atomic():
        match = _lock_match(match, actor)
        household = household_lock(match.household_id, actor)
        HOUSEHOLD.check(household, "update_civil_status", actor=actor)
        if match.kind in CivilRosterMatch.STATUS_KINDS:
            civil_status_set(household=household, actor=actor, new=_civil_status_after(match),
                             data={"roster": match.roster_id, "match": match.pk, "kind": match.kind})
        else:
            record_event(household, actor=actor, action="household.roster_name_checked",
                         data={"roster": match.roster_id, "match": match.pk, "listed_name": match.entry.name,
                               "person": match.person_id})
        match.status = CivilRosterMatch.Status.ACCEPTED
        match.decided_by, match.decided_at = actor, timezone.now()
        match.save(update_fields=["status", "decided_by", "decided_at"])
    return match


def roster_match_dismiss(*, actor, match: CivilRosterMatch | int) -> CivilRosterMatch:
    """The file stays as it is (the list is wrong, or the file already knows better)."""
    require_role(actor, *ROSTER_ROLES)
    with transaction.atomic():
        match = _lock_match(match, actor)
        household = household_lock(match.household_id, actor)
        HOUSEHOLD.check(household, "update_civil_status", actor=actor)
        record_event(household, actor=actor, action="household.roster_match_dismissed",
                     data={"roster": match.roster_id, "match": match.pk, "kind": match.kind})
        match.status = CivilRosterMatch.Status.DISMISSED
        match.decided_by, match.decided_at = actor, timezone.now()
        match.save(update_fields=["status", "decided_by", "decided_at"])
    return match


def roster_matches_accept_all(*, actor, roster: CivilRoster | int, kind: str) -> int:
    """Accept every open match of one kind in a constant number of statements; returns how many.

    Files that are no longer live (or no longer the actor's) keep their match open.
    """
    require_role(actor, *ROSTER_ROLES)
    if kind not in M.values:
        raise DomainError(_("Choose which differences to accept."), field="kind")
    with transaction.atomic():
        roster = get_or_404(civil_rosters_visible_to(user=actor), pk=roster.pk if isinstance(roster, CivilRoster)
                            else roster)
        matches = list(civil_roster_matches_visible_to(user=actor).select_for_update(of=("self",))
                       .filter(roster=roster, kind=kind, status=CivilRosterMatch.Status.OPEN,
                               household__status__in=LIVE)
                       .select_related("entry").order_by("household_id", "pk"))
        if not matches:
            return 0
        households = {h.pk: h for h in households_visible_to(user=actor).select_for_update(of=("self",))
                      .filter(pk__in={m.household_id for m in matches}).order_by("pk")}
        for household in households.values():
            HOUSEHOLD.check(household, "update_civil_status", actor=actor)
        now = timezone.now()
        if kind in CivilRosterMatch.STATUS_KINDS:
            rows, data = [], {}
            for match in matches:
                household = households[match.household_id]
                new = _civil_status_after(match)
                data[household.pk] = _status_event_data(household, new, roster=roster.pk, match=match.pk, kind=kind)
                rows.append((household.pk, *new, now))
            update_rows(Household._meta.db_table,
                        columns={"civil_status": "text", "civil_status_from": "date", "civil_status_to": "date",
                                 "updated_at": "timestamptz"}, rows=rows)
            bulk_record_events(list(households.values()), actor=actor, action="household.civil_status_changed",
                               data_for=lambda household: data[household.pk])
        else:
            # One row per file, naming every checked person of it.
            listed: dict[int, list[CivilRosterMatch]] = {}
            for match in matches:
                listed.setdefault(match.household_id, []).append(match)
            bulk_record_events([households[pk] for pk in listed], actor=actor, action="household.roster_name_checked",
                               data_for=lambda household: {
                                   "roster": roster.pk, "matches": [m.pk for m in listed[household.pk]],
                                   "listed_names": [m.entry.name for m in listed[household.pk]]})
        update_rows(CivilRosterMatch._meta.db_table,
                    columns={"status": "text", "decided_by_id": "bigint", "decided_at": "timestamptz"},
                    rows=[(m.pk, CivilRosterMatch.Status.ACCEPTED, actor.pk, now) for m in matches])
    return len(matches)
