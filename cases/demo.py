"""Demo intake: the members of the seeds and a few dozen Shunyi applications.

Everything goes through the intake services, so references, estimates and
history are real. Later states (review, batches, payouts) are added by
their own demo modules. Idempotent: the members' ID numbers are the marker.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cases.models import Application, FamilyMember, Member
from cases.services import intake as svc
from cases.validators import id_check_char, luhn_complete
from cases.services.review import application_return
from funds.models import AidCategory, Fund
from reliefdesk.errors import DomainError
from reliefdesk.models import Employer, Station


def demo_id(area: str, birth: dt.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def demo_card(partial: str) -> str:
    return luhn_complete(partial)


# The smallest PDF a viewer opens: demo documents only.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")

SHI_ID = demo_id("110115", dt.date(1971, 4, 18), 26)  # 时某, 47 in 2018, a teacher in 大兴
LAO_WANG_ID = demo_id("110105", dt.date(1964, 9, 2), 35)  # 老王, 55 in 2019, 朝阳 八里庄

SHUNYI_NAMES = [
    "张建国", "李秀英", "王志强", "刘桂兰", "陈永刚", "杨淑珍", "赵德明", "黄玉梅", "周海涛", "吴春燕",
    "徐立新", "孙丽华", "马宏伟", "朱凤霞", "胡建军", "郭秀兰", "何振华", "高桂芳", "林晓东", "罗美玲",
    "郑国庆", "梁秀珍", "谢文斌", "宋红梅", "唐志刚", "韩淑华", "冯建平", "于秀云", "董卫东", "萧玉兰",
    "程建华", "曹丽娟", "袁志勇", "邓春梅", "许国强", "傅秀荣",
]

# (self-paid cost shape, state): total, reimbursed, other aid; drafts, submitted, returned, withdrawn.
STATES = ["submitted"] * 18 + ["draft"] * 8 + ["returned"] * 6 + ["withdrawn"] * 4
RETURN_REASONS = ["医保结算单缺少医院盖章，请补充原件扫描件。", "发票金额与费用清单不一致，请核对后重新上传。",
                  "诊断证明已过期，请提供近三个月内的诊断证明。"]
WITHDRAW_REASONS = ["职工本人放弃申请。", "已获单位全额补助，无需本基金救助。"]


def _users():
    User = get_user_model()
    return {u.username: u for u in User.objects.filter(username__in=["liaison", "reviewer", "dx_liaison"])}


def _pdf(name: str) -> SimpleUploadedFile:
    """A demo scan of its own per name (a PDF comment), since a case takes each file only once."""
    return SimpleUploadedFile(name, DEMO_PDF.replace(b"trailer", f"% {name}\ntrailer".encode()),
                              content_type="application/pdf")


def _seed_people(users) -> tuple[Member | None, Member | None]:
    liaison = users.get("liaison")
    dx_liaison = users.get("dx_liaison")
    shi = Member.objects.filter(id_number=SHI_ID).first()
    if shi is None and dx_liaison:
        shi = svc.member_register(actor=dx_liaison, id_number=SHI_ID, name="时某", phone="13601012345",
                                  employer=Employer.objects.filter(name="大兴区第三中学").first(),
                                  card_number=demo_card("621700000180" + "123456"), bank_name="中国建设银行北京大兴支行",
                                  member_since=dt.date(1998, 9, 1))
    wang = Member.objects.filter(id_number=LAO_WANG_ID).first()
    if wang is None and liaison:
        wang = svc.member_register(actor=liaison, id_number=LAO_WANG_ID, name="老王", phone="13911234567",
                                   station=Station.objects.filter(district__code="SY", code="SY01").first(),
                                   employer=Employer.objects.filter(name="八里庄街道社区服务中心").first(),
                                   card_number=demo_card("622202020000" + "550902"), bank_name="中国工商银行北京八里庄支行",
                                   member_since=dt.date(1990, 7, 1))
        for relation, name, birth, seq in [
            (FamilyMember.Relation.SPOUSE, "王妻", dt.date(1966, 3, 14), 42),
            (FamilyMember.Relation.PARENT, "王母", dt.date(1938, 11, 30), 28),
            (FamilyMember.Relation.CHILD, "王小明", dt.date(2001, 6, 8), 17),
        ]:
            svc.family_member_add(actor=liaison, member=wang, relation=relation, name=name,
                                  id_number=demo_id("110105", birth, seq))
    return shi, wang


def seed(stdout) -> None:
    users = _users()
    liaison, reviewer = users.get("liaison"), users.get("reviewer")
    if liaison is None or reviewer is None:
        stdout.write("Intake: demo users missing (run reliefdesk.demo first); nothing added.")
        return
    shi, _wang = _seed_people(users)
    first_id = demo_id("110113", dt.date(1968, 1, 1), 100)
    if Member.objects.filter(id_number=first_id).exists():
        stdout.write(f"Intake: demo applications already present ({Application.objects.count()} applications).")
        return

    fund = Fund.objects.get(slug="shunyi")
    medical = AidCategory.objects.get(code="medical")
    stations = list(Station.objects.filter(district__code="SY", code__in=["SY01", "SY02", "SY03"]).order_by("code"))
    employers = list(Employer.objects.filter(district__code="SY"))
    counts: dict[str, int] = {}
    not_submitted = 0

    for index, (name, state) in enumerate(zip(SHUNYI_NAMES, STATES)):
        with transaction.atomic():
            birth = dt.date(1965 + index % 25, 1 + index % 12, 1 + index % 27)
            member = svc.member_register(
                actor=liaison, id_number=first_id if index == 0 else demo_id("110113", birth, 100 + index),
                name=name, station=stations[index % len(stations)], phone=f"13{index % 7 + 3}{index:08d}"[:11],
                employer=employers[index % len(employers)] if employers else None,
                card_number=demo_card(f"62220202{index:010d}"), bank_name="中国农业银行北京顺义支行",
                member_since=dt.date(2005 + index % 10, 3, 1),
            )
            total = Decimal(40000 + (index * 7919) % 160000)
            reimbursed = (total * Decimal("0.35")).quantize(Decimal("1"))
            other = Decimal(2000 if index % 5 == 0 else 0)
            case = svc.application_create(
                actor=liaison, member=member, station=stations[index % len(stations)], fund=fund, category=medical,
                event_date=dt.date(2022, 1, 5) + dt.timedelta(days=(index * 3) % 80),
                total_cost=total, reimbursed=reimbursed, other_aid=other,
                narrative=f"{name}因病住院治疗，医疗费用较高，家庭生活困难，申请大病医疗救助。",
            )
            if state != "draft" or index % 2 == 0:
                for kind in medical.required_documents:
                    svc.document_add(actor=liaison, application=case, kind=kind, uploaded_file=_pdf(f"{kind}.pdf"))
                svc.invoice_numbers_set(actor=liaison, application=case,
                                        numbers=[f"1100{index:04d}{n:04d}" for n in range(1, 3)])
            if state in ("submitted", "returned"):
                try:
                    svc.application_submit(actor=liaison, application=case)
                except DomainError:
                    not_submitted += 1
                    state = "draft"
            if state == "returned":
                application_return(application=case, actor=reviewer,
                                   reason=RETURN_REASONS[index % len(RETURN_REASONS)])
            if state == "withdrawn":
                svc.application_withdraw(actor=liaison, application=case,
                                         reason=WITHDRAW_REASONS[index % len(WITHDRAW_REASONS)])
            counts[state] = counts.get(state, 0) + 1

    if shi is not None and users.get("dx_liaison"):
        dx_fund = Fund.objects.filter(slug="daxing").first()
        dx_station = Station.objects.filter(district__code="DX", code="DX01").first()
        if dx_fund and dx_station:
            svc.application_create(actor=users["dx_liaison"], member=shi, station=dx_station, fund=dx_fund,
                                   category=medical, event_date=dt.date(2018, 6, 20),
                                   total_cost=Decimal("710000"), reimbursed=Decimal("420000"),
                                   narrative="2018年查出脑瘤，医疗费用逾71万元，负债15万元。")
            counts["draft"] = counts.get("draft", 0) + 1

    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    stdout.write(f"Intake: {sum(counts.values())} applications ({summary}).")
    if not_submitted:
        stdout.write(f"Intake: {not_submitted} stayed drafts because no rule set was in force for them.")
