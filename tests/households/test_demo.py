"""The demo households: 老王 and 贾超 of the seeds, enough Shunyi files for the lists, and their cycles."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cases import demo as cases_demo
from cases.models import Member
from funds import demo as funds_demo
from households import demo, demo_cycles
from households.models import Cycle, CycleLine, FilingBatch, Household, HouseholdDocument
from households.payments import household_payments
from payouts.models import Payout, PayoutSheet
from reliefdesk import demo as org_demo
from reliefdesk.history import history_for

pytestmark = pytest.mark.django_db

S = Household.Status


def seed_all() -> str:
    out = io.StringIO()
    for loader in (org_demo.seed, funds_demo.seed, cases_demo.seed, demo.seed, demo_cycles.seed):
        loader(out)
    return out.getvalue()


def test_the_demo_tells_lao_wang_jia_chao_and_shunyi():
    """One seeding (it takes a while) for the three stories."""
    seed_all()
    lao_wang_was_on_file_with_dibao_and_left_both_at_his_own_request_in_march_2019()
    jia_chao_of_qinghe_left_the_file_at_his_own_request_in_2017()
    shunyi_has_files_on_file_at_several_stations_some_due_for_review_and_a_batch_under_notice()
    shunyi_pays_its_living_subsidy_monthly_and_lao_wang_and_jia_chao_were_paid_before_they_left()


def lao_wang_was_on_file_with_dibao_and_left_both_at_his_own_request_in_march_2019():
    wang = Household.objects.get(head__id_number=cases_demo.LAO_WANG_ID)
    assert (wang.station.name, wang.district.code) == ("八里庄街道工会服务站", "CY")
    assert wang.causes == ["illness", "schooling"]
    assert (wang.civil_status, wang.civil_status_from, wang.civil_status_to) == (
        "dibao", dt.date(2016, 7, 1), dt.date(2019, 3, 31))
    assert (wang.status, wang.exit_reason, wang.left_on.replace(day=1)) == (S.LEFT, "own_request", dt.date(2019, 3, 1))
    assert wang.documents.filter(kind=HouseholdDocument.Kind.EXIT_REQUEST).count() == 1
    assert sorted(wang.persons.values_list("relation", flat=True)) == ["child", "parent", "parent_in_law", "spouse"]
    assert wang.persons.get(relation="child").school_level == "undergraduate"
    assert wang.visits.filter(purpose="annual", decision="keep").count() == 2
    assert [e.action for e in history_for(wang)][-1] == "household.left"


def jia_chao_of_qinghe_left_the_file_at_his_own_request_in_2017():
    jia = Household.objects.get(head__name="贾超")
    assert (jia.station.name, jia.exit_reason, jia.left_on.year) == ("清河街道工会服务站", "own_request", 2017)
    assert jia.head.birth_date.year == 1985  # 32 in 2017
    assert "霍奇金淋巴瘤" in jia.persons.get().health_note


def shunyi_has_files_on_file_at_several_stations_some_due_for_review_and_a_batch_under_notice():
    today = timezone.localdate()
    on_file = Household.objects.filter(district__code="SY", status=S.ON_FILE)
    assert 15 <= on_file.count() <= 25
    assert on_file.values("station").distinct().count() >= 4
    assert {"dibao", "low_income", "none"} <= set(on_file.values_list("civil_status", flat=True))
    assert on_file.filter(next_review_due__lt=today).exists()
    assert on_file.filter(next_review_due__gte=today, next_review_due__lte=today + dt.timedelta(days=30)).exists()
    levels = set(on_file.filter(persons__in_school=True).values_list("persons__school_level", flat=True))
    assert {"primary", "junior", "senior", "undergraduate"} <= levels
    assert all(h.head.card_number for h in on_file)  # a month's living subsidy can be paid to them
    notice = FilingBatch.objects.get(title=demo.NOTICE_BATCH)
    assert notice.status == FilingBatch.Status.PUBLIC_NOTICE and notice.households.count() == 3
    waiting = set(Household.objects.filter(district__code="SY").exclude(status__in=[S.ON_FILE, S.IN_BATCH])
                  .values_list("status", flat=True))
    assert waiting == {S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.RETURNED}


def shunyi_pays_its_living_subsidy_monthly_and_lao_wang_and_jia_chao_were_paid_before_they_left():
    today = timezone.localdate()
    cycles = list(Cycle.objects.filter(programme__code="sy-living").order_by("cycle_date"))
    assert [c.status for c in cycles] == [Cycle.Status.PAID, Cycle.Status.APPROVED, Cycle.Status.GENERATED]
    assert cycles[-1].cycle_date == today.replace(day=1)
    assert cycles[-1].title == f"{today.year}年{today.month}月生活补贴"
    # 1 × the monthly 低保标准 in force (1,420 from 2024) to each 低保 or 低收入 household on file.
    on_file = Household.objects.filter(district__code="SY", status=S.ON_FILE,
                                       civil_status__in=["dibao", "low_income"]).count()
    assert cycles[0].line_count == on_file and cycles[0].total == Decimal("1420.00") * on_file
    assert set(CycleLine.objects.filter(cycle__in=cycles).values_list("amount", flat=True)) == {Decimal("1420.00")}
    assert cycles[0].left_out_count == Household.objects.filter(district__code="SY", status=S.ON_FILE,
                                                                 civil_status="none").count()
    assert CycleLine.objects.get(cycle=cycles[-1], removed=True).removed_reason == demo_cycles.REMOVED_REASON
    exported = PayoutSheet.objects.filter(lines__payout__source="cycle_line", lines__released=False,
                                          lines__payout__source_id__in=cycles[1].lines.values("id")).distinct().get()
    assert exported.status == PayoutSheet.Status.EXPORTED
    assert exported.row_count == cycles[1].line_count
    admin = get_user_model().objects.get(username="admin")
    wang = Household.objects.get(head__id_number=cases_demo.LAO_WANG_ID)
    paid = [(p.description, p.amount, p.day) for p in household_payments(household=wang, user=admin).lines if p.paid]
    assert sorted((d, a) for d, a, _day in paid) == [("2017年国庆节日慰问", Decimal("1000.00")),
                                                       ("2018年秋季学期金秋助学", Decimal("2200.00"))]
    assert all(day < wang.left_on for _d, _a, day in paid)
    jia = Household.objects.get(head__name="贾超")
    paid = [p for p in household_payments(household=jia, user=admin).lines if p.paid]
    assert [(p.description, p.amount) for p in paid] == [("2016年春节送温暖", Decimal("1000.00")),
                                                         ("2015年春节送温暖", Decimal("1000.00"))]
    assert Payout.objects.filter(source="cycle_line", status="paid", ledger_entry__isnull=True).count() == 0


def test_the_demo_is_idempotent():
    seed_all()
    counts = (Household.objects.count(), Member.objects.count(), FilingBatch.objects.count(), Cycle.objects.count(),
              Payout.objects.count())
    second = seed_all()
    assert (Household.objects.count(), Member.objects.count(), FilingBatch.objects.count(), Cycle.objects.count(),
            Payout.objects.count()) == counts
    assert "already there" in second
