"""Demo funds and aid categories (DOMAIN.md "Funds and programmes")."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from funds.ledger import ledger_post_allocation, ledger_post_opening_balance
from funds.models import (
    AidCategory,
    Disease,
    Fund,
    LedgerEntry,
    Parameter,
    ParameterValue,
    Programme,
    RuleSet,
    Tier,
)
from funds.selectors import rule_set_is_used
from reliefdesk.models import District

CATEGORIES = [
    # code, Chinese, English, required documents, verification checklist
    ("medical", "大病医疗救助", "Serious-illness medical aid",
     ["diagnosis", "invoice", "insurance", "id_copy", "card_copy", "form"],
     ["documents_seen", "membership_confirmed", "amounts_match", "disease_covered"]),
    ("emergency", "突发事件及意外灾害救助", "Sudden events and disasters",
     ["accident", "id_copy", "card_copy", "form"],
     ["documents_seen", "membership_confirmed", "home_visit", "loss_assessed"]),
    ("accident", "非工伤意外救助", "Non-work accident aid",
     ["accident", "id_copy", "card_copy", "form"],
     ["documents_seen", "membership_confirmed", "home_visit"]),
    ("education", "助学", "Education aid",
     ["id_copy", "card_copy", "form", "other"],
     ["documents_seen", "membership_confirmed", "civil_affairs_check"]),
    ("living", "生活救助", "Living subsidy",
     ["id_copy", "card_copy", "form"],
     ["documents_seen", "membership_confirmed", "home_visit", "civil_affairs_check"]),
    ("comfort", "抚慰金", "Comfort payment",
     ["id_copy", "card_copy", "form", "other"],
     ["documents_seen", "membership_confirmed"]),
]

FUNDS = [
    ("shunyi", "北京市温暖基金会（顺义区）职工专项温暖基金", "SY", dt.date(2017, 1, 1)),
    ("daxing", "大兴区职工应急救助专项温暖基金", "DX", dt.date(2013, 12, 1)),
    ("chaoyang", "朝阳区职工抚慰金", "CY", dt.date(2013, 1, 1)),
    ("pinggu", "平谷区职工非工伤意外救助", "PG", None),
    ("city", "市总工会困难职工帮扶", None, dt.date(2018, 1, 1)),
]


def seed_funds() -> None:
    for order, (code, name, name_en, documents, checklist) in enumerate(CATEGORIES):
        AidCategory.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "required_documents": documents, "checklist": checklist,
                      "sort_order": order},
        )
    for slug, name, district_code, founded in FUNDS:
        district = District.objects.get(code=district_code) if district_code else None
        fund, created = Fund.objects.update_or_create(slug=slug, defaults={"name": name, "district": district,
                                                                           "founded_on": founded})
        if created:
            # An exception amount may be at most twice the most the rule gives a case (an administrator's choice).
            Fund.objects.filter(pk=fund.pk).update(exception_cap_multiple=D("2"))


# The 28 serious diseases of the Insurance Association of China's 2020 standard definitions
# (中国保险行业协会《重大疾病保险的疾病定义使用规范（2020年修订版）》), then those named in the seeds.
IAC_2020 = "中国保险行业协会《重大疾病保险的疾病定义使用规范（2020年修订版）》"
SEEDS = "DOMAIN.md / 北京工会报道"
DISEASES = [
    ("malignant-tumour-severe", "恶性肿瘤——重度", "Severe malignant tumour", IAC_2020),
    ("acute-myocardial-infarction", "较重急性心肌梗死", "Severe acute myocardial infarction", IAC_2020),
    ("stroke-sequelae", "严重脑中风后遗症", "Severe stroke sequelae", IAC_2020),
    ("organ-transplant", "重大器官移植术或造血干细胞移植术", "Major organ or haematopoietic stem cell transplant",
     IAC_2020),
    ("coronary-bypass", "冠状动脉搭桥术", "Coronary artery bypass surgery", IAC_2020),
    ("chronic-renal-failure", "严重慢性肾衰竭", "Severe chronic renal failure", IAC_2020),
    ("loss-of-limbs", "多个肢体缺失", "Loss of multiple limbs", IAC_2020),
    ("fulminant-hepatitis", "急性重症肝炎或亚急性重症肝炎", "Acute or subacute fulminant hepatitis", IAC_2020),
    ("benign-brain-tumour", "严重非恶性颅内肿瘤", "Severe benign intracranial tumour", IAC_2020),
    ("chronic-liver-failure", "严重慢性肝衰竭", "Severe chronic liver failure", IAC_2020),
    ("encephalitis-sequelae", "严重脑炎后遗症或严重脑膜炎后遗症", "Severe encephalitis or meningitis sequelae",
     IAC_2020),
    ("deep-coma", "深度昏迷", "Deep coma", IAC_2020),
    ("deafness", "双耳失聪", "Deafness in both ears", IAC_2020),
    ("blindness", "双目失明", "Blindness in both eyes", IAC_2020),
    ("paralysis", "瘫痪", "Paralysis", IAC_2020),
    ("heart-valve-surgery", "心脏瓣膜手术", "Heart valve surgery", IAC_2020),
    ("alzheimers", "严重阿尔茨海默病", "Severe Alzheimer's disease", IAC_2020),
    ("brain-injury", "严重脑损伤", "Severe brain injury", IAC_2020),
    ("parkinsons", "严重原发性帕金森病", "Severe primary Parkinson's disease", IAC_2020),
    ("third-degree-burns", "严重Ⅲ度烧伤", "Severe third-degree burns", IAC_2020),
    ("pulmonary-hypertension", "严重特发性肺动脉高压", "Severe idiopathic pulmonary arterial hypertension", IAC_2020),
    ("motor-neurone-disease", "严重运动神经元病", "Severe motor neurone disease", IAC_2020),
    ("loss-of-speech", "语言能力丧失", "Loss of speech", IAC_2020),
    ("aplastic-anaemia", "重型再生障碍性贫血", "Severe aplastic anaemia", IAC_2020),
    ("aortic-surgery", "主动脉手术", "Aortic surgery", IAC_2020),
    ("chronic-respiratory-failure", "严重慢性呼吸衰竭", "Severe chronic respiratory failure", IAC_2020),
    ("crohns-disease", "严重克罗恩病", "Severe Crohn's disease", IAC_2020),
    ("ulcerative-colitis", "严重溃疡性结肠炎", "Severe ulcerative colitis", IAC_2020),
    ("hodgkin-lymphoma", "霍奇金淋巴瘤", "Hodgkin lymphoma", SEEDS),
    ("brain-tumour", "脑肿瘤", "Brain tumour", SEEDS),
    ("cerebral-haemorrhage", "脑出血", "Cerebral haemorrhage", SEEDS),
    ("kidney-bleeding", "肾出血", "Kidney bleeding", SEEDS),
]

DIBAO_NOTE = "北京市城乡居民最低生活保障标准（月）：公布数字，作为演示假定值"
DIBAO_MONTHLY = [(2017, "900"), (2018, "1000"), (2019, "1100"), (2020, "1170"), (2021, "1245"), (2022, "1320"),
                 (2023, "1395"), (2024, "1420")]

OPENING_BALANCES = {"shunyi": "800000", "daxing": "1000000", "chaoyang": "300000", "pinggu": "200000",
                    "city": "2000000"}
# Parts of the city fund allocated to the districts (the rest stays at city level).
CITY_ALLOCATIONS = {"SY": "300000", "DX": "300000", "CY": "200000", "PG": "100000", "TZ": "100000", "HD": "100000"}


def _rate(lower, upper, rate, label=""):
    return {"lower": D(lower), "upper": D(upper) if upper else None, "kind": "rate", "rate": D(rate), "label": label}


def _fixed(lower, upper, amount, label=""):
    return {"lower": D(lower), "upper": D(upper) if upper else None, "kind": "fixed", "amount": D(amount),
            "label": label}


RULE_SETS = [
    # fund, category, version, from, to, settings, tiers, disease codes ("*" = the whole catalogue)
    ("shunyi", "medical", "2017年版", dt.date(2017, 1, 1), dt.date(2021, 12, 31),
     {"basis": "self_paid", "minimum_basis": D("20000"),
      "source_note": "顺义区职工专项温暖基金细则（2017）：自付2万–5万元 10%，5万–10万元 15%。"
                     "10万元以上定额3万元为假定（报道只给出2022年修订后的数字）。"},
     [_rate("20000", "50000", "10"), _rate("50000", "100000", "15"), _fixed("100000", None, "30000")], None),
    ("shunyi", "medical", "2022年修订", dt.date(2022, 1, 1), None,
     {"basis": "self_paid", "minimum_basis": D("20000"),
      "source_note": "《顺义区职工专项温暖基金项目细则（2022年修订）》：自付2万–5万元 15%，5万–10万元 20%，"
                     "10万元以上定额3万元。"},
     [_rate("20000", "50000", "15"), _rate("50000", "100000", "20"), _fixed("100000", None, "30000")], None),
    ("daxing", "medical", "2014年版", dt.date(2014, 1, 1), None,
     {"basis": "self_paid", "minimum_basis": D("10000"), "case_cap": D("50000"), "case_minimum": D("1000"),
      "family_allowed": True, "diseases_restricted": True,
      "source_note": "大兴区职工应急救助专项温暖基金：会员及家属，目录内重大疾病，政府救助和保险之后按自付额，"
                     "每案最高5万元，总体1,000–50,000元。分档（1万–5万 20%，5万–10万 30%，10万以上5万）为假定。"},
     [_rate("10000", "50000", "20"), _rate("50000", "100000", "30"), _fixed("100000", None, "50000")], "*"),
    ("daxing", "emergency", "2014年版", dt.date(2014, 1, 1), None,
     {"basis": "assessed_loss", "minimum_basis": None, "case_cap": D("50000"), "family_allowed": True,
      "source_note": "大兴区：突发事件及意外灾害，根据损失程度和家庭经济状况5,000–10,000元，由审核人确定。"},
     [{"lower": D("0"), "upper": None, "kind": "range", "range_min": D("5000"), "range_max": D("10000"),
       "label": "按损失程度"}], None),
    ("city", "medical", "2018年修订", dt.date(2018, 1, 1), None,
     {"basis": "self_paid", "minimum_basis": None, "case_cap": D("50000"),
      "source_note": "市总工会困难职工帮扶（2018年修订）：医疗专项救助按其他救助后仍需自付部分的50%，最高5万元。"},
     [_rate("0", None, "50", "剩余自付部分")], None),
    ("city", "education", "2018年修订", dt.date(2018, 1, 1), None,
     {"basis": "none", "minimum_basis": None, "family_allowed": True,
      "source_note": "市总工会：困难职工家庭在读大学生每人每年1万元。"},
     [_fixed("0", None, "10000", "大学生")], None),
    ("city", "living", "2018年修订", dt.date(2018, 1, 1), None,
     {"basis": "none", "minimum_basis": None, "max_awards_per_year": 1,
      "source_note": "市总工会：生活补助每户每年 = 12 × 当地月低保标准。"},
     [{"lower": D("0"), "upper": None, "kind": "parameter", "parameter": "dibao_monthly", "multiplier": D("12"),
       "label": "每户每年"}], None),
    ("pinggu", "accident", "2018年版", dt.date(2018, 1, 1), None,
     {"basis": "none", "minimum_basis": None, "family_allowed": True,
      "source_note": "平谷区：非因工意外死亡或伤残，每户2万元（生效日期为假定）。"},
     [_fixed("0", None, "20000", "每户")], None),
    ("chaoyang", "education", "2016年版", dt.date(2016, 1, 1), None,
     {"basis": "none", "minimum_basis": None, "family_allowed": True,
      "source_note": "朝阳区：高中生每年4,000元；大学生每年10个月低保标准；金秋助学每学期2,200元。"
                     "按就读阶段由审核人在2,200–13,950元内确定（上限为2023年大学生标准10×1,395元）。"},
     [{"lower": D("0"), "upper": None, "kind": "range", "range_min": D("2200"), "range_max": D("13950"),
       "label": "金秋助学2,200/学期；高中4,000/年；大学10×低保/年"}], None),
    ("chaoyang", "comfort", "2016年版", dt.date(2016, 1, 1), None,
     {"basis": "none", "minimum_basis": None, "family_allowed": True,
      "source_note": "朝阳区抚慰办法：重大疾病、家庭火灾、意外身故的抚慰金，2016年提高标准；"
                     "病种2015、2018年扩充。定额5,000元为假定（报道未给出金额）。"},
     [_fixed("0", None, "5000", "抚慰金")], None),
]


def _tier_key(values: dict) -> tuple:
    return (values["lower"], values.get("upper"), values["kind"], values.get("rate"), values.get("amount"),
            values.get("range_min"), values.get("range_max"), values.get("multiplier"), values.get("label", ""))


def _existing_key(tier: Tier) -> tuple:
    def n(value):
        return value.normalize() if value is not None else None
    return (n(tier.lower), n(tier.upper), tier.kind, n(tier.rate), n(tier.amount), n(tier.range_min),
            n(tier.range_max), n(tier.multiplier), tier.label)


def seed_rules() -> None:
    for code, name, name_en, source in DISEASES:
        Disease.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "source": source})
    dibao, _created = Parameter.objects.update_or_create(
        code="dibao_monthly", defaults={"name": "低保标准（月）", "name_en": "Minimum-living standard (monthly)"})
    for year, value in DIBAO_MONTHLY:
        # A value that judged cases is never rewritten (PostgreSQL refuses it).
        if not ParameterValue.objects.filter(parameter=dibao, valid_from=dt.date(year, 1, 1),
                                             used_through__isnull=False).exists():
            ParameterValue.objects.update_or_create(parameter=dibao, valid_from=dt.date(year, 1, 1),
                                                    defaults={"value": D(value), "source": DIBAO_NOTE})
    parameters = {"dibao_monthly": dibao}

    for slug, category_code, version, start, end, options, tiers, diseases in RULE_SETS:
        fund = Fund.objects.get(slug=slug)
        category = AidCategory.objects.get(code=category_code)
        rule_set = RuleSet.objects.filter(fund=fund, category=category, programme=None, version_name=version).first()
        if rule_set is None or not rule_set.in_use:  # a version that judged cases is never edited
            rule_set, _created = RuleSet.objects.update_or_create(
                fund=fund, category=category, programme=None, version_name=version,
                defaults={"effective_from": start, "effective_to": end, "status": RuleSet.Status.ACTIVE, **options},
            )
        wanted = [{**t, "parameter": parameters.get(t.get("parameter"))} for t in tiers]
        current = sorted(_existing_key(t) for t in rule_set.tiers.all())
        target = sorted(tuple(v.normalize() if isinstance(v, D) else v for v in _tier_key(t)) for t in wanted)
        if current != target and not rule_set_is_used(rule_set=rule_set):
            rule_set.tiers.all().delete()
            Tier.objects.bulk_create([
                Tier(rule_set=rule_set, lower=t["lower"], upper=t.get("upper"), kind=t["kind"], rate=t.get("rate"),
                     amount=t.get("amount"), range_min=t.get("range_min"), range_max=t.get("range_max"),
                     parameter=t.get("parameter"), multiplier=t.get("multiplier"), label=t.get("label", ""))
                for t in wanted
            ])
        if diseases == "*" and not rule_set.in_use:
            rule_set.diseases.set(Disease.objects.all())

    for slug, amount in OPENING_BALANCES.items():
        fund = Fund.objects.get(slug=slug)
        if not LedgerEntry.objects.filter(fund=fund, kind=LedgerEntry.Kind.OPENING).exists():
            ledger_post_opening_balance(fund=fund, amount=D(amount), actor=None, booked_on=dt.date(2022, 1, 1),
                                 description="期初余额（演示）")
    # The city fund is held at city level; each district draws on the part allocated to it.
    city = Fund.objects.get(slug="city")
    if not LedgerEntry.objects.filter(fund=city, kind=LedgerEntry.Kind.ALLOCATION).exists():
        for code, amount in CITY_ALLOCATIONS.items():
            district = District.objects.filter(code=code).first()
            if district is not None:
                ledger_post_allocation(fund=city, district=district, amount=D(amount), booked_on=dt.date(2022, 1, 1),
                                       reason="演示：年度划拨", actor=None)


# Recurring aid (DOMAIN.md "Needy-worker households and recurring aid"): each programme has its own versioned
# rule sets. fund, code, name, English name, category, schedule, enrolment, school levels, description.
PROGRAMMES = [
    ("shunyi", "sy-living", "生活补贴", "Living subsidy", "living", "monthly", "civil_status", [],
     "在档低保、低收入困难职工家庭每月1个当月低保标准（一年12个月）。"),
    ("chaoyang", "cy-autumn-school", "金秋助学", "Golden-autumn school aid", "education", "term", "school",
     ["college", "undergraduate"], "在档困难职工家庭在读大学生，每学期2,200元。"),
    ("chaoyang", "cy-university", "大学生助学", "University aid", "education", "yearly", "school",
     ["college", "undergraduate"], "朝阳区：在读大学专科、本科学生每年10个月低保标准。"),
    ("chaoyang", "cy-holiday", "节日慰问", "Holiday visits", "living", "holiday", "on_file", [],
     "元旦、春节、五一、十一，每户在档困难职工家庭1,000元。"),
    ("city", "city-senior-school", "高中助学", "Senior-school aid", "education", "yearly", "school", ["senior"],
     "市总工会：高中、职高、中专、技校在读学生每人每年4,000元。"),
    ("city", "city-university", "大学生助学（市总）", "University aid (city)", "education", "yearly", "school",
     ["college", "undergraduate"], "市总工会：大学专科、本科在读学生每人每年10,000元。"),
    ("city", "city-holiday", "送温暖", "Warmth at the holidays", "living", "holiday", "on_file", [],
     "市总工会：元旦、春节、五一、十一节日慰问，每户在档困难职工家庭1,000元，由各区从划拨部分支付。"),
]

# programme code, version, from, tiers, source note.
PROGRAMME_RULE_SETS = [
    ("sy-living", "2022年版", dt.date(2022, 1, 1),
     [{"lower": D("0"), "upper": None, "kind": "parameter", "parameter": "dibao_monthly", "multiplier": D("1"),
       "label": "每户每月"}], "生活补贴：每户每月 = 1 × 当月低保标准（全年12个月）。"),
    ("cy-autumn-school", "2016年版", dt.date(2016, 1, 1), [_fixed("0", None, "2200", "每学期")],
     "朝阳区金秋助学：每学期2,200元。"),
    ("cy-university", "2016年版", dt.date(2016, 1, 1),
     [{"lower": D("0"), "upper": None, "kind": "parameter", "parameter": "dibao_monthly", "multiplier": D("10"),
       "label": "每人每年"}], "朝阳区：大学生每年10个月低保标准。"),
    ("cy-holiday", "2016年版", dt.date(2016, 1, 1), [_fixed("0", None, "1000", "每户")],
     "朝阳区节日慰问：每户1,000元（老王国庆节得到1,000元）。"),
    ("city-senior-school", "2018年修订", dt.date(2018, 1, 1), [_fixed("0", None, "4000", "每人每年")],
     "市总工会：高中（含职高、中专、技校）每人每年4,000元。"),
    ("city-university", "2018年修订", dt.date(2018, 1, 1), [_fixed("0", None, "10000", "每人每年")],
     "市总工会：大学专科、本科每人每年10,000元。"),
    ("city-holiday", "2013年版", dt.date(2013, 1, 1), [_fixed("0", None, "1000", "每户")],
     "市总工会送温暖：节日慰问每户1,000元。"),
]


def _save_tiers(rule_set: RuleSet, tiers: list[dict], parameters: dict) -> None:
    wanted = [{**t, "parameter": parameters.get(t.get("parameter"))} for t in tiers]
    current = sorted(_existing_key(t) for t in rule_set.tiers.all())
    target = sorted(tuple(v.normalize() if isinstance(v, D) else v for v in _tier_key(t)) for t in wanted)
    if current != target and not rule_set_is_used(rule_set=rule_set):
        rule_set.tiers.all().delete()
        Tier.objects.bulk_create([
            Tier(rule_set=rule_set, lower=t["lower"], upper=t.get("upper"), kind=t["kind"], rate=t.get("rate"),
                 amount=t.get("amount"), range_min=t.get("range_min"), range_max=t.get("range_max"),
                 parameter=t.get("parameter"), multiplier=t.get("multiplier"), label=t.get("label", ""))
            for t in wanted
        ])


def seed_programmes() -> None:
    """The programmes of the seeds, each with the rule set that prices its cycles."""
    parameters = {p.code: p for p in Parameter.objects.filter(code="dibao_monthly")}
    programmes = {}
    for slug, code, name, name_en, category, schedule, enrolment, levels, description in PROGRAMMES:
        fund = Fund.objects.get(slug=slug)
        unit = Programme.Unit.PUPIL if enrolment == Programme.Enrolment.SCHOOL else Programme.Unit.HOUSEHOLD
        programmes[code], _created = Programme.objects.update_or_create(
            fund=fund, code=code,
            defaults={"name": name, "name_en": name_en, "category": AidCategory.objects.get(code=category),
                      "schedule": schedule, "enrolment": enrolment, "unit": unit, "school_levels": levels,
                      "description": description})
    for code, version, start, tiers, note in PROGRAMME_RULE_SETS:
        programme = programmes[code]
        rule_set = RuleSet.objects.filter(programme=programme, version_name=version).first()
        if rule_set is None or not rule_set.in_use:  # a version that priced cycles is never edited
            rule_set, _created = RuleSet.objects.update_or_create(
                fund=programme.fund, category=programme.category, programme=programme, version_name=version,
                defaults={"effective_from": start, "effective_to": None, "status": RuleSet.Status.ACTIVE,
                          "basis": RuleSet.Basis.NONE, "minimum_basis": None, "family_allowed": True,
                          "source_note": note})
        _save_tiers(rule_set, tiers, parameters)


def seed(stdout) -> None:
    seed_funds()
    seed_rules()
    seed_programmes()
    stdout.write(f"Funds: {Fund.objects.count()} funds, {AidCategory.objects.count()} aid categories, "
                 f"{RuleSet.objects.count()} rule sets, {Programme.objects.count()} programmes, "
                 f"{Disease.objects.count()} diseases.")
