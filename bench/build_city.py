"""A city of a million applications, for the benches that must see the real sizes.

``city_database(size)`` returns a :class:`City`: a throwaway database named
``bench_city_<size>`` on the server of DATABASE_URL, built once and kept
(``reuse=True``, the default) so every bench after the first starts in a
second. Django is set up on it and DATABASE_URL points at it when it returns;
later migrations (new indexes, new tables) are applied on reuse.

What it holds, as the real schema needs it:

* the 16 districts of Beijing, each with its own fund; 顺义 (Shunyi) has 65
  stations and about 61.7 % of the applications, the others 10 stations each;
* members (one for every 1.25 applications) with valid GB 11643 ID numbers
  (area code of their district, check digit by ISO 7064 MOD 11-2) and
  Luhn-valid 19-digit card numbers, each registered at his station;
* applications created 2022-01-01 … 2026-11-30 in id order, every status in
  realistic shares (most paid), references ``SY-2022-000001`` with the
  counters set past them;
* for every case its history rows (created, submitted, taken, verified,
  added to a batch, approved, paid / failed, or returned, rejected,
  withdrawn on the way);
* approval batches per district and month for the decided cases (and one in
  public notice per district for the cases in a batch), a payout for every
  approved, paid or failed case, and for every paid one its ledger debit;
  each fund has an opening balance that covers them.

Members, applications and batches are written with COPY (``reliefdesk.bulk``);
registrations, history, payouts and ledger entries are derived from them in
the database with ``INSERT … SELECT``. About four minutes for 1,000,000 on two
slow cores.

Users (password :data:`PASSWORD`): ``city_reviewer`` (Shunyi reviewer),
``city_approver``, ``city_finance``, ``city_liaison`` (liaison of Shunyi's
first station), ``city_liaison2`` (of its first two stations),
``city_daxing_reviewer``, ``city_admin`` (superuser).

    .venv/bin/python bench/build_city.py [--size 1000000] [--reuse] [--drop]

From another bench (``python bench/<script>.py`` puts bench/ on sys.path)::

    from build_city import city_database
    city = city_database(1_000_000)      # or: from bench.build_city import city_database
    city.name, city.url, city.users["reviewer"], city.shunyi_id
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

from _throwaway import _admin_connection, _server_url, database_url  # noqa: E402

PREFIX = "bench_city_"
DEFAULT_SIZE = 1_000_000
PASSWORD = "bench-city-password"  # noqa: S105  (a throwaway database on loopback)
SHUNYI_SHARE = 0.617
MEMBERS_PER_APPLICATION = 0.8
START = dt.datetime(2022, 1, 1, 8, 0, tzinfo=dt.UTC)
END = dt.datetime(2026, 11, 30, 18, 0, tzinfo=dt.UTC)
CHUNK = 50_000

# (code, name, English name, ID area code): Shunyi first.
DISTRICTS = [
    ("SY", "顺义", "Shunyi", "110113"), ("DC", "东城", "Dongcheng", "110101"), ("XC", "西城", "Xicheng", "110102"),
    ("CY", "朝阳", "Chaoyang", "110105"), ("FT", "丰台", "Fengtai", "110106"), ("SJS", "石景山", "Shijingshan", "110107"),
    ("HD", "海淀", "Haidian", "110108"), ("MTG", "门头沟", "Mentougou", "110109"), ("FS", "房山", "Fangshan", "110111"),
    ("TZ", "通州", "Tongzhou", "110112"), ("CP", "昌平", "Changping", "110114"), ("DX", "大兴", "Daxing", "110115"),
    ("HR", "怀柔", "Huairou", "110116"), ("PG", "平谷", "Pinggu", "110117"), ("MY", "密云", "Miyun", "110118"),
    ("YQ", "延庆", "Yanqing", "110119"),
]
SHUNYI_STATIONS = 65
OTHER_STATIONS = 10

CATEGORIES = [("medical", "大病医疗救助", "Serious illness"), ("accident", "意外伤害救助", "Accident"),
              ("hardship", "生活困难补助", "Hardship"), ("education", "金秋助学", "Education")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力国庆春梅海燕志宏林鹏飞云凤琴"
         "晨阳光亮金宝福荣新民生德利永成学忠东淑珍雪梦佳怡欣然浩宇子轩思雨嘉琪诗涵博文俊杰雅静立波晓")
BANKS = ["中国工商银行北京顺义支行", "中国农业银行北京顺义支行", "中国银行北京分行", "中国建设银行北京分行",
         "北京农商银行顺义支行", "中国邮政储蓄银行北京分行"]

# status → share in a thousand; the path of statuses that led there (history rows).
STATUS_SHARES = [
    ("paid", 640), ("approved", 60), ("payment_failed", 5), ("in_batch", 20), ("verified", 30), ("in_review", 40),
    ("submitted", 50), ("returned", 20), ("draft", 30), ("rejected", 75), ("withdrawn", 30),
]
PATHS = {
    "draft": [("application.created", "", "draft")],
    "submitted": [("application.created", "", "draft"), ("application.submitted", "draft", "submitted")],
    "withdrawn": [("application.created", "", "draft"), ("application.submitted", "draft", "submitted"),
                  ("application.withdrawn", "submitted", "withdrawn")],
    "in_review": [("application.created", "", "draft"), ("application.submitted", "draft", "submitted"),
                  ("application.taken", "submitted", "in_review")],
    "returned": [("application.created", "", "draft"), ("application.submitted", "draft", "submitted"),
                 ("application.taken", "submitted", "in_review"), ("application.returned", "in_review", "returned")],
    "rejected": [("application.created", "", "draft"), ("application.submitted", "draft", "submitted"),
                 ("application.taken", "submitted", "in_review"), ("application.rejected", "in_review", "rejected")],
}
PATHS["verified"] = PATHS["in_review"] + [("application.verified", "in_review", "verified")]
PATHS["in_batch"] = PATHS["verified"] + [("application.added_to_batch", "verified", "in_batch")]
PATHS["approved"] = PATHS["in_batch"] + [("application.approved", "in_batch", "approved")]
PATHS["paid"] = PATHS["approved"] + [("application.paid", "approved", "paid")]
PATHS["payment_failed"] = PATHS["approved"] + [("application.payment_failed", "approved", "payment_failed")]
SUBMITTED = {s for s, path in PATHS.items() if len(path) > 1}
BATCHED = {"in_batch", "approved", "paid", "payment_failed"}
DECIDED = {"approved", "paid", "payment_failed"}


@dataclass(frozen=True)
class City:
    """A built city database; Django is set up on it."""

    name: str
    url: str
    size: int
    users: dict = field(default_factory=dict)  # role → username (all with PASSWORD)
    shunyi_id: int = 0
    shunyi_station_ids: tuple = ()
    password: str = PASSWORD


def database_name(size: int) -> str:
    return f"{PREFIX}{size}"


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_CHECK = "10X98765432"


def id_number(area: str, seq: int) -> str:
    """A GB 11643 resident ID number: area, birth date, sequence and its MOD 11-2 check character."""
    birth = dt.date(1962, 1, 1) + dt.timedelta(days=seq % 14600)
    first17 = f"{area}{birth:%Y%m%d}{seq // 14600 % 1000:03d}"
    return first17 + _CHECK[sum(w * (ord(c) - 48) for w, c in zip(_WEIGHTS, first17)) % 11]


def card_number(seq: int) -> str:
    body = f"622202{seq:012d}"
    return body + luhn_digit(body)


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY ``rows`` in chunks (reliefdesk.bulk.copy_rows buffers each chunk)."""
    from reliefdesk.bulk import copy_rows

    total, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            total += copy_rows(table, columns, chunk)
            chunk = []
    return total + copy_rows(table, columns, chunk)


def _exists(admin, name: str) -> bool:
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def _built(url: str, size: int) -> bool:
    import psycopg2
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        connection = psycopg2.connect(dbname=parts.path.lstrip("/"), user=parts.username or "postgres",
                                      password=parts.password or None, host=parts.hostname or None,
                                      port=parts.port or None)
    except psycopg2.Error:
        return False
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('bench_city_built') IS NOT NULL")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SELECT size FROM bench_city_built")
            row = cursor.fetchone()
            return row is not None and row[0] == size
    finally:
        connection.close()


def _log(message: str, started: float) -> None:
    print(f"  [{time.perf_counter() - started:6.1f} s] {message}", file=sys.stderr, flush=True)


def city_database(size: int = DEFAULT_SIZE, *, reuse: bool = True, verbose: bool = True) -> City:
    """The city of ``size`` applications, built now or (``reuse``) the one built before; Django set up on it."""
    from psycopg2 import sql

    name = database_name(size)
    base = database_url()
    url = _server_url(base, name)
    admin = _admin_connection(base)
    try:
        fresh = not (reuse and _exists(admin, name) and _built(url, size))
        if fresh:
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        admin.close()
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reliefdesk.settings")
    import django
    from django.core.management import call_command

    django.setup()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if fresh:
        if verbose:
            print(f"building {name} ({size:,} applications)", file=sys.stderr, flush=True)
        _build(size, started if verbose else None)
    else:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics for what later migrations added (expression indexes)
        if verbose:
            print(f"reusing {name}", file=sys.stderr, flush=True)
    return _city(name, url, size)


def drop_city(size: int = DEFAULT_SIZE) -> None:
    from psycopg2 import sql

    admin = _admin_connection(database_url())
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(database_name(size))))
    finally:
        admin.close()


def _city(name: str, url: str, size: int) -> City:
    from reliefdesk.models import District, Station

    shunyi = District.objects.get(code="SY")
    stations = tuple(Station.objects.filter(district=shunyi).order_by("code").values_list("id", flat=True))
    users = {"reviewer": "city_reviewer", "approver": "city_approver", "finance": "city_finance",
             "liaison": "city_liaison", "liaison2": "city_liaison2", "daxing_reviewer": "city_daxing_reviewer",
             "admin": "city_admin"}
    return City(name=name, url=url, size=size, users=users, shunyi_id=shunyi.pk, shunyi_station_ids=stations)


def _build(size: int, started: float | None) -> None:
    from django.db import connection, transaction

    log = (lambda message: _log(message, started)) if started is not None else (lambda message: None)
    with transaction.atomic():
        ref = _reference_data()
        log("reference data and users")
        members = _members(size, ref)
        log(f"{members:,} members")
        _applications(size, members, ref)
        log(f"{size:,} applications")
        with connection.cursor() as cursor:
            # Statistics of the fresh rows, or the planner takes the tables for empty and joins them in loops.
            cursor.execute("ANALYZE cases_member, cases_application, cases_batch")
            _derived(cursor, ref, log)
            for table in ("cases_member", "cases_application", "cases_batch", "reliefdesk_historyevent",
                          "cases_payout", "funds_ledgerentry", "cases_memberregistration"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT coalesce(max(id), 1) FROM {table}))")
            cursor.execute("CREATE TABLE bench_city_built (size integer NOT NULL, built_at timestamptz NOT NULL)")
            cursor.execute("INSERT INTO bench_city_built VALUES (%s, now())", [size])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("vacuum analyze")


def _reference_data() -> dict:
    from django.contrib.auth import get_user_model

    from funds.models import AidCategory, Disease, Fund, LedgerEntry, RuleSet
    from reliefdesk.models import District, Employer, Role, StaffAssignment, Station

    districts, stations, employers, funds = [], [], [], []
    for code, name, name_en, area in DISTRICTS:
        district = District.objects.create(code=code, name=name, name_en=name_en)
        count = SHUNYI_STATIONS if code == "SY" else OTHER_STATIONS
        own = Station.objects.bulk_create(
            [Station(district=district, code=f"{code}{i:02d}", name=f"{name}第{i}工会服务站") for i in range(1, count + 1)])
        employer = Employer.objects.create(district=district, station=own[0], name=f"{name}区职工单位")
        fund = Fund.objects.create(slug=f"city-{code.lower()}", name=f"北京市温暖基金会（{name}区）职工专项温暖基金",
                                   district=district)
        districts.append((district, area))
        stations.append(own)
        employers.append(employer)
        funds.append(fund)
    categories = [AidCategory.objects.create(code=code, name=name, name_en=name_en, sort_order=i,
                                             checklist=["documents_seen"])
                  for i, (code, name, name_en) in enumerate(CATEGORIES)]
    diseases = [Disease.objects.create(code=f"city-{i}", name=name) for i, name in
                enumerate(["恶性肿瘤", "尿毒症", "白血病", "心脏病手术", "脑卒中"])]
    rule_sets = {}
    for fund in funds:
        LedgerEntry.objects.create(fund=fund, kind=LedgerEntry.Kind.OPENING, amount="9000000000.00",
                                   booked_on=dt.date(2022, 1, 1), description="期初余额")
        for category in categories:
            rule_sets[(fund.pk, category.pk)] = RuleSet.objects.create(
                fund=fund, category=category, version_name="2022年版", effective_from=dt.date(2022, 1, 1),
                status=RuleSet.Status.ACTIVE).pk
    User = get_user_model()

    def user(username, role, district, station_list=(), **extra):
        person = User.objects.create_user(username, password=PASSWORD, **extra)
        if role is not None:
            assignment = StaffAssignment.objects.create(user=person, role=role, district=district)
            if station_list:
                assignment.stations.set(station_list)
        return person

    shunyi = districts[0][0]
    reviewer = user("city_reviewer", Role.REVIEWER, shunyi)
    user("city_approver", Role.APPROVER, shunyi)
    user("city_finance", Role.FINANCE, shunyi)
    liaison = user("city_liaison", Role.LIAISON, shunyi, stations[0][:1])
    user("city_liaison2", Role.LIAISON, shunyi, stations[0][:2])
    daxing = next(d for d, _ in districts if d.code == "DX")
    user("city_daxing_reviewer", Role.REVIEWER, daxing)
    user("city_admin", None, None, is_superuser=True, is_staff=True)
    return {"districts": districts, "stations": stations, "employers": employers, "funds": funds,
            "categories": categories, "diseases": diseases, "rule_sets": rule_sets, "reviewer": reviewer,
            "liaison": liaison}


def _district_of_member(m: int, count: int) -> int:
    """Index of the district of member ``m``: the first SHUNYI_SHARE of a cycle of 1000 to Shunyi."""
    slot = (m * 7919) % 1000
    if slot < SHUNYI_SHARE * 1000:
        return 0
    return 1 + (slot - int(SHUNYI_SHARE * 1000)) % (count - 1)


def _member_name(rng: random.Random) -> str:
    surname = SURNAMES[min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)]
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def _members(size: int, ref: dict) -> int:
    count = max(1, int(size * MEMBERS_PER_APPLICATION))
    rng = random.Random(11643)
    ndistricts = len(ref["districts"])
    now = START.isoformat()
    employers = [e.pk for e in ref["employers"]]
    areas = [area for _, area in ref["districts"]]

    def rows():
        for m in range(count):
            d = _district_of_member(m, ndistricts)
            pk = m + 1
            number = id_number(areas[d], pk)
            sex = "M" if int(number[16]) % 2 else "F"
            birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
            yield (pk, _member_name(rng), number, birth, sex, f"139{pk:08d}", employers[d], True, None,
                   card_number(pk), BANKS[pk % len(BANKS)], now, now)

    return _copy("cases_member",
                 ["id", "name", "id_number", "birth_date", "sex", "phone", "employer_id", "is_union_member",
                  "member_since", "card_number", "bank_name", "created_at", "updated_at"], rows())


def _status_table() -> list[str]:
    table = []
    for status, share in STATUS_SHARES:
        table.extend([status] * share)
    return table


def _applications(size: int, members: int, ref: dict) -> None:
    from reliefdesk.models import Counter

    rng = random.Random(2022)
    statuses = _status_table()
    ndistricts = len(ref["districts"])
    districts = [d for d, _ in ref["districts"]]
    stations = [[s.pk for s in own] for own in ref["stations"]]
    funds = [f.pk for f in ref["funds"]]
    categories = [c.pk for c in ref["categories"]]
    diseases = [d.pk for d in ref["diseases"]]
    rule_sets = ref["rule_sets"]
    reviewer = ref["reviewer"].pk
    liaison = ref["liaison"].pk
    span = (END - START).total_seconds()
    counters: dict[tuple[int, int], int] = {}
    batches: dict[tuple[int, int], int] = {}  # (district index, month) → batch id; month -1: in public notice
    member_names: list[str] = []
    rng_names = random.Random(11643)  # the same sequence as _members: names without a query
    for _ in range(members):
        member_names.append(_member_name(rng_names))
    areas = [area for _, area in ref["districts"]]

    def batch_of(d: int, month: int) -> int:
        key = (d, month)
        if key not in batches:
            batches[key] = len(batches) + 1
        return batches[key]

    def rows():
        for i in range(size):
            pk = i + 1
            m = i % members if i >= members else i
            d = _district_of_member(m, ndistricts)
            own = stations[d]
            station = own[(m * 31) % len(own)]
            created = START + dt.timedelta(seconds=span * i / size + rng.random() * 3600)
            year = created.year
            counters[(d, year)] = sequence = counters.get((d, year), 0) + 1
            status = statuses[(i * 389 + 17) % 1000] if created < END - dt.timedelta(days=90) else \
                rng.choice(("draft", "submitted", "in_review", "verified", "in_batch", "returned", "approved"))
            category_index = 0 if rng.random() < 0.7 else rng.randrange(1, len(categories))
            category = categories[category_index]
            fund = funds[d]
            total = rng.randrange(5_000, 400_000)
            reimbursed = total * rng.randrange(30, 70) // 100
            self_paid = total - reimbursed
            estimate = self_paid * (15 if self_paid > 50_000 else 10) // 100
            submitted = created + dt.timedelta(days=rng.randrange(0, 5), minutes=rng.randrange(0, 600)) \
                if status in SUBMITTED else None
            verified = submitted + dt.timedelta(days=rng.randrange(1, 20)) \
                if status in BATCHED or status == "verified" else None
            approved = verified + dt.timedelta(days=rng.randrange(10, 30)) if status in DECIDED else None
            paid = approved + dt.timedelta(days=rng.randrange(3, 15)) if status == "paid" else None
            month = (created.year - 2022) * 12 + created.month - 1
            batch = batch_of(d, -1) if status == "in_batch" else batch_of(d, month) if status in DECIDED else None
            awarded = f"{estimate}.00" if status in DECIDED else None
            rule_set = rule_sets[(fund, category)]
            yield (pk, f"{districts[d].code}-{year}-{sequence:06d}", fund, category, member_names[m],
                   m + 1, id_number(areas[d], m + 1), station, districts[d].pk, liaison, created.isoformat(),
                   (paid or approved or verified or submitted or created).isoformat(), status,
                   submitted.isoformat() if submitted else None,
                   (created - dt.timedelta(days=rng.randrange(5, 120))).date().isoformat(),
                   diseases[i % len(diseases)] if category_index == 0 else None,
                   f"{total}.00", f"{reimbursed}.00", "0.00", f"{self_paid}.00", "", rule_set, True,
                   f"{estimate}.00", f"自付 {self_paid:,}.00 元，按档计 {estimate:,}.00 元",
                   reviewer if status not in ("draft", "submitted", "withdrawn") else None, "{}",
                   f"{estimate}.00" if status in BATCHED or status == "verified" else None, "", False, "",
                   verified.isoformat() if verified else None, "", batch, awarded,
                   rule_set if awarded else None, "", "{}", approved.isoformat() if approved else None,
                   paid.isoformat() if paid else None)

    _copy("cases_application",
          ["id", "reference", "fund_id", "category_id", "beneficiary_name", "member_id", "beneficiary_id_number",
           "station_id", "district_id", "created_by_id", "created_at", "updated_at", "status", "submitted_at",
           "event_date", "disease_id", "total_cost", "reimbursed", "other_aid", "self_paid", "narrative",
           "estimate_rule_set_id", "estimate_eligible", "estimate_amount", "estimate_explanation",
           "assigned_reviewer_id", "checklist", "proposed_amount", "amount_reason", "is_override", "override_code",
           "verified_at", "last_reason", "batch_id", "awarded_amount", "awarded_rule_set_id", "awarded_explanation",
           "award_snapshot", "approved_at", "paid_at"],
          _with_batches_first(rows, batches, districts, funds, reviewer))
    Counter.objects.bulk_create([Counter(key=f"application:{districts[d].pk}:{year}", last=last)
                                 for (d, year), last in counters.items()])


def _with_batches_first(rows, batches, districts, funds, reviewer):
    """Yield the application rows; the batches they point at are written by COPY first, chunk by chunk.

    The batch of a row is known only while generating it, so every chunk's new batches are copied before
    the chunk (the foreign key is checked at COPY time).
    """
    written: set[int] = set()
    pending = []
    for row in rows():
        pending.append(row)
        if len(pending) >= CHUNK:
            _copy_batches(batches, written, districts, funds, reviewer)
            yield from pending
            pending = []
    _copy_batches(batches, written, districts, funds, reviewer)
    yield from pending


def _copy_batches(batches, written, districts, funds, reviewer) -> None:
    from reliefdesk.bulk import copy_rows

    rows = []
    for (d, month), pk in batches.items():
        if pk in written:
            continue
        written.add(pk)
        code = districts[d].code
        if month < 0:
            rows.append((pk, f"{code} 公示中批次", funds[d], districts[d].pk, "public_notice", reviewer,
                         END.isoformat(), "2026-11-23", 5, "2026-11-27", None, "", "", None, None, ""))
            continue
        year, month0 = 2022 + month // 12, month % 12 + 1
        first = dt.date(year, month0, 1)
        meeting = first + dt.timedelta(days=40)
        rows.append((pk, f"{year}年{month0}月审批批次", funds[d], districts[d].pk, "approved", reviewer,
                     dt.datetime(year, month0, 28, 9, 0, tzinfo=dt.UTC).isoformat(),
                     (first + dt.timedelta(days=30)).isoformat(), 5, (first + dt.timedelta(days=36)).isoformat(),
                     meeting.isoformat(), f"{code}会纪〔{year}〕{month0}号", "主任、副主任、委员", reviewer,
                     dt.datetime.combine(meeting, dt.time(15, 0), tzinfo=dt.UTC).isoformat(), ""))
    copy_rows("cases_batch",
              ["id", "title", "fund_id", "district_id", "status", "created_by_id", "created_at", "notice_start",
               "notice_days", "notice_end", "meeting_date", "minutes_reference", "attendees", "approved_by_id",
               "approved_at", "last_reason"], rows)


def _derived(cursor, ref: dict, log) -> None:
    """Registrations, history, payouts and ledger debits, computed from the applications in the database."""
    from django.contrib.contenttypes.models import ContentType

    from cases.models import Application

    content_type = ContentType.objects.get_for_model(Application).pk
    reviewer = ref["reviewer"].pk
    liaison = ref["liaison"].pk
    cursor.execute("""
        INSERT INTO cases_memberregistration (member_id, station_id, source, reason, registered_by_id, registered_at)
        SELECT DISTINCT ON (member_id) member_id, station_id, 'application', '', %s, min(created_at)
          FROM cases_application GROUP BY member_id, station_id ORDER BY member_id, min(created_at)
    """, [liaison])
    log("registrations")
    steps = [(status, n, action, from_status, to_status)
             for status, path in PATHS.items() for n, (action, from_status, to_status) in enumerate(path)]
    values = ", ".join(cursor.mogrify("(%s, %s, %s, %s, %s)", step).decode() for step in steps)
    # Each step's time: created, submitted, then spread between submission and the case's last change.
    cursor.execute(f"""
        INSERT INTO reliefdesk_historyevent
               (content_type_id, object_id, actor_id, action, from_status, to_status, reason, data, created_at)
        SELECT %s, a.id, CASE WHEN p.n <= 1 THEN %s ELSE %s END, p.action, p.from_status, p.to_status,
               CASE WHEN p.to_status IN ('returned', 'rejected', 'withdrawn') THEN '材料不全' ELSE '' END, '{{}}',
               CASE WHEN p.n = 0 THEN a.created_at
                    WHEN p.n = 1 THEN a.submitted_at
                    WHEN p.action = 'application.verified' THEN a.verified_at
                    WHEN p.action = 'application.approved' THEN a.approved_at
                    WHEN p.action = 'application.paid' THEN a.paid_at
                    ELSE a.submitted_at + (a.updated_at - a.submitted_at) * p.n / 10.0 END
          FROM cases_application a
          JOIN (VALUES {values}) AS p(status, n, action, from_status, to_status) ON p.status = a.status
         ORDER BY a.id, p.n
    """, [content_type, liaison, reviewer])  # noqa: S608
    log(f"{cursor.rowcount:,} history rows")
    cursor.execute("""
        UPDATE cases_application SET last_reason = '材料不全' WHERE status IN ('returned', 'rejected', 'withdrawn')
    """)
    # Every paid case's debit, described as payouts.services describes it; its payout points at it.
    cursor.execute("""
        CREATE TEMP TABLE city_debit ON COMMIT DROP AS
        SELECT a.id AS application_id, nextval(pg_get_serial_sequence('funds_ledgerentry', 'id')) AS entry_id
          FROM cases_application a WHERE a.status = 'paid'
    """)
    cursor.execute("ANALYZE city_debit")
    # The rows keep the rule of the insert trigger (a district fund's debit has no district part); it is off for
    # the one statement because, fired row by row inside this long transaction, it grows slower with every row.
    cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'funds_ledgerentry'::regclass "
                   "AND tgname LIKE '%%ledger_entry_in_its_districts_part%%'")
    triggers = [row[0] for row in cursor.fetchall()]
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks what is pending, so the table may be altered
    for trigger in triggers:
        cursor.execute(f'ALTER TABLE funds_ledgerentry DISABLE TRIGGER "{trigger}"')
    cursor.execute("""
        INSERT INTO funds_ledgerentry (id, fund_id, district_id, kind, amount, booked_on, description, reason,
                                       created_by_id, created_at)
        SELECT d.entry_id, a.fund_id, NULL, 'payout', -a.awarded_amount, (a.paid_at AT TIME ZONE 'Asia/Shanghai')::date,
               '拨付 ' || a.reference || ' ' || a.beneficiary_name, '', %s, a.paid_at
          FROM city_debit d JOIN cases_application a ON a.id = d.application_id
    """, [reviewer])
    log(f"{cursor.rowcount:,} ledger debits")
    for trigger in triggers:
        cursor.execute(f'ALTER TABLE funds_ledgerentry ENABLE TRIGGER "{trigger}"')
    cursor.execute("""
        INSERT INTO cases_payout (application_id, fund_id, batch_id, source, reference, aid_category_id,
                                  approval_title, district_id, station_id, amount, payee_name,
                                  payee_id_number, card_number, bank_name, status, paid_on, bank_reference,
                                  failure_reason, ledger_entry_id, created_at)
        SELECT a.id, a.fund_id, a.batch_id, '', a.reference, a.category_id, b.title,
               a.district_id, a.station_id, a.awarded_amount, m.name, m.id_number,
               m.card_number, m.bank_name,
               CASE a.status WHEN 'paid' THEN 'paid' WHEN 'payment_failed' THEN 'failed' ELSE 'pending' END,
               CASE WHEN a.status = 'paid' THEN (a.paid_at AT TIME ZONE 'Asia/Shanghai')::date END,
               CASE WHEN a.status = 'paid' THEN 'BK' || a.id ELSE '' END,
               CASE WHEN a.status = 'payment_failed' THEN '账户已销户' ELSE '' END, d.entry_id, a.approved_at
          FROM cases_application a JOIN cases_member m ON m.id = a.member_id
          JOIN cases_batch b ON b.id = a.batch_id
          LEFT JOIN city_debit d ON d.application_id = a.id
         WHERE a.status IN ('approved', 'paid', 'payment_failed')
         ORDER BY a.id
    """)
    log(f"{cursor.rowcount:,} payouts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="applications (default 1,000,000)")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse an earlier build of this size")
    parser.add_argument("--drop", action="store_true", help="drop the database of this size and stop")
    args = parser.parse_args()
    if args.drop:
        drop_city(args.size)
        print(f"dropped {database_name(args.size)}")
        return
    started = time.perf_counter()
    city = city_database(args.size, reuse=args.reuse)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT d.name_en, count(*) FROM cases_application a JOIN reliefdesk_district d "
                       "ON d.id = a.district_id GROUP BY d.name_en ORDER BY count(*) DESC LIMIT 3")
        top = ", ".join(f"{n} {c:,}" for n, c in cursor.fetchall())
        cursor.execute("SELECT (SELECT count(*) FROM cases_member), (SELECT count(*) FROM reliefdesk_historyevent), "
                       "(SELECT count(*) FROM cases_payout), pg_size_pretty(pg_database_size(current_database()))")
        members, history, payouts, db_size = cursor.fetchone()
    print(f"{city.name}: {city.size:,} applications ({top}), {members:,} members, {history:,} history rows, "
          f"{payouts:,} payouts, {db_size}, ready in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
