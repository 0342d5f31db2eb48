"""Demo households: 老王 (朝阳 八里庄) and 贾超 (海淀 清河街道) from the seeds, and Shunyi's files.

Everything goes through the households services, so references, history
and dates are real: a story told in the past is told as of its day (the
services take ``today``; a file or batch made then is dated back to it, as
the review demo does). 老王 entered 低保 and the file in 2016 (illness in the
family, a child at school) and left both at his own request in March 2019;
贾超's wife fell ill with Hodgkin lymphoma in 2012, she recovered and he
asked to leave the file in 2017. About twenty Shunyi households are on file
at several stations — some 低保, some 低收入, pupils at several levels, some
due or overdue for their annual review — with a few more on their way and a
filing batch under public notice. Idempotent: each story's head is its marker.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.demo import DEMO_PDF, LAO_WANG_ID, demo_card, demo_id
from cases.models import Member
from cases.services import intake as members
from households.models import CivilStatus, FilingBatch, Household
from households.services import batches, filing, plan, review, roster
from reliefdesk.errors import DomainError
from reliefdesk.models import District, Employer, Station
from reliefdesk.scope import stations_visible_to

JIA_CHAO_ID = demo_id("110108", dt.date(1985, 4, 16), 51)  # 贾超, 32 in 2017, 海淀 清河街道
SHUNYI_FIRST_ID = demo_id("110113", dt.date(1970, 2, 3), 500)
NOTICE_BATCH = "建档第4批（公示中）"


def _users():
    names = ["liaison", "reviewer", "approver", "admin"]
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9)))


def _scan(name: str) -> SimpleUploadedFile:
    """A demo scan of its own per name (a PDF comment), since a file takes each document once."""
    return SimpleUploadedFile(name, DEMO_PDF.replace(b"trailer", f"% {name}\ntrailer".encode()),
                              content_type="application/pdf")


def _open(*, liaison, head, station, opened_on: dt.date, persons, submit: bool = True, **facts) -> Household:
    """个人申报: the file, its people, submitted (unless it stays a draft); dated back to ``opened_on``."""
    household = filing.household_create(actor=liaison, head=head, station=station, today=opened_on, **facts)
    Household.objects.filter(pk=household.pk).update(created_at=_at(opened_on))
    for person in persons:
        filing.household_person_add(actor=liaison, household=household, **person)
    if submit:
        filing.household_submit(actor=liaison, household=household)
        Household.objects.filter(pk=household.pk).update(submitted_at=_at(opened_on))
    household.refresh_from_db()
    return household


def _verify(*, reviewer, household: Household, visited_on: dt.date, findings: str, visitors: str) -> Household:
    """专人核实: taken, visited at home (with the scanned visit record), verified."""
    filing.household_take(actor=reviewer, household=household)
    filing.household_record_visit(actor=reviewer, household=household, visited_on=visited_on, visitors=visitors,
                                  findings=findings, files=[_scan(f"{household.reference}-入户调查.pdf")],
                                  today=visited_on)
    return filing.household_verify(actor=reviewer, household=household)


def _file(*, reviewer, approver, households, title: str, notice_start: dt.date, minutes: str,
          district: District | None = None) -> FilingBatch:
    """公开公示 and 会议审批: a batch noticed from ``notice_start``, filed at the meeting three days after."""
    batch = batches.filing_batch_create(actor=reviewer, title=title, district=district)
    batches.filing_batch_add_households(batch=batch, households=households, actor=reviewer)
    FilingBatch.objects.filter(pk=batch.pk).update(created_at=_at(notice_start - dt.timedelta(days=2)))
    batch = batches.filing_batch_start_notice(batch=batch, actor=reviewer, start=notice_start, today=notice_start)
    meeting = batch.notice_end + dt.timedelta(days=3)
    return batches.filing_batch_approve(batch=batch, actor=approver, meeting_date=meeting, minutes_reference=minutes,
                                        attendees="评审委员会委员、帮扶中心审核人员", today=meeting)


def _keep(*, reviewer, household: Household, visited_on: dt.date, findings: str) -> None:
    review.household_review_visit(actor=reviewer, household=household, visited_on=visited_on,
                                  visitors="帮扶中心审核人员、社区主任", findings=findings, decision="keep",
                                  today=visited_on)


# --- 老王, 朝阳 八里庄 ------------------------------------------------------------------

def _lao_wang(admin, stdout) -> None:
    wang = Member.objects.filter(id_number=LAO_WANG_ID).first()
    station = Station.objects.filter(district__code="CY", code="CY01").first()
    if wang is None or station is None:
        stdout.write("Households: 老王 or the 八里庄 station is missing (run the cases demo first); skipped.")
        return
    if Household.objects.filter(head=wang).exists():
        stdout.write("Households: 老王's file already there.")
        return
    household = _open(
        liaison=admin, head=wang, station=station, opened_on=dt.date(2016, 9, 5), monthly_income=Decimal("3200.00"),
        causes=["illness", "schooling"], civil_status=CivilStatus.DIBAO, civil_status_from=dt.date(2016, 7, 1),
        cause_note="岳母患癌症，妻子肾出血，母亲脑出血后需要照料，孩子读高中。",
        narrative="老王一人工作，岳母癌症、妻子肾出血、母亲脑出血后长期康复，孩子正读高中，家庭被纳入低保保障范畴。",
        persons=[
            {"relation": "spouse", "name": "王妻", "id_number": demo_id("110105", dt.date(1966, 3, 14), 42),
             "health": "serious", "health_note": "肾出血，长期康复治疗"},
            {"relation": "parent", "name": "王母", "id_number": demo_id("110105", dt.date(1938, 11, 30), 28),
             "health": "disabled", "health_note": "脑出血后遗症"},
            {"relation": "parent_in_law", "name": "李母", "id_number": demo_id("110105", dt.date(1940, 5, 21), 64),
             "health": "serious", "health_note": "癌症"},
            {"relation": "child", "name": "王小明", "id_number": demo_id("110105", dt.date(2001, 6, 8), 17),
             "school_level": "senior", "in_school": True},
        ])
    _verify(reviewer=admin, household=household, visited_on=dt.date(2016, 10, 12), visitors="朝阳区帮扶中心、八里庄街道工会",
            findings="一家五口，三人患病，住房狭小；孩子读高中，成绩良好。")
    _file(reviewer=admin, approver=admin, households=[household], title="2016年建档第3批", notice_start=dt.date(2016, 11, 7),
          minutes="朝工帮审〔2016〕12号", district=station.district)
    household.refresh_from_db()
    plan.plan_measure_add(actor=admin, household=household, heading="medical", planned="妻子康复治疗费用申请医疗救助",
                          responsible="八里庄街道工会", due_on=dt.date(2017, 3, 31))
    schooling = plan.plan_measure_add(actor=admin, household=household, heading="schooling",
                                      planned="孩子上大学后申请金秋助学，每学期2,200元", responsible="朝阳区帮扶中心",
                                      due_on=dt.date(2018, 10, 31))
    living = plan.plan_measure_add(actor=admin, household=household, heading="living",
                                   planned="元旦、春节、五一、十一节日慰问", responsible="朝阳区帮扶中心",
                                   due_on=dt.date(2017, 10, 8))
    plan.plan_measure_record_outcome(actor=admin, measure=living, status="done", done_on=dt.date(2017, 9, 28),
                                     outcome="国庆节慰问1,000元已送到", today=dt.date(2017, 9, 28))
    _keep(reviewer=admin, household=household, visited_on=dt.date(2017, 11, 20),
          findings="妻子仍在康复，母亲需人照料，孩子读高三。继续在档。")
    child = household.persons.get(name="王小明")
    filing.household_person_update(actor=admin, person=child, school_level="undergraduate", in_school=True)
    plan.plan_measure_record_outcome(actor=admin, measure=schooling, status="done", done_on=dt.date(2018, 10, 15),
                                     outcome="孩子考入大学，已纳入金秋助学，每学期2,200元", today=dt.date(2018, 10, 15))
    _keep(reviewer=admin, household=household, visited_on=dt.date(2018, 11, 6),
          findings="孩子已上大学，妻子康复情况好转，每年回款约1万元用于康复。继续在档。")
    roster.household_civil_status_change(actor=admin, household=household, civil_status=CivilStatus.DIBAO,
                                         civil_status_from=dt.date(2016, 7, 1), civil_status_to=dt.date(2019, 3, 31),
                                         reason="本人申请退出低保（2019年3月）。")
    review.household_leave(actor=admin, household=household, exit_reason="own_request", left_on=dt.date(2019, 3, 18),
                           exit_note="家庭情况好转，老王本人申请退出低保和困难职工档案。",
                           request_file=_scan("老王-退出申请.pdf"), today=dt.date(2019, 3, 18))
    stdout.write(f"Households: 老王 {household.reference} filed 2016, left at his own request in March 2019.")


# --- 贾超, 海淀 清河街道 -------------------------------------------------------------------

def _jia_chao(admin, stdout) -> None:
    station = Station.objects.filter(district__code="HD", code="HD02").first()
    if station is None:
        stdout.write("Households: the 清河街道 station is missing; 贾超 skipped.")
        return
    jia = Member.objects.filter(id_number=JIA_CHAO_ID).first()
    if jia is not None and Household.objects.filter(head=jia).exists():
        stdout.write("Households: 贾超's file already there.")
        return
    if jia is None:
        jia = members.member_register(actor=admin, id_number=JIA_CHAO_ID, name="贾超", station=station,
                                      phone="13681234567",
                                      employer=Employer.objects.filter(name="清河街道办事处").first(),
                                      card_number=demo_card("622202020000" + "850416"),
                                      bank_name="中国工商银行北京清河支行", member_since=dt.date(2008, 7, 1))
    household = _open(
        liaison=admin, head=jia, station=station, opened_on=dt.date(2013, 3, 4), monthly_income=Decimal("2600.00"),
        causes=["illness"], narrative="妻子2012年确诊霍奇金淋巴瘤，化疗费用高，贾超一人收入维持家庭。",
        persons=[{"relation": "spouse", "name": "贾妻", "id_number": demo_id("110108", dt.date(1986, 8, 9), 62),
                  "health": "serious", "health_note": "霍奇金淋巴瘤（2012年确诊）"}])
    _verify(reviewer=admin, household=household, visited_on=dt.date(2013, 3, 20), visitors="海淀区帮扶中心、清河街道工会",
            findings="妻子化疗中，无收入，家庭负债。")
    _file(reviewer=admin, approver=admin, households=[household], title="2013年建档第1批", notice_start=dt.date(2013, 4, 8),
          minutes="海工帮审〔2013〕4号", district=station.district)
    household.refresh_from_db()
    for year, findings in ((2014, "妻子仍在治疗，节日慰问已送到。"), (2015, "妻子病情稳定，复查中。"),
                           (2016, "妻子病情好转，尚需定期复查。")):
        _keep(reviewer=admin, household=household, visited_on=dt.date(year, 4, 15), findings=findings)
    review.household_leave(actor=admin, household=household, exit_reason="own_request", left_on=dt.date(2017, 5, 10),
                           exit_note="经过几年的治疗，妻子已痊愈，贾超本人申请退出困难职工档案。",
                           request_file=_scan("贾超-退出申请.pdf"), today=dt.date(2017, 5, 10))
    stdout.write(f"Households: 贾超 {household.reference} filed 2013, left at his own request in 2017.")


# --- Shunyi ----------------------------------------------------------------------------

SHUNYI_HEADS = [
    # name, station, causes, civil status, monthly income, people: (relation, name, school level or "", health)
    ("孙德胜", "SY01", ["illness"], "dibao", "1800", [("spouse", "孙妻", "", "serious"), ("child", "孙小雨", "primary", "healthy")]),
    ("周桂英", "SY01", ["schooling"], "low_income", "2600", [("child", "周明", "senior", "healthy"), ("child", "周亮", "junior", "healthy")]),
    ("吴志刚", "SY02", ["disability"], "dibao", "1500", [("spouse", "吴妻", "", "disabled")]),
    ("郑秀兰", "SY02", ["illness", "schooling"], "low_income", "2900", [("child", "郑浩", "undergraduate", "healthy")]),
    ("王建军", "SY03", ["unemployment"], "none", "1200", [("spouse", "王妻芳", "", "healthy"), ("child", "王乐", "preschool", "healthy")]),
    ("冯丽萍", "SY03", ["schooling"], "dibao", "1600", [("child", "冯小华", "college", "healthy")]),
    ("陈国栋", "SY01", ["illness"], "none", "3100", [("parent", "陈父", "", "serious")]),
    ("褚红梅", "SY02", ["disaster"], "low_income", "2200", [("spouse", "褚夫", "", "healthy"), ("child", "褚悦", "primary", "healthy")]),
    ("卫东升", "SY03", ["illness"], "dibao", "1300", [("spouse", "卫妻", "", "chronic")]),
    ("蒋春兰", "SY01", ["schooling"], "none", "2800", [("child", "蒋涛", "senior", "healthy")]),
    ("沈海军", "SY04", ["illness"], "dibao", "1700", [("spouse", "沈妻", "", "serious"), ("child", "沈琪", "junior", "healthy")]),
    ("韩玉珍", "SY04", ["other"], "low_income", "2500", []),
    ("杨永福", "SY07", ["disability", "illness"], "dibao", "1400", [("spouse", "杨妻", "", "disabled")]),
    ("朱卫华", "SY07", ["schooling"], "none", "2700", [("child", "朱琳", "undergraduate", "healthy"), ("child", "朱骏", "senior", "healthy")]),
    ("秦淑芬", "SY02", ["illness"], "low_income", "2100", [("parent_in_law", "秦婆婆", "", "serious")]),
    ("尤建华", "SY01", ["unemployment", "schooling"], "dibao", "1100", [("child", "尤佳", "junior", "healthy")]),
    ("许文斌", "SY03", ["illness"], "none", "3000", [("spouse", "许妻", "", "chronic")]),
    ("何丽娟", "SY02", ["schooling"], "low_income", "2300", [("child", "何晨", "postgraduate", "healthy")]),
    ("吕振华", "SY01", ["illness"], "dibao", "1500", [("spouse", "吕妻", "", "serious")]),
    ("施国强", "SY03", ["disaster"], "none", "2600", [("spouse", "施妻", "", "healthy")]),
    # Still on their way: two submitted, one in verification, one returned, one a draft; three under notice.
    ("张秀云", "SY01", ["illness"], "none", "2000", [("spouse", "张夫", "", "serious")]),
    ("孔繁荣", "SY02", ["schooling"], "low_income", "2400", [("child", "孔悦", "senior", "healthy")]),
    ("曹玉兰", "SY03", ["illness"], "dibao", "1600", []),
    ("严宏伟", "SY01", ["unemployment"], "none", "900", [("spouse", "严妻", "", "healthy")]),
    ("华桂芳", "SY02", ["illness", "schooling"], "none", "2100", [("child", "华宇", "primary", "healthy")]),
    ("金志明", "SY03", ["illness"], "dibao", "1400", [("spouse", "金妻", "", "serious")]),
    ("魏淑华", "SY01", ["schooling"], "low_income", "2500", [("child", "魏然", "college", "healthy")]),
    ("陶建国", "SY02", ["disability"], "dibao", "1300", []),
]
ON_FILE = 20
AGES = {"": (1958, 1985), "preschool": (2021, 2022), "primary": (2015, 2018), "junior": (2012, 2013),
        "senior": (2009, 2010), "college": (2006, 2007), "undergraduate": (2005, 2006), "postgraduate": (2001, 2002)}


def _shunyi_head(index: int, name: str, admin, station) -> Member:
    id_number = SHUNYI_FIRST_ID if index == 0 else demo_id("110113", dt.date(1965 + index % 20, 1 + index % 12,
                                                                              3 + index % 25), 500 + index)
    existing = Member.objects.filter(id_number=id_number).first()
    if existing is not None:
        return existing
    return members.member_register(actor=admin, id_number=id_number, name=name, station=station,
                                   phone=f"139{index:08d}"[:11],
                                   employer=Employer.objects.filter(district=station.district).order_by("id").first(),
                                   card_number=demo_card(f"62170000{index + 300:010d}"),
                                   bank_name="中国建设银行北京顺义支行", member_since=dt.date(2006, 5, 1))


def _people(index: int, people) -> list[dict]:
    out = []
    for number, (relation, name, level, health) in enumerate(people):
        first, last = AGES[level]
        birth = dt.date(first + (index + number) % (last - first + 1), 1 + (index * 3 + number) % 12, 5 + number)
        out.append({"relation": relation, "name": name, "id_number": demo_id("110113", birth, 600 + index * 4 + number),
                    "school_level": level, "in_school": bool(level), "health": health})
    return out


def _shunyi(users, stdout) -> None:
    if Member.objects.filter(id_number=SHUNYI_FIRST_ID, households__isnull=False).exists():
        stdout.write("Households: the Shunyi files already there.")
        return
    liaison, reviewer, approver, admin = (users[n] for n in ("liaison", "reviewer", "approver", "admin"))
    district = District.objects.filter(code="SY").first()
    if district is None:
        return
    stations = {s.code: s for s in Station.objects.filter(district=district)}
    today = timezone.localdate()
    liaison_stations = set(stations_visible_to(user=liaison).values_list("code", flat=True))
    # Filed in three batches: about two years ago, a year and a half ago, and a year ago.
    groups = [(0, 8, 730), (8, 14, 540), (14, ON_FILE, 380)]
    opened = []
    for index, (name, code, causes, civil, income, people) in enumerate(SHUNYI_HEADS):
        station = stations[code]
        head = _shunyi_head(index, name, admin, station)
        # A file is opened some weeks before its batch's notice; the newer ones in the last weeks.
        days_ago = next((days for first, last, days in groups if first <= index < last), 0)
        opened_on = today - dt.timedelta(days=days_ago + 40 - index % 5 if days_ago else 20 - index % 5)
        household = _open(
            liaison=liaison if code in liaison_stations else admin, head=head, station=station, opened_on=opened_on,
            monthly_income=Decimal(income), causes=causes, civil_status=civil,
            civil_status_from=(opened_on.replace(day=1) if civil != "none" else None),
            single_parent=index in (1, 5, 17), narrative=f"{name}家庭困难：{'、'.join(causes)}，申请建档帮扶。",
            persons=_people(index, people), submit=index != ON_FILE + 4)
        opened.append(household)

    for number, (first, last, days_ago) in enumerate(groups, start=1):
        households = opened[first:last]
        start = today - dt.timedelta(days=days_ago)
        title, minutes = f"{start.year}年建档第{number}批", f"顺工帮审〔{start.year}〕{number * 3}号"
        for household in households:
            _verify(reviewer=reviewer, household=household, visited_on=start - dt.timedelta(days=7),
                    visitors="王审核、服务站联络人", findings="经入户调查，家庭收入低于标准，情况属实。")
        try:
            _file(reviewer=reviewer, approver=approver, households=households, title=title, notice_start=start,
                  minutes=minutes)
        except DomainError as exc:
            stdout.write(f"Households: {title} not filed ({exc.message}).")
    # The first batch's files had their first annual review (some late, the next one due soon); the others wait.
    for number, household in enumerate(opened[0:6]):
        household.refresh_from_db()
        if household.status != Household.Status.ON_FILE:
            continue
        visited = household.next_review_due + dt.timedelta(days=5 + 9 * number)
        _keep(reviewer=reviewer, household=household, visited_on=min(visited, today),
              findings="全面复核：家庭情况无明显好转，继续在档帮扶。")
    for household in opened[0:3]:
        household.refresh_from_db()
        if household.status == Household.Status.ON_FILE:
            plan.plan_measure_add(actor=reviewer, household=household, heading="employment",
                                  planned="推荐参加职业技能培训，并对接用工单位", responsible="王审核",
                                  due_on=today - dt.timedelta(days=20))
            plan.plan_measure_add(actor=liaison, household=household, heading="living",
                                  planned="春节送温暖慰问", responsible="刘联络", due_on=today + dt.timedelta(days=60))

    # On their way to the file.
    waiting = opened[ON_FILE:]
    notice_households = waiting[5:8]
    for household in notice_households:
        _verify(reviewer=reviewer, household=household, visited_on=today - dt.timedelta(days=3),
                visitors="王审核、服务站联络人", findings="经入户调查，情况属实。")
    batch = batches.filing_batch_create(actor=reviewer, title=NOTICE_BATCH)
    batches.filing_batch_add_households(batch=batch, households=notice_households, actor=reviewer)
    try:
        batches.filing_batch_start_notice(batch=batch, actor=reviewer, start=today)
    except DomainError as exc:
        stdout.write(f"Households: {NOTICE_BATCH} left in draft ({exc.message}).")
    filing.household_take(actor=reviewer, household=waiting[2])
    filing.household_take(actor=reviewer, household=waiting[3])
    filing.household_return(actor=reviewer, household=waiting[3], reason="请补充家庭成员收入证明。")
    due = Household.objects.filter(district=district, status=Household.Status.ON_FILE,
                                   next_review_due__lte=today + dt.timedelta(days=30)).count()
    stdout.write(f"Households: {Household.objects.filter(district=district, status='on_file').count()} Shunyi "
                 f"households on file ({due} due for review within 30 days), {len(waiting)} on their way.")


def seed(stdout) -> None:
    users = _users()
    if len(users) < 4:
        stdout.write("Households: demo users missing (run reliefdesk.demo first); nothing added.")
        return
    _lao_wang(users["admin"], stdout)
    _jia_chao(users["admin"], stdout)
    _shunyi(users, stdout)
