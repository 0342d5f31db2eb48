"""The city fund (市总工会, no district) is held at city level and drawn on through per-district allocations.

The trust walk found it offered to every liaison while its cases could be verified but never batched, and
every district's finance could book adjustments on it and reverse another district's.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cases.forms.batches import BatchCreateForm
from cases.forms.intake import FactsForm
from cases.models import Application, Batch
from cases.services import batches
from funds import ledger
from funds.errors import LedgerRefused
from funds.models import LedgerEntry
from funds.selectors import CITY_LEVEL, city_level_balance, fund_position
from payouts.models import Payout
from payouts.services import payout_mark_paid, payout_sheet_create, payout_sheet_export
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from reports.periods import Period
from reports.selectors import balance_over_time
from tests import factories as f

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2022, 3, 7)
AFTER_NOTICE = dt.date(2022, 3, 14)
TODAY = dt.date(2022, 3, 14)


@pytest.fixture
def city(shunyi, daxing, medical):
    fund = f.FundFactory(slug="city", name="市总工会困难职工帮扶", district=None)
    f.LedgerEntryFactory(fund=fund, amount=Decimal("1000000.00"))  # the city level's opening balance
    f.shunyi_2022_rules(fund=fund, category=medical)
    return fund


@pytest.fixture
def allocated(city, shunyi, daxing, admin_user):
    ledger.fund_allocate(fund=city, district=shunyi, amount=Decimal("20000"), booked_on=dt.date(2022, 1, 5),
                         reason="2022年度划拨", actor=admin_user)
    ledger.fund_allocate(fund=city, district=daxing, amount=Decimal("50000"), booked_on=dt.date(2022, 1, 5),
                         reason="2022年度划拨", actor=admin_user)
    return city


def test_an_allocation_moves_money_from_the_city_level_to_the_districts_part(allocated, shunyi, daxing):
    assert city_level_balance(fund=allocated) == Decimal("930000.00")
    assert fund_position(fund=allocated, district=shunyi).balance == Decimal("20000.00")
    assert fund_position(fund=allocated, district=daxing).balance == Decimal("50000.00")
    assert fund_position(fund=allocated).balance == Decimal("1000000.00")
    event = history_for(allocated).filter(action="fund.allocated").first()
    assert event.data["district"] == "SY" and event.reason == "2022年度划拨"


def test_an_allocation_beyond_the_city_level_or_the_districts_available_part_is_refused(allocated, shunyi,
                                                                                       admin_user):
    with pytest.raises(LedgerRefused) as excinfo:
        ledger.fund_allocate(fund=allocated, district=shunyi, amount=Decimal("940000"), booked_on=TODAY,
                             reason="x", actor=admin_user)
    assert excinfo.value.field == "amount" and "10,000.00" in excinfo.value.message
    with pytest.raises(LedgerRefused):
        ledger.fund_allocate(fund=allocated, district=shunyi, amount=Decimal("-20000.01"), booked_on=TODAY,
                             reason="收回", actor=admin_user)
    ledger.fund_allocate(fund=allocated, district=shunyi, amount=Decimal("-5000"), booked_on=TODAY, reason="收回",
                         actor=admin_user)
    assert fund_position(fund=allocated, district=shunyi).balance == Decimal("15000.00")


def test_only_an_administrator_allocates(allocated, shunyi, finance):
    with pytest.raises(PermissionDenied):
        ledger.fund_allocate(fund=allocated, district=shunyi, amount=Decimal("1"), booked_on=TODAY, reason="x",
                             actor=finance)


def test_district_finance_sees_and_books_only_its_districts_part(client, allocated, finance, shunyi, daxing):
    client.force_login(finance)
    response = client.get(reverse("funds:fund-detail", args=[allocated.slug]))
    assert response.context["position"].balance == Decimal("20000.00")
    entries = list(response.context["page_obj"].object_list)
    assert [(e.district_id, e.amount) for e in entries] == [(shunyi.pk, Decimal("20000.00"))]
    client.post(reverse("funds:fund-adjust", args=[allocated.slug]),
                {"amount": "-300", "booked_on": "2022-02-01", "reason": "更正"})
    adjustment = LedgerEntry.objects.get(fund=allocated, kind=LedgerEntry.Kind.ADJUSTMENT)
    assert adjustment.district == shunyi
    assert fund_position(fund=allocated, district=daxing).balance == Decimal("50000.00")
    with pytest.raises(Http404):
        ledger.ledger_post_adjustment(fund=allocated, district=daxing, amount=Decimal("1"), reason="x",
                                      actor=finance, booked_on=TODAY)


def test_district_finance_cannot_reverse_another_districts_entry_nor_the_city_levels(client, allocated, finance,
                                                                                    daxing_finance):
    own = ledger.ledger_post_adjustment(fund=allocated, amount=Decimal("100"), reason="x", actor=daxing_finance,
                                        booked_on=TODAY)
    opening = LedgerEntry.objects.get(fund=allocated, kind=LedgerEntry.Kind.OPENING)
    client.force_login(finance)
    for entry in (own, opening):
        response = client.post(reverse("funds:entry-reverse", args=[allocated.slug, entry.pk]), {"reason": "冲销"})
        assert response.status_code == 404
        with pytest.raises(Http404):
            ledger.ledger_reverse_entry(entry=entry, actor=finance, reason="冲销")
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVERSAL).exists()
    ledger.ledger_reverse_entry(entry=own, actor=daxing_finance, reason="冲销")
    assert LedgerEntry.objects.get(kind=LedgerEntry.Kind.REVERSAL).district_id == own.district_id


def test_the_administrator_sees_every_part_and_the_whole_fund(client, allocated, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("funds:fund-detail", args=[allocated.slug]))
    assert response.context["position"].balance == Decimal("1000000.00")
    parts = {(p.district.code if p.district else None): p.position.balance for p in response.context["parts"]}
    assert parts == {None: Decimal("930000.00"), "SY": Decimal("20000.00"), "DX": Decimal("50000.00")}
    response = client.get(reverse("funds:fund-detail", args=[allocated.slug]), {"part": CITY_LEVEL})
    assert response.context["position"].balance == Decimal("930000.00")
    response = client.post(reverse("funds:fund-allocate", args=[allocated.slug]), {
        "district": "", "amount": "1000", "booked_on": "2022-02-01", "reason": "x"})
    assert response.status_code == 400 and "district" in response.context["allocate_form"].errors


# --- cases of the city fund go all the way ----------------------------------------------------------------

@pytest.fixture
def city_cases(allocated, station1, reviewer):
    return [f.reviewed_application(station=station1, fund=allocated, category=allocated.rule_sets.get().category,
                                   estimate_rule_set=allocated.rule_sets.get(), proposed_amount=amount)
            for amount in (Decimal("12400.00"), Decimal("12400.00"))]


def _noticed_batch(fund, reviewer, cases):
    batch = batches.batch_create(actor=reviewer, fund=fund, title="2022年市级第1批")
    Batch.objects.filter(pk=batch.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(dt.date(2022, 3, 4), dt.time(9))))
    batches.batch_add_applications(batch=batch, applications=cases, actor=reviewer)
    return batches.batch_start_notice(batch=batch, actor=reviewer, start=MONDAY, today=MONDAY)


def test_a_reviewer_may_batch_the_city_fund_and_the_batch_is_his_districts(reviewer, allocated):
    assert allocated in BatchCreateForm(user=reviewer).fields["fund"].queryset
    batch = batches.batch_create(actor=reviewer, fund=allocated, title="2022年市级第1批")
    assert batch.district.code == "SY"


def test_approval_checks_the_districts_allocation_and_names_the_shortfall(city_cases, reviewer, approver,
                                                                          admin_user, shunyi):
    batch = _noticed_batch(city_cases[0].fund, reviewer, city_cases)
    with pytest.raises(DomainError) as excinfo:
        batches.batch_approve(batch=batch, actor=approver, meeting_date=AFTER_NOTICE, minutes_reference="x",
                              attendees="y", today=AFTER_NOTICE)
    assert excinfo.value.code == "shortfall"
    assert "顺义" in excinfo.value.message and "4,800.00" in excinfo.value.message
    assert Application.objects.filter(status="approved").count() == 0
    ledger.fund_allocate(fund=batch.fund, district=shunyi, amount=Decimal("4800"), booked_on=TODAY,
                         reason="追加", actor=admin_user)
    batches.batch_approve(batch=batch, actor=approver, meeting_date=AFTER_NOTICE, minutes_reference="x",
                          attendees="y", today=AFTER_NOTICE)
    assert Payout.objects.filter(batch=batch, district=shunyi).count() == 2
    assert fund_position(fund=batch.fund, district=shunyi).available == Decimal("0.00")


def test_a_city_fund_payout_is_sheeted_and_paid_from_the_districts_part(city_cases, reviewer, approver, finance,
                                                                        admin_user, shunyi, daxing, tmp_path,
                                                                        frozen_today):
    ledger.fund_allocate(fund=city_cases[0].fund, district=shunyi, amount=Decimal("4800"), booked_on=TODAY,
                         reason="追加", actor=admin_user)
    batch = _noticed_batch(city_cases[0].fund, reviewer, city_cases)
    batches.batch_approve(batch=batch, actor=approver, meeting_date=AFTER_NOTICE, minutes_reference="x",
                          attendees="y", today=AFTER_NOTICE)
    payouts = list(Payout.objects.filter(batch=batch))
    sheet = payout_sheet_create(actor=finance, fund=batch.fund, payouts=payouts)
    assert sheet.district == shunyi and sheet.number.startswith("SY-BF-")
    payout_sheet_export(sheet=sheet, actor=finance, path=tmp_path / "sheet.xlsx")
    frozen_today(dt.date(2022, 3, 20))
    payout_mark_paid(payouts=payouts, actor=finance, paid_on=dt.date(2022, 3, 20), bank_reference="B1")
    debits = LedgerEntry.objects.filter(fund=batch.fund, kind=LedgerEntry.Kind.PAYOUT)
    assert {entry.district_id for entry in debits} == {shunyi.pk}
    assert fund_position(fund=batch.fund, district=shunyi).balance == Decimal("0.00")
    assert fund_position(fund=batch.fund, district=daxing).balance == Decimal("50000.00")


def test_another_districts_case_cannot_join_a_city_batch(allocated, admin_user, daxing_station, station1):
    rule_set = allocated.rule_sets.get()
    daxing_case = f.reviewed_application(station=daxing_station, fund=allocated, category=rule_set.category,
                                         estimate_rule_set=rule_set)
    batch = batches.batch_create(actor=admin_user, fund=allocated, title="顺义批", district=station1.district)
    with pytest.raises(DomainError):
        batches.batch_add_applications(batch=batch, applications=[daxing_case], actor=admin_user)
    daxing_case.refresh_from_db()
    assert daxing_case.status == "verified"


def test_every_districts_liaison_is_offered_the_city_fund(allocated, liaison1, daxing_station, station1):
    for station in (station1, daxing_station):
        draft = f.ApplicationFactory(station=station, fund=allocated)
        assert allocated in FactsForm(application=draft, initial={"fund": allocated}).fields["fund"].queryset


def test_the_database_refuses_a_city_fund_debit_without_a_district_and_an_allocation_of_a_district_fund(
        allocated, shunyi_fund):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO funds_ledgerentry (fund_id, kind, amount, booked_on, description, reason, "
                       "created_at) VALUES (%s, 'payout', -1, '2022-03-01', '', '', now())", [allocated.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("INSERT INTO funds_ledgerentry (fund_id, kind, amount, booked_on, description, reason, "
                       "created_at) VALUES (%s, 'allocation', 1, '2022-03-01', '', '', now())", [shunyi_fund.pk])


def test_the_dashboards_balance_of_the_city_fund_is_the_districts_part(allocated, finance):
    series = {s.fund_name: s for s in balance_over_time(finance, Period.year(2022), fund=allocated)}
    assert series[allocated.name].months[-1][2] == Decimal("20000.00")
