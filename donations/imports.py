"""Importing a unit's donation spreadsheet: check every row first, then all rows or none.

The spreadsheet is read once (reliefdesk.importing.open_table: python-calamine).
Checking streams the good rows, a chunk at a time, to a plain CSV beside the
upload, so the commit does not parse the workbook a second time and no step
holds every row; the commit then writes
everything in one transaction, in chunks of bulk inserts (donations, ledger
credits, history), with receipt numbers taken from the counter as one block
per year.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.ledger import credit_entry_of
from donations.models import Campaign, Donation, DonationImport, Donor
from donations.selectors import donation_imports_visible_to
from donations.services import DONATION_ROLES, receipt_number, receipt_numbers_allocate
from funds.ledger import ledger_draw_ids, ledger_post_many
from funds.models import Fund
from funds.selectors import funds_visible_to
from reliefdesk.bulk import copy_rows
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
    """Which (channel, reference) pairs are already recorded — a few chunked queries."""
    taken: set[tuple[str, str]] = set()
    by_channel: dict[str, list[str]] = {}
    for channel, reference in pairs:
        by_channel.setdefault(channel, []).append(reference)
    for channel, references in by_channel.items():
        for start in range(0, len(references), CHUNK):
            chunk = references[start:start + CHUNK]
            taken.update(
                (channel, ref) for ref in Donation.objects.filter(channel=channel, external_reference__in=chunk)
                .values_list("external_reference", flat=True)
            )
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
    seen_refs: dict[tuple[str, str], int] = {}
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

    def cell(row, name):
        return table.cell(row, name)

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
        amount, problem = parse_amount(cell(row, "金额"))
        if problem:
            errors.add(number, "金额", problem)
            ok = False
        raw_date = cell(row, "日期")
        received_on = cell_date(raw_date)
        if received_on is None:
            errors.add(number, "日期", _("The date is missing.") if cell_text(raw_date) == ""
                       else _("“%(value)s” is not a date (write 2022-03-05).") % {"value": cell_text(raw_date)})
            ok = False
        elif received_on > today:
            errors.add(number, "日期", _("The date %(date)s is after today.") % {"date": received_on.isoformat()})
            ok = False
        channel_text = cell_text(cell(row, "渠道"))
        channel = CHANNELS.get(channel_text)
        if channel is None:
            errors.add(number, "渠道", _("Unknown channel “%(value)s”: use %(qr)s (QR code), %(bank)s (bank transfer), "
                                         "%(cash)s (cash), %(payroll)s (payroll deduction) or %(other)s (other).")
                       % {"value": channel_text, **{code.value: name for name, code in CHANNELS.items()}})
            ok = False
        reference = cell_text(cell(row, "流水号"))[:64]
        if reference and channel:
            key = (channel, reference)
            if key in seen_refs:
                errors.add(number, "流水号", _("Transaction number %(ref)s appears twice in this file (row %(row)s).")
                           % {"ref": reference, "row": seen_refs[key]})
                ok = False
            else:
                seen_refs[key] = number
        if ok:
            good.append(GoodRow(number, cell_text(cell(row, "捐赠方"))[:200], cell_text(cell(row, "单位"))[:200], amount,
                                received_on, channel, reference, cell_text(cell(row, "备注"))[:300]))
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


def _read_parsed(imp: DonationImport) -> Iterator[GoodRow]:
    with open(parsed_path(imp), newline="", encoding="utf-8") as handle:
        for row, name, unit, amount, received_on, channel, reference, note in csv.reader(handle):
            yield GoodRow(int(row), name, unit, Decimal(amount), dt.date.fromisoformat(received_on), channel,
                          reference, note)


# --- commit ----------------------------------------------------------------

def _history_rows_sql(*, model, ids_sql: str, actor, action: str, to_status: str, data: dict) -> tuple[str, list]:
    """History rows for many records in one INSERT … SELECT: the same columns record_event writes."""
    content_type = ContentType.objects.get_for_model(model)
    sql = (
        f"INSERT INTO {HistoryEvent._meta.db_table} (content_type_id, object_id, actor_id, action, from_status,"
        f" to_status, reason, data, created_at) SELECT %s, ids.id, %s, %s, '', %s, '', %s::jsonb, %s FROM ({ids_sql}) ids"
    )
    return sql, [content_type.pk, actor.pk, action, to_status, json.dumps(data), timezone.now()]


def _donors_for(keys: set[tuple[str, str, str]], *, district, actor) -> dict[tuple[str, str, str], int]:
    """Ids of the donors with these keys, creating the missing ones in one statement."""
    found: dict[tuple[str, str, str], int] = {}
    names = sorted({key[1] for key in keys})
    for start in range(0, len(names), CHUNK):
        for pk, kind, name, unit_name in Donor.objects.filter(
                district=district, name__in=names[start:start + CHUNK]).values_list("pk", "kind", "name", "unit_name"):
            if (kind, name, unit_name) in keys:
                found[(kind, name, unit_name)] = pk
    missing = sorted(key for key in keys if key not in found)
    if not missing:
        return found
    kinds, names, units = (list(column) for column in zip(*missing))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Donor._meta.db_table} (kind, name, district_id, unit_name, contact)"
            " SELECT t.kind, t.name, %s, t.unit_name, '' FROM unnest(%s::text[], %s::text[], %s::text[])"
            " AS t(kind, name, unit_name) RETURNING id, kind, name, unit_name",
            [district.pk, kinds, names, units],
        )
        created = cursor.fetchall()
        for pk, kind, name, unit_name in created:
            found[(kind, name, unit_name)] = pk
        sql, params = _history_rows_sql(model=Donor, ids_sql="SELECT unnest(%s::bigint[]) AS id", actor=actor,
                                        action="donor.created", to_status="", data={"source": "import"})
        cursor.execute(sql, params + [[row[0] for row in created]])
    return found


DONATION_COLUMNS = ["fund_id", "district_id", "campaign_id", "donor_id", "amount", "received_on", "channel",
                    "external_reference", "receipt_year", "receipt_seq", "receipt_number", "note", "status",
                    "void_reason", "import_batch_id", "recorded_by_id", "created_at", "credit_entry_id"]


def _chunks(items, size: int) -> Iterator[list]:
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


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

    Rows go in with COPY and the ledger credits and history rows with one
    INSERT … SELECT each, so 100,000 rows never become 300,000 model
    instances in memory.
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
        # A first pass over the checked rows gathers what the whole file needs (its transaction numbers,
        # donors and receipt years); the second writes it a chunk at a time: no row is held longer.
        references, donor_keys, years = set(), set(), {}
        for item in _read_parsed(imp):
            if item.reference:
                references.add((item.channel, item.reference))
            if key := donor_key(item.donor_name, item.unit):
                donor_keys.add(key)
            years[item.received_on.year] = years.get(item.received_on.year, 0) + 1
        row_count = sum(years.values())
        taken = _taken_references(references)
        del references
        if taken:
            raise DomainError(_("%(n)s transaction numbers were recorded since the check: upload the file again.")
                              % {"n": len(taken)})
        if (DonationImport.objects.filter(sha256=imp.sha256, status=DonationImport.Status.COMMITTED)
                .exclude(pk=imp.pk).exists()):
            raise DomainError(_("This file was already imported."))
        repeats = []
        for chunk in _chunks(_read_parsed(imp), CHUNK):
            repeats.extend(repeated_donations(district_id=district.pk, rows=chunk))
        if repeats and not repeats_confirmed:
            raise repeats_refusal(len({item["row"] for item in repeats}))
        donor_ids = _donors_for(donor_keys, district=district, actor=actor)
        del donor_keys
        next_seq = {year: receipt_numbers_allocate(fund=fund, year=year, count=count)
                    for year, count in sorted(years.items())}
        status = Donation.Status.CONFIRMED if confirm else Donation.Status.RECORDED
        now = timezone.now().isoformat()
        done = 0
        for chunk in _chunks(_read_parsed(imp), CHUNK):
            # A confirmed gift points at its credit: the ids are drawn first, the entries follow the rows.
            credit_ids = ledger_draw_ids(len(chunk)) if confirm else [None] * len(chunk)
            rows, credits = [], []
            for item, credit_id in zip(chunk, credit_ids):
                year = item.received_on.year
                seq = next_seq[year]
                next_seq[year] += 1
                key = donor_key(item.donor_name, item.unit)
                number = receipt_number(fund, year, seq)
                rows.append([fund.pk, district.pk, imp.campaign_id, donor_ids[key] if key else None, item.amount,
                             item.received_on.isoformat(), item.channel, item.reference or None, year, seq,
                             number, item.note, status, "", imp.pk, actor.pk, now, credit_id])
                credits.append(credit_entry_of(fund_id=fund.pk, amount=item.amount, received_on=item.received_on,
                                               receipt_number=number))
            copy_rows(Donation._meta.db_table, DONATION_COLUMNS, rows)
            if confirm:
                ledger_post_many(entries=credits, actor=actor, ids=credit_ids)
            done += len(rows)
            if progress:
                progress(done, row_count)
        imported = Donation.objects.filter(import_batch=imp)
        ids_sql, ids_params = imported.order_by().values("id").query.sql_with_params()
        sql, params = _history_rows_sql(model=Donation, ids_sql=ids_sql, actor=actor, action="donation.imported",
                                        to_status=status, data={"import": imp.pk})
        with connection.cursor() as cursor:
            cursor.execute(sql, params + list(ids_params))
        imp.status = DonationImport.Status.COMMITTED
        imp.save(update_fields=["status"])
        record_event(imp, actor=actor, action="donation_import.committed", from_status=DonationImport.Status.VALIDATED,
                     to_status=DonationImport.Status.COMMITTED,
                     data={"rows": imp.rows_ok, "total": str(imp.total_ok), "confirmed": confirm,
                           **({"repeats_confirmed": len({item["row"] for item in repeats})} if repeats else {})})
        # Run as a job, the job knows from this row that the import committed, even if its worker dies now.
        mark_job_committed()
    return imp
