"""Importing a unit's donation spreadsheet: check every row first, then all rows or none.

The spreadsheet is read once (reliefdesk.importing.open_table: python-calamine).
Checking streams the good rows, a chunk at a time, to a plain CSV beside the
upload, so the commit does not parse the workbook a second time and no step
holds every row. The commit is set-based: the CSV goes into a temporary table
with one COPY, and the donors, the ledger credits, the donations and their
history are written from there with INSERT … SELECT (receipt numbers taken
from the counter as one block per year), in one transaction.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.ledger import credit_description_sql
from donations.models import Campaign, Donation, DonationImport, Donor
from donations.selectors import donation_imports_visible_to
from donations.services import DONATION_ROLES, receipt_number_sql, receipt_numbers_allocate
from funds.models import Fund, LedgerEntry
from funds.selectors import funds_visible_to
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import record_event
from reliefdesk.jobs import mark_job_committed
from reliefdesk.models import HistoryEvent
from reliefdesk.money import quantize_money, to_decimal
from reliefdesk.scope import get_or_404, require_role
from reliefdesk import importing
from reliefdesk.importing import ImportFileError, RowErrors, cell_date, cell_text, open_table
from reliefdesk.xlsx import Sheet, SpreadsheetRefused

COLUMNS = ["捐赠方", "单位", "金额", "日期", "渠道", "流水号", "备注"]
REQUIRED_COLUMNS = ["金额", "日期", "渠道"]

# The 渠道 column holds the Chinese labels finance staff use.
CHANNELS = {
    "二维码": Donation.Channel.QR,
    "银行转账": Donation.Channel.BANK,
    "现金": Donation.Channel.CASH,
    "工资代扣": Donation.Channel.PAYROLL,
    "其他": Donation.Channel.OTHER,
}
ANONYMOUS_NAMES = {"匿名", "anonymous", "Anonymous"}

CHUNK = 5000

class GoodRow(NamedTuple):
    """A checked row: a plain tuple with names, streamed to the parsed CSV a chunk at a time."""

    row: int
    donor_name: str
    unit: str
    amount: Decimal
    received_on: dt.date
    channel: str
    reference: str
    note: str


def template_sheet() -> Sheet:
    """The downloadable template: the header and two example rows."""
    return Sheet(
        title="捐款明细",
        header=COLUMNS,
        rows=[
            ["张三", "顺义区第一中学", Decimal("10.00"), dt.date(2022, 3, 5), "二维码", "WX2022030500001", ""],
            ["", "顺义区第一中学", Decimal("1000.00"), dt.date(2022, 3, 6), "银行转账", "ICBC20220306001", "单位捐款"],
        ],
        widths=[14, 24, 12, 12, 10, 22, 20],
        money_columns=[2],
        text_columns=[5],
    )


def parse_amount(value) -> tuple[Decimal | None, str | None]:
    """(amount, None) or (None, the reason it is not an amount)."""
    if value is None or cell_text(value) == "":
        return None, _("The amount is missing.")
    try:
        amount = to_decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None, _("The amount is not a number.")
    if not amount.is_finite():
        return None, _("The amount is not a number.")
    if amount <= 0:
        return None, _("The amount must be above zero.")
    if amount != amount.quantize(Decimal("0.01")):
        return None, _("The amount has more than two decimals.")
    if amount >= Decimal("10000000000"):
        return None, _("The amount is too large.")
    return quantize_money(amount), None


def donor_key(name: str, unit: str) -> tuple[str, str, str] | None:
    """(kind, name, unit_name) of the row's donor, or None for an anonymous gift."""
    if name in ANONYMOUS_NAMES:
        name = ""
    if not name and not unit:
        return None
    if not name or name == unit:
        return (Donor.Kind.UNIT, unit, "")
    return (Donor.Kind.INDIVIDUAL, name, unit)


def file_sha256(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def parsed_path(imp: DonationImport) -> Path:
    return Path(imp.file.path).with_suffix(".rows.csv")


# --- upload ----------------------------------------------------------------

def donation_import_upload(*, actor, fund: Fund, campaign: Campaign | None, upload) -> DonationImport:
    """Save the uploaded file; checking follows (inline, or as a job for a large file)."""
    require_role(actor, *DONATION_ROLES)
    with transaction.atomic():
        fund = get_or_404(funds_visible_to(user=actor), pk=fund.pk)
        if campaign is not None and campaign.fund_id != fund.pk:
            raise DomainError(_("This campaign belongs to another fund."), field="campaign")
        sha = file_sha256(upload)
        imp = DonationImport(fund=fund, campaign=campaign, original_name=upload.name[:255], sha256=sha,
                             uploaded_by=actor)
        imp.file.save(Path(upload.name).name, upload, save=False)
        imp.save()
        record_event(imp, actor=actor, action="donation_import.uploaded", to_status=imp.status,
                     data={"file": imp.original_name, "sha256": sha})
    return imp


def estimated_rows(imp: DonationImport) -> int:
    return importing.estimated_rows(imp.file.path)


# --- checking --------------------------------------------------------------

def _taken_references(pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (channel, reference) pairs are already recorded — one query over the pairs' arrays per chunk."""
    taken: set[tuple[str, str]] = set()
    pairs = sorted(pairs)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), CHUNK):
            channels, references = (list(column) for column in zip(*pairs[start:start + CHUNK]))
            cursor.execute(
                f"SELECT d.channel, d.external_reference FROM unnest(%s::text[], %s::text[]) AS t(channel, reference)"
                f" JOIN {Donation._meta.db_table} d ON d.channel = t.channel AND d.external_reference = t.reference"
                f" AND d.external_reference <> ''", [channels, references])
            taken.update(cursor.fetchall())
    return taken


class _GoodRows:
    """The good rows as they are checked, written to the parsed CSV a chunk at a time once the chunk's
    transaction numbers are checked against those already recorded: never all held at once."""

    def __init__(self, imp: DonationImport, errors: RowErrors):
        self.path = parsed_path(imp)
        self.handle = open(self.path, "w", newline="", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.writer = csv.writer(self.handle)
        self.errors = errors
        self.pending: list[GoodRow] = []
        self.count = 0
        self.total = Decimal("0.00")
        self.district_id = imp.fund.district_id
        self.warnings: list[dict] = []  # rows repeating a recorded gift (repeated_donations), chunk by chunk

    def append(self, item: GoodRow) -> None:
        self.pending.append(item)
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        taken = _taken_references({(item.channel, item.reference) for item in self.pending if item.reference})
        written = []
        for item in self.pending:
            if item.reference and (item.channel, item.reference) in taken:
                self.errors.add(item.row, "流水号", _("Transaction number %(ref)s is already recorded.")
                                % {"ref": item.reference})
                continue
            written.append(item)
            self.writer.writerow([item.row, item.donor_name, item.unit, str(item.amount),
                                  item.received_on.isoformat(), item.channel, item.reference, item.note])
            self.count += 1
            self.total += item.amount
        self.warnings.extend(repeated_donations(district_id=self.district_id, rows=written))
        self.pending = []

    def close(self, *, keep: bool) -> None:
        """Flush the last chunk; with errors the file is left empty: nothing of it may be committed."""
        self.flush()
        if not keep:
            self.handle.seek(0)
            self.handle.truncate()
        self.handle.close()


def repeated_donations(*, district_id: int, rows: list[GoodRow]) -> list[dict]:
    """The rows without a transaction number whose donor, amount and date an existing gift already has.

    A unit's cash or payroll list carries no bank reference, so a list sent
    twice is only recognisable by its gifts: each such row is paired with the
    earlier donations (not voided) of the same donor of the district, amount
    and day, in one query over the rows' arrays. Anonymous rows name no donor
    and are not compared.
    """
    keyed = [(item, key) for item in rows if not item.reference and (key := donor_key(item.donor_name, item.unit))]
    if not keyed:
        return []
    columns = list(zip(*[(item.row, key[0], key[1], key[2], str(item.amount), item.received_on.isoformat())
                         for item, key in keyed]))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.row, t.name, t.unit_name, d.amount, d.received_on, d.receipt_number"
            f" FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::numeric[], %s::date[])"
            f"   AS t(row, kind, name, unit_name, amount, received_on)"
            f" JOIN {Donor._meta.db_table} o ON o.district_id = %s AND o.kind = t.kind AND o.name = t.name"
            f"   AND o.unit_name = t.unit_name"
            f" JOIN {Donation._meta.db_table} d ON d.donor_id = o.id AND d.amount = t.amount"
            f"   AND d.received_on = t.received_on AND d.status <> %s"
            f" ORDER BY t.row, d.receipt_number",
            [*[list(column) for column in columns], district_id, Donation.Status.VOIDED],
        )
        found = cursor.fetchall()
    return [{"row": row, "donor": " · ".join(part for part in (name, unit) if part), "amount": str(amount),
             "date": received_on.isoformat(), "earlier": receipt}
            for row, name, unit, amount, received_on, receipt in found]


def donation_import_validate(*, imp: DonationImport, progress: Callable[[int, int | None], None] | None = None) -> DonationImport:
    """Check every row; record each bad row and why, and the count and total of the good ones."""
    errors = RowErrors()
    good = _GoodRows(imp, errors)
    seen_refs: dict[str, int] = {}  # "channel reference" (one string: no tuple per row) → its first row
    total_rows = 0
    table = None
    try:
        table = open_table(imp.file.path, columns={name: name for name in COLUMNS}, required=REQUIRED_COLUMNS,
                           missing_message=_("Columns missing from the header row: %(columns)s. Use the template."))
        rows = table.rows
    except ImportFileError as exc:
        rows = iter(())
        message = {"not_xlsx": _("The file is not a readable .xlsx spreadsheet."),
                   "empty": _("The spreadsheet is empty.")}.get(exc.code, exc.message)
        errors.add(1 if exc.code == "columns" else None, "", message)

    # A row's cells in the order of COLUMNS, all at once (no table: no rows either).
    pick = table.picker(COLUMNS) if table is not None else None

    def capped(rows):
        """The rows until the reader refuses the sheet (too many rows or columns): that is one more error."""
        try:
            yield from rows
        except SpreadsheetRefused as exc:
            errors.add(None, "", exc.message)

    today = timezone.localdate()
    for number, row in capped(rows):
        total_rows += 1
        ok = True
        raw_name, raw_unit, raw_amount, raw_date, raw_channel, raw_reference, raw_note = pick(row)
        amount, problem = parse_amount(raw_amount)
        if problem:
            errors.add(number, "金额", problem)
            ok = False
        received_on = cell_date(raw_date)
        if received_on is None:
            errors.add(number, "日期", _("The date is missing.") if cell_text(raw_date) == ""
                       else _("“%(value)s” is not a date (write 2022-03-05).") % {"value": cell_text(raw_date)})
            ok = False
        elif received_on > today:
            errors.add(number, "日期", _("The date %(date)s is after today.") % {"date": received_on.isoformat()})
            ok = False
        channel_text = cell_text(raw_channel)
        channel = CHANNELS.get(channel_text)
        if channel is None:
            errors.add(number, "渠道", _("Unknown channel “%(value)s”: use %(qr)s (QR code), %(bank)s (bank transfer), "
                                         "%(cash)s (cash), %(payroll)s (payroll deduction) or %(other)s (other).")
                       % {"value": channel_text, **{code.value: name for name, code in CHANNELS.items()}})
            ok = False
        reference = cell_text(raw_reference)[:64]
        if reference and channel:
            key = f"{channel} {reference}"  # a channel code holds no space
            if key in seen_refs:
                errors.add(number, "流水号", _("Transaction number %(ref)s appears twice in this file (row %(row)s).")
                           % {"ref": reference, "row": seen_refs[key]})
                ok = False
            else:
                seen_refs[key] = number
        if ok:
            good.append(GoodRow(number, cell_text(raw_name)[:200], cell_text(raw_unit)[:200], amount, received_on,
                                channel, reference, cell_text(raw_note)[:300]))
        if progress and total_rows % 1000 == 0:
            progress(total_rows, None)

    good.flush()

    earlier = (DonationImport.objects.filter(sha256=imp.sha256, status=DonationImport.Status.COMMITTED)
               .exclude(pk=imp.pk).first())
    if earlier is not None:
        errors.add(None, "", _("This file was already imported on %(date)s (%(rows)s rows).")
                   % {"date": f"{timezone.localtime(earlier.created_at):%Y-%m-%d}", "rows": earlier.rows_ok})

    good.close(keep=not errors.count)
    imp.warnings = good.warnings if not errors.count else []
    imp.rows_total = total_rows
    imp.rows_ok = good.count
    imp.total_ok = good.total
    imp.errors = errors.items
    imp.status = DonationImport.Status.REJECTED if errors.count else DonationImport.Status.VALIDATED
    if not errors.count and not good.count:
        imp.status = DonationImport.Status.REJECTED
        imp.errors = [{"row": None, "column": "", "message": str(_("The spreadsheet has no donation rows."))}]
    imp.save(update_fields=["rows_total", "rows_ok", "total_ok", "errors", "warnings", "status"])
    if progress:
        progress(total_rows, total_rows)
    return imp


# --- commit ----------------------------------------------------------------

# The checked rows as the commit reads them: the parsed CSV copied in (PARSED), then each row with what it becomes
# (LINES: its donor, receipt number and credit id), and the donors it created (NEW_DONORS): all live in the
# committing transaction only.
PARSED = "donation_import_parsed"
LINES = "donation_import_lines"
NEW_DONORS = "donation_import_new_donors"
# Rows written per statement: each chunk is one INSERT of credits and one of donations, then progress.
COMMIT_CHUNK = 20_000


def donor_key_sql(name: str, unit: str) -> str:
    """:func:`donor_key` in SQL over the text columns ``name`` and ``unit``: a subquery giving ``kind``,
    ``name`` and ``unit_name``, all NULL for an anonymous gift (tests hold the two equal)."""
    anonymous = ", ".join("'" + text.replace("'", "''") + "'" for text in sorted(ANONYMOUS_NAMES))
    given = f"CASE WHEN {name} IN ({anonymous}) THEN '' ELSE {name} END"
    return (f"SELECT CASE WHEN g.name = '' AND {unit} = '' THEN NULL WHEN g.name = '' OR g.name = {unit}"
            f" THEN '{Donor.Kind.UNIT.value}' ELSE '{Donor.Kind.INDIVIDUAL.value}' END AS kind,"
            f" CASE WHEN g.name = '' AND {unit} = '' THEN NULL WHEN g.name = '' OR g.name = {unit} THEN {unit}"
            f" ELSE g.name END AS name,"
            f" CASE WHEN g.name = '' AND {unit} = '' THEN NULL WHEN g.name = '' OR g.name = {unit} THEN ''"
            f" ELSE {unit} END AS unit_name"
            f" FROM (SELECT {given} AS name) g")


def _history_rows_sql(*, model, ids_sql: str, ids_params: list, actor, action: str, to_status: str,
                      data: dict) -> tuple[str, list]:
    """History rows for many records in one INSERT … SELECT: the same columns record_event writes."""
    content_type = ContentType.objects.get_for_model(model)
    sql = (
        f"INSERT INTO {HistoryEvent._meta.db_table} (content_type_id, object_id, actor_id, action, from_status,"
        f" to_status, reason, data, created_at) SELECT %s, ids.id, %s, %s, '', %s, '', %s::jsonb, %s"
        f" FROM ({ids_sql}) ids ORDER BY ids.id"
    )
    return sql, [content_type.pk, actor.pk, action, to_status, json.dumps(data), timezone.now(), *ids_params]


def _stage_parsed(cursor, imp: DonationImport) -> None:
    """The checked rows in a temporary table: one COPY of the parsed CSV, no row through Python."""
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{PARSED}, pg_temp.{LINES}, pg_temp.{NEW_DONORS}")
    cursor.execute(f"CREATE TEMPORARY TABLE {PARSED} (row integer, donor_name text, unit text, amount numeric(12, 2),"
                   f" received_on date, channel text, reference text, note text) ON COMMIT DROP")
    with open(parsed_path(imp), "rb") as handle:
        cursor.copy_expert(f"COPY {PARSED} FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (donor_name, unit, reference,"
                           f" note))", handle)
    cursor.execute(f"ANALYZE {PARSED}")


def _scalar(cursor, sql: str, params) -> int:
    cursor.execute(sql, params)
    return cursor.fetchone()[0]


def _stage_lines(cursor, *, fund: Fund, firsts: dict[int, int], confirm: bool) -> None:
    """Each checked row with its donor (created before), its receipt number (consecutive per year in the sheet's
    order, from ``firsts``) and, when confirmed, its credit's id drawn from the ledger's sequence in that order."""
    ledger = LedgerEntry._meta.db_table
    credit_default = f"DEFAULT nextval(pg_get_serial_sequence('{ledger}', 'id')::regclass)" if confirm else ""
    cursor.execute(f"CREATE TEMPORARY TABLE {LINES} (n integer PRIMARY KEY, row integer, donor_id bigint,"
                   f" amount numeric(12, 2), received_on date, channel text, reference text, note text,"
                   f" receipt_year integer, receipt_seq integer, receipt_number text, credit_id bigint {credit_default})"
                   f" ON COMMIT DROP")
    number_sql, number_params = receipt_number_sql(fund, year="t.receipt_year", seq="t.receipt_seq")
    cursor.execute(
        f"INSERT INTO {LINES} (n, row, donor_id, amount, received_on, channel, reference, note,"
        f" receipt_year, receipt_seq, receipt_number)"
        f" SELECT t.n, t.row, t.donor_id, t.amount, t.received_on, t.channel, t.reference, t.note,"
        f" t.receipt_year, t.receipt_seq, {number_sql} FROM ("
        f"   SELECT row_number() OVER (ORDER BY p.row) AS n, p.row, o.id AS donor_id, p.amount,"
        f"   p.received_on, p.channel, p.reference, p.note, s.year AS receipt_year,"
        f"   s.first + row_number() OVER (PARTITION BY s.year ORDER BY p.row) - 1 AS receipt_seq"
        f"   FROM {PARSED} p JOIN unnest(%(years)s::integer[], %(firsts)s::integer[]) AS s(year, first)"
        f"     ON s.year = extract(year FROM p.received_on)"
        f"   CROSS JOIN LATERAL ({donor_key_sql('p.donor_name', 'p.unit')}) k"
        f"   LEFT JOIN {Donor._meta.db_table} o ON o.district_id = %(district)s AND o.kind = k.kind"
        f"     AND o.name = k.name AND o.unit_name = k.unit_name"
        f" ) t ORDER BY t.n",
        {**number_params, "district": fund.district_id, "years": list(firsts), "firsts": list(firsts.values())},
    )
    cursor.execute(f"ANALYZE {LINES}")


def _refusals_at_commit(cursor, *, imp: DonationImport, district_id: int) -> int:
    """What may have changed since the check: raises when transaction numbers were recorded meanwhile or the
    file was imported; returns how many rows now repeat a recorded gift (``repeated_donations``)."""
    taken = _scalar(cursor, (
        f"SELECT count(*) FROM {PARSED} p JOIN {Donation._meta.db_table} d ON d.channel = p.channel"
        f" AND d.external_reference = p.reference AND d.external_reference <> '' WHERE p.reference <> ''"), [])
    if taken:
        raise DomainError(_("%(n)s transaction numbers were recorded since the check: upload the file again.")
                          % {"n": taken})
    if (DonationImport.objects.filter(sha256=imp.sha256, status=DonationImport.Status.COMMITTED)
            .exclude(pk=imp.pk).exists()):
        raise DomainError(_("This file was already imported."))
    return _scalar(cursor, (
        f"SELECT count(DISTINCT p.row) FROM {PARSED} p"
        f" CROSS JOIN LATERAL ({donor_key_sql('p.donor_name', 'p.unit')}) k"
        f" JOIN {Donor._meta.db_table} o ON o.district_id = %(district)s AND o.kind = k.kind AND o.name = k.name"
        f"   AND o.unit_name = k.unit_name"
        f" JOIN {Donation._meta.db_table} d ON d.donor_id = o.id AND d.amount = p.amount"
        f"   AND d.received_on = p.received_on AND d.status <> %(voided)s"
        f" WHERE p.reference = ''"), {"district": district_id, "voided": Donation.Status.VOIDED})


def _create_donors(cursor, *, district_id: int) -> None:
    """The rows' donors not yet known in the district, in one INSERT … SELECT (in the order of their keys, as
    Python sorts them); their ids are kept for their history."""
    cursor.execute(f"CREATE TEMPORARY TABLE {NEW_DONORS} (id bigint) ON COMMIT DROP")
    cursor.execute(
        f"WITH created AS ("
        f" INSERT INTO {Donor._meta.db_table} (kind, name, district_id, unit_name, contact)"
        f" SELECT k.kind, k.name, %(district)s, k.unit_name, ''"
        f" FROM (SELECT DISTINCT k.kind, k.name, k.unit_name FROM {PARSED} p"
        f"   CROSS JOIN LATERAL ({donor_key_sql('p.donor_name', 'p.unit')}) k WHERE k.kind IS NOT NULL) k"
        f" WHERE NOT EXISTS (SELECT FROM {Donor._meta.db_table} o WHERE o.district_id = %(district)s"
        f"   AND o.kind = k.kind AND o.name = k.name AND o.unit_name = k.unit_name)"
        f" ORDER BY k.kind COLLATE \"C\", k.name COLLATE \"C\", k.unit_name COLLATE \"C\""
        f" RETURNING id)"
        f" INSERT INTO {NEW_DONORS} SELECT id FROM created",
        {"district": district_id},
    )


def _write_credits(cursor, *, fund: Fund, actor, now, after: int, upto: int) -> None:
    """The credits of rows ``after`` < n <= ``upto``, with the ids their donations point at."""
    cursor.execute(
        f"INSERT INTO {LedgerEntry._meta.db_table} (id, fund_id, district_id, kind, amount, booked_on, description,"
        f" reason, created_by_id, created_at)"
        f" SELECT l.credit_id, %(fund)s, NULL, %(kind)s, l.amount, l.received_on,"
        f" {credit_description_sql('l.receipt_number')}, '', %(actor)s, %(now)s"
        f" FROM {LINES} l WHERE l.n > %(after)s AND l.n <= %(upto)s ORDER BY l.n",
        {"fund": fund.pk, "kind": LedgerEntry.Kind.DONATION, "actor": actor.pk, "now": now, "after": after,
         "upto": upto},
    )


def _write_donations(cursor, *, imp: DonationImport, fund: Fund, actor, status: str, now, after: int,
                     upto: int) -> None:
    """The donations of rows ``after`` < n <= ``upto``, each with its donor and (confirmed) its credit."""
    cursor.execute(
        f"INSERT INTO {Donation._meta.db_table} (fund_id, district_id, campaign_id, donor_id, amount, received_on,"
        f" channel, external_reference, receipt_year, receipt_seq, receipt_number, note, status, void_reason,"
        f" import_batch_id, recorded_by_id, created_at, credit_entry_id)"
        f" SELECT %(fund)s, %(district)s, %(campaign)s, l.donor_id, l.amount, l.received_on, l.channel,"
        f" NULLIF(l.reference, ''), l.receipt_year, l.receipt_seq, l.receipt_number, l.note, %(status)s, '',"
        f" %(import)s, %(actor)s, %(now)s, l.credit_id"
        f" FROM {LINES} l WHERE l.n > %(after)s AND l.n <= %(upto)s ORDER BY l.n",
        {"fund": fund.pk, "district": fund.district_id, "campaign": imp.campaign_id, "status": status,
         "import": imp.pk, "actor": actor.pk, "now": now, "after": after, "upto": upto},
    )


def repeats_refusal(count: int) -> DomainError:
    return DomainError(_("%(n)s rows have the same donor, amount and date as a donation already recorded. "
                         "Tick “These are new donations” to import them anyway.") % {"n": count},
                       field="repeats_confirmed")


def donation_import_commit(*, imp: DonationImport, actor, confirm: bool = True, repeats_confirmed: bool = False,
                           progress: Callable[[int, int | None], None] | None = None) -> DonationImport:
    """Write every checked row in one transaction, or nothing.

    Rows that repeat an existing gift (``repeated_donations``, asked again
    here: one may have been recorded since the check) go in only with
    ``repeats_confirmed``, the person's explicit "these are new".

    Set-based throughout: the parsed CSV is copied into a temporary table
    and everything is written from there with INSERT … SELECT (the donors,
    then per chunk of rows the ledger credits and the donations, then the
    history), so no row passes through Python.
    """
    require_role(actor, *DONATION_ROLES)
    with transaction.atomic():
        imp = get_or_404(donation_imports_visible_to(user=actor).select_for_update(of=("self",)), pk=imp.pk)
        if imp.status != DonationImport.Status.VALIDATED:
            raise TransitionNotAllowed(_("Only a checked spreadsheet without errors can be imported."))
        if not parsed_path(imp).exists():
            raise DomainError(_("The checked rows are no longer available: upload the file again."))
        fund = imp.fund
        district = fund.district
        with connection.cursor() as cursor:
            # The staging tables are sorted and joined whole: in memory rather than in temporary files.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            _stage_parsed(cursor, imp)
            repeats = _refusals_at_commit(cursor, imp=imp, district_id=district.pk)
            if repeats and not repeats_confirmed:
                raise repeats_refusal(repeats)
            cursor.execute(f"SELECT extract(year FROM received_on)::integer, count(*) FROM {PARSED} GROUP BY 1"
                           f" ORDER BY 1")
            years = dict(cursor.fetchall())
            row_count = sum(years.values())
            firsts = {year: receipt_numbers_allocate(fund=fund, year=year, count=count)
                      for year, count in years.items()}
            _create_donors(cursor, district_id=district.pk)
            _stage_lines(cursor, fund=fund, firsts=firsts, confirm=confirm)
            status = Donation.Status.CONFIRMED if confirm else Donation.Status.RECORDED
            now = timezone.now()
            for after in range(0, row_count, COMMIT_CHUNK):
                upto = min(after + COMMIT_CHUNK, row_count)
                # A confirmed gift points at its credit: the credits go first, with the ids drawn for them.
                if confirm:
                    _write_credits(cursor, fund=fund, actor=actor, now=now, after=after, upto=upto)
                _write_donations(cursor, imp=imp, fund=fund, actor=actor, status=status, now=now, after=after,
                                 upto=upto)
                if progress:
                    progress(upto, row_count)
            for sql, params in (
                    _history_rows_sql(model=Donor, ids_sql=f"SELECT id FROM {NEW_DONORS}", ids_params=[],
                                      actor=actor, action="donor.created", to_status="", data={"source": "import"}),
                    _history_rows_sql(model=Donation, ids_sql=f"SELECT id FROM {Donation._meta.db_table}"
                                      f" WHERE import_batch_id = %s", ids_params=[imp.pk], actor=actor,
                                      action="donation.imported", to_status=status, data={"import": imp.pk})):
                cursor.execute(sql, params)
            cursor.execute(f"DROP TABLE {PARSED}, {LINES}, {NEW_DONORS}")
        imp.status = DonationImport.Status.COMMITTED
        imp.save(update_fields=["status"])
        record_event(imp, actor=actor, action="donation_import.committed", from_status=DonationImport.Status.VALIDATED,
                     to_status=DonationImport.Status.COMMITTED,
                     data={"rows": imp.rows_ok, "total": str(imp.total_ok), "confirmed": confirm,
                           **({"repeats_confirmed": repeats} if repeats else {})})
        # Run as a job, the job knows from this row that the import committed, even if its worker dies now.
        mark_job_committed()
    return imp
