"""factory_boy factories for every model."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from cases import models as cm
from cases.validators import id_check_char, luhn_complete  # noqa: F401 - tests call them through this module
from donations import models as dm
from funds import models as fm
from payouts import models as pm
from reliefdesk import models as rm

DEFAULT_PASSWORD = "test-password-123"


id_check_digit = id_check_char  # GB 11643, the one copy in cases.validators


def make_id_number(area: str = "110113", birth: dt.date = dt.date(1979, 5, 12), seq: int = 123) -> str:
    """A resident ID number with a correct GB 11643 check digit."""
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


class DistrictFactory(DjangoModelFactory):
    class Meta:
        model = rm.District
        django_get_or_create = ("code",)

    code = "SY"
    name = "顺义"
    name_en = "Shunyi"


class StationFactory(DjangoModelFactory):
    class Meta:
        model = rm.Station

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"ST{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}工会服务站")


class EmployerFactory(DjangoModelFactory):
    class Meta:
        model = rm.Employer

    district = factory.SubFactory(DistrictFactory)
    station = None
    name = factory.Sequence(lambda n: f"建会单位{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = rm.StaffAssignment
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    role = rm.Role.REVIEWER
    district = factory.SubFactory(DistrictFactory)

    @factory.post_generation
    def stations(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.stations.set(extracted)


def make_user(username: str, role: str, *, district=None, stations=()):
    user = UserFactory(username=username)
    AssignmentFactory(user=user, role=role, district=district, stations=list(stations))
    return user


class HolidayFactory(DjangoModelFactory):
    class Meta:
        model = rm.Holiday

    date = dt.date(2022, 10, 3)
    name = "国庆节"


class AidCategoryFactory(DjangoModelFactory):
    class Meta:
        model = fm.AidCategory
        django_get_or_create = ("code",)

    code = "medical"
    name = "大病医疗救助"
    name_en = "Serious-illness medical aid"
    required_documents = ["diagnosis", "invoice", "insurance", "id_copy", "card_copy", "form"]
    checklist = ["documents_seen", "membership_confirmed", "amounts_match", "disease_covered"]


class FundFactory(DjangoModelFactory):
    class Meta:
        model = fm.Fund
        django_get_or_create = ("slug",)

    slug = "shunyi"
    name = "北京市温暖基金会（顺义区）职工专项温暖基金"
    district = factory.SubFactory(DistrictFactory)
    founded_on = dt.date(2017, 1, 1)


class DiseaseFactory(DjangoModelFactory):
    class Meta:
        model = fm.Disease
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"disease-{n}")
    name = factory.Sequence(lambda n: f"疾病{n}")


class ParameterFactory(DjangoModelFactory):
    class Meta:
        model = fm.Parameter
        django_get_or_create = ("code",)

    code = "dibao_monthly"
    name = "低保标准（月）"


class ParameterValueFactory(DjangoModelFactory):
    class Meta:
        model = fm.ParameterValue

    parameter = factory.SubFactory(ParameterFactory)
    valid_from = dt.date(2022, 1, 1)
    value = Decimal("1245.00")


class RuleSetFactory(DjangoModelFactory):
    class Meta:
        model = fm.RuleSet

    fund = factory.SubFactory(FundFactory)
    category = factory.SubFactory(AidCategoryFactory)
    version_name = "2022年修订"
    effective_from = dt.date(2022, 1, 1)
    effective_to = None
    status = fm.RuleSet.Status.ACTIVE
    basis = fm.RuleSet.Basis.SELF_PAID
    minimum_basis = Decimal("20000.00")
    membership_required = True


class TierFactory(DjangoModelFactory):
    class Meta:
        model = fm.Tier

    rule_set = factory.SubFactory(RuleSetFactory)
    lower = Decimal("20000.00")
    upper = Decimal("50000.00")
    kind = fm.Tier.Kind.RATE
    rate = Decimal("15")


def shunyi_2022_rules(fund=None, category=None, **kwargs):
    """The Shunyi 2022 revision: 2–5万 15 %, 5–10万 20 %, from 10万 a fixed 30,000."""
    rule_set = RuleSetFactory(**({"fund": fund} if fund else {}), **({"category": category} if category else {}),
                              **kwargs)
    TierFactory(rule_set=rule_set, lower=Decimal("20000"), upper=Decimal("50000"), kind="rate", rate=Decimal("15"))
    TierFactory(rule_set=rule_set, lower=Decimal("50000"), upper=Decimal("100000"), kind="rate", rate=Decimal("20"))
    TierFactory(rule_set=rule_set, lower=Decimal("100000"), upper=None, kind="fixed", rate=None,
                amount=Decimal("30000"))
    return rule_set


class LedgerEntryFactory(DjangoModelFactory):
    class Meta:
        model = fm.LedgerEntry

    fund = factory.SubFactory(FundFactory)
    kind = fm.LedgerEntry.Kind.OPENING
    amount = Decimal("1000000.00")
    booked_on = dt.date(2022, 1, 1)
    description = "期初余额"


class MemberFactory(DjangoModelFactory):
    """A member; ``stations=[...]`` registers him there (without it he belongs only where he has a case)."""

    class Meta:
        model = cm.Member
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"张{n}明")
    id_number = factory.Sequence(lambda n: make_id_number(seq=n % 1000, birth=dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000)))
    birth_date = factory.LazyAttribute(lambda o: dt.date(int(o.id_number[6:10]), int(o.id_number[10:12]),
                                                         int(o.id_number[12:14])))
    sex = factory.LazyAttribute(lambda o: "M" if int(o.id_number[16]) % 2 else "F")
    phone = "13812345678"
    employer = factory.SubFactory(EmployerFactory)
    member_since = dt.date(2010, 1, 1)
    card_number = luhn_complete("622202020000123456")
    bank_name = "中国工商银行北京顺义支行"

    @factory.post_generation
    def stations(obj, create, extracted, **kwargs):
        if create and extracted:
            cm.MemberRegistration.objects.bulk_create(
                [cm.MemberRegistration(member=obj, station=station) for station in extracted])


class FamilyMemberFactory(DjangoModelFactory):
    class Meta:
        model = cm.FamilyMember

    member = factory.SubFactory(MemberFactory)
    relation = cm.FamilyMember.Relation.SPOUSE
    name = factory.Sequence(lambda n: f"李{n}华")
    id_number = factory.Sequence(lambda n: make_id_number(area="110114", seq=n % 1000,
                                                          birth=dt.date(1975, 1, 1) + dt.timedelta(days=n // 1000)))


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = cm.Application

    reference = factory.Sequence(lambda n: f"SY-2022-{n + 1:05d}")
    fund = factory.SubFactory(FundFactory)
    category = factory.SubFactory(AidCategoryFactory)
    member = factory.SubFactory(MemberFactory)
    beneficiary = None
    beneficiary_id_number = factory.LazyAttribute(lambda o: o.member.id_number)
    beneficiary_name = factory.LazyAttribute(lambda o: o.member.name)
    station = factory.SubFactory(StationFactory)
    district = factory.LazyAttribute(lambda o: o.station.district)
    created_by = factory.SubFactory(UserFactory)
    status = cm.Application.Status.DRAFT
    event_date = dt.date(2022, 2, 10)
    total_cost = Decimal("100000.00")
    reimbursed = Decimal("38000.00")
    other_aid = Decimal("0.00")
    self_paid = factory.LazyAttribute(lambda o: o.total_cost - o.reimbursed - o.other_aid)
    narrative = "患病住院，家庭困难。"


class InvoiceNumberFactory(DjangoModelFactory):
    class Meta:
        model = cm.InvoiceNumber

    application = factory.SubFactory(ApplicationFactory)
    number = factory.Sequence(lambda n: f"11000{n:07d}")


class DocumentFactory(DjangoModelFactory):
    class Meta:
        model = cm.Document

    application = factory.SubFactory(ApplicationFactory)
    kind = cm.Document.Kind.DIAGNOSIS
    file = factory.django.FileField(filename="diagnosis.pdf", data=b"%PDF-1.4\n%test\n")
    original_name = "diagnosis.pdf"
    content_type = "application/pdf"
    size = 15
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    uploaded_by = factory.SubFactory(UserFactory)


class BatchFactory(DjangoModelFactory):
    class Meta:
        model = cm.Batch

    title = factory.Sequence(lambda n: f"2022年第一季度第{n + 1}批")
    fund = factory.SubFactory(FundFactory)
    district = factory.LazyAttribute(lambda o: o.fund.district)
    created_by = factory.SubFactory(UserFactory)


class PayoutFactory(DjangoModelFactory):
    class Meta:
        model = pm.Payout

    application = factory.SubFactory(ApplicationFactory, status=cm.Application.Status.APPROVED,
                                     awarded_amount=Decimal("12400.00"))
    fund = factory.LazyAttribute(lambda o: o.application.fund)
    batch = factory.SubFactory(BatchFactory, fund=factory.SelfAttribute("..fund"),
                               status=cm.Batch.Status.APPROVED)
    district = factory.LazyAttribute(lambda o: o.application.district)
    station = factory.LazyAttribute(lambda o: o.application.station)
    amount = factory.LazyAttribute(lambda o: o.application.awarded_amount)
    status = pm.Payout.Status.PENDING
    paid_on = None
    payee_name = factory.LazyAttribute(lambda o: o.application.member.name)
    payee_id_number = factory.LazyAttribute(lambda o: o.application.member.id_number)
    card_number = factory.LazyAttribute(lambda o: o.application.member.card_number)
    bank_name = factory.LazyAttribute(lambda o: o.application.member.bank_name)
    # A paid payout points at its debit (the database refuses one without).
    ledger_entry = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == pm.Payout.Status.PAID),
        yes_declaration=factory.SubFactory(
            "tests.factories.LedgerEntryFactory", fund=factory.SelfAttribute("..fund"),
            kind=fm.LedgerEntry.Kind.PAYOUT, amount=factory.LazyAttribute(lambda o: -o.factory_parent.amount),
            booked_on=factory.LazyAttribute(lambda o: o.factory_parent.paid_on or dt.date(2022, 5, 1)),
            description="拨付"),
        no_declaration=None,
    )


class PayoutSheetFactory(DjangoModelFactory):
    class Meta:
        model = pm.PayoutSheet

    number = factory.Sequence(lambda n: f"SY-BF-2022-{n + 1:04d}")
    fund = factory.SubFactory(FundFactory)
    district = factory.LazyAttribute(lambda o: o.fund.district)
    created_by = factory.SubFactory(UserFactory)


class PayoutSheetLineFactory(DjangoModelFactory):
    class Meta:
        model = pm.PayoutSheetLine

    sheet = factory.SubFactory(PayoutSheetFactory)
    payout = factory.SubFactory(PayoutFactory)
    position = factory.Sequence(lambda n: n + 1)


class ExportLogFactory(DjangoModelFactory):
    class Meta:
        model = pm.ExportLog

    sheet = factory.SubFactory(PayoutSheetFactory)
    user = factory.SubFactory(UserFactory)
    row_count = 0
    total = Decimal("0.00")


class DonorFactory(DjangoModelFactory):
    class Meta:
        model = dm.Donor

    kind = dm.Donor.Kind.UNIT
    name = factory.Sequence(lambda n: f"爱心单位{n}")
    district = factory.SubFactory(DistrictFactory)


class CampaignFactory(DjangoModelFactory):
    class Meta:
        model = dm.Campaign

    fund = factory.SubFactory(FundFactory)
    name = factory.Sequence(lambda n: f"一元捐、十元捐 {2022 + n}")
    starts_on = dt.date(2022, 3, 1)
    target = Decimal("150000.00")


class DonationFactory(DjangoModelFactory):
    class Meta:
        model = dm.Donation

    fund = factory.SubFactory(FundFactory)
    district = factory.LazyAttribute(lambda o: o.fund.district)
    donor = factory.SubFactory(DonorFactory, district=factory.SelfAttribute("..district"))
    amount = Decimal("100.00")
    received_on = dt.date(2022, 3, 5)
    channel = dm.Donation.Channel.BANK
    status = dm.Donation.Status.RECORDED
    receipt_year = 2022
    receipt_seq = factory.Sequence(lambda n: n + 1)
    receipt_number = factory.LazyAttribute(lambda o: f"{o.fund.slug.upper()}-{o.receipt_year}-{o.receipt_seq:06d}")
    recorded_by = factory.SubFactory(UserFactory)
    # A confirmed donation points at its credit (PostgreSQL refuses one without at commit).
    credit_entry = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == dm.Donation.Status.CONFIRMED),
        yes_declaration=factory.SubFactory(
            "tests.factories.LedgerEntryFactory", fund=factory.SelfAttribute("..fund"),
            kind=fm.LedgerEntry.Kind.DONATION, amount=factory.SelfAttribute("..amount"),
            booked_on=factory.SelfAttribute("..received_on"),
            description=factory.LazyAttribute(lambda o: f"捐款 {o.factory_parent.receipt_number}")),
        no_declaration=None,
    )


class DonationImportFactory(DjangoModelFactory):
    class Meta:
        model = dm.DonationImport

    fund = factory.SubFactory(FundFactory)
    file = factory.django.FileField(filename="import.xlsx", data=b"PK")
    original_name = "import.xlsx"
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class JobFactory(DjangoModelFactory):
    class Meta:
        model = rm.Job

    kind = "test"
    created_by = factory.SubFactory(UserFactory)


class HistoryEventFactory(DjangoModelFactory):
    """History rows are only ever written through reliefdesk.history.record_event."""

    class Meta:
        model = rm.HistoryEvent

    content_type = factory.LazyFunction(lambda: __import__("django.contrib.contenttypes.models", fromlist=["x"])
                                        .ContentType.objects.get_for_model(rm.District))
    object_id = 1
    action = "test.event"


def reviewed_application(**kwargs):
    """A case as review leaves it (checklist ticked, amount proposed): verified unless told otherwise."""
    amount = kwargs.pop("proposed_amount", Decimal("12400.00"))
    kwargs.setdefault("status", cm.Application.Status.VERIFIED)
    kwargs.setdefault("estimate_eligible", True)
    kwargs.setdefault("estimate_amount", amount)
    kwargs.setdefault("estimate_explanation", "自付 62,000.00 元，属 5万–10万 档，按 20% 计 12,400.00 元")
    application = ApplicationFactory(proposed_amount=amount, **kwargs)
    application.checklist = {code: True for code in application.category.checklist}
    application.save(update_fields=["checklist"])
    return application


def make_payouts(count: int, *, fund, station, amounts=None, batch=None) -> list:
    """``count`` approved cases of ``station`` with a pending payout each (one approved batch)."""
    batch = batch or BatchFactory(fund=fund, district=fund.district, status=cm.Batch.Status.APPROVED)
    amounts = list(amounts) if amounts is not None else [Decimal("12400.00")] * count
    return [
        PayoutFactory(application__fund=fund, application__station=station, application__awarded_amount=amount,
                      application__batch=batch, batch=batch)
        for amount in amounts[:count]
    ]


# --- households ------------------------------------------------------------------------

from households import models as hm  # noqa: E402 - the household factories follow the ones they build on


class HouseholdFactory(DjangoModelFactory):
    """A household's file; on file unless told otherwise (filed a year ago, its review due now)."""

    class Meta:
        model = hm.Household
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"SY-HH-2024-{n + 1:05d}")
    head = factory.SubFactory(MemberFactory)
    station = factory.SubFactory(StationFactory)
    district = factory.LazyAttribute(lambda o: o.station.district)
    status = hm.Household.Status.ON_FILE
    monthly_income = Decimal("2400.00")
    causes = factory.LazyFunction(lambda: [hm.Cause.ILLNESS])
    civil_status = hm.CivilStatus.NONE
    narrative = "家中有重病患者，收入微薄。"
    created_by = factory.SubFactory(UserFactory)
    filed_on = factory.Maybe(factory.LazyAttribute(lambda o: o.status in ("on_file", "left")),
                             yes_declaration=dt.date(2023, 6, 1), no_declaration=None)
    next_review_due = factory.Maybe(factory.LazyAttribute(lambda o: o.status == "on_file"),
                                    yes_declaration=dt.date(2024, 6, 1), no_declaration=None)

    @factory.post_generation
    def registered(obj, create, extracted, **kwargs):
        """The head belongs to the station of his file, as the filing service makes him."""
        if create:
            cm.MemberRegistration.objects.get_or_create(member=obj.head, station=obj.station)


class HouseholdPersonFactory(DjangoModelFactory):
    class Meta:
        model = hm.HouseholdPerson

    household = factory.SubFactory(HouseholdFactory)
    relation = hm.HouseholdPerson.Relation.SPOUSE
    name = factory.Sequence(lambda n: f"王{n}芳")
    id_number = factory.Sequence(lambda n: make_id_number(area="110115", seq=n % 1000,
                                                          birth=dt.date(1980, 1, 1) + dt.timedelta(days=n // 1000)))
    birth_date = factory.LazyAttribute(lambda o: dt.date(int(o.id_number[6:10]), int(o.id_number[10:12]),
                                                         int(o.id_number[12:14])))


class FilingBatchFactory(DjangoModelFactory):
    class Meta:
        model = hm.FilingBatch

    title = factory.Sequence(lambda n: f"2024年第{n + 1}批建档")
    district = factory.SubFactory(DistrictFactory)
    created_by = factory.SubFactory(UserFactory)


# --- programmes and cycles -------------------------------------------------------------

class ProgrammeFactory(DjangoModelFactory):
    """The monthly living subsidy (生活补贴) of 低保 and 低收入 households on file."""

    class Meta:
        model = fm.Programme

    fund = factory.SubFactory(FundFactory)
    category = factory.SubFactory(AidCategoryFactory, code="living", name="生活救助", name_en="Living aid")
    code = factory.Sequence(lambda n: f"living-{n}")
    name = "生活补贴"
    name_en = "Living subsidy"
    schedule = fm.Programme.Schedule.MONTHLY
    unit = fm.Programme.Unit.HOUSEHOLD
    enrolment = fm.Programme.Enrolment.CIVIL_STATUS


def programme_rule_set(programme, *, multiplier=None, amount=None, parameter=None, effective_from=dt.date(2023, 1, 1),
                       effective_to=None, version_name="2023年版"):
    """An active rule set of ``programme``: ``multiplier`` × ``parameter`` (the monthly 低保标准), or a fixed amount."""
    rule_set = RuleSetFactory(fund=programme.fund, category=programme.category, programme=programme,
                              version_name=version_name, effective_from=effective_from, effective_to=effective_to,
                              basis=fm.RuleSet.Basis.NONE, minimum_basis=None, membership_required=False)
    if amount is not None:
        TierFactory(rule_set=rule_set, lower=Decimal("0"), upper=None, kind="fixed", rate=None, amount=Decimal(amount))
    else:
        TierFactory(rule_set=rule_set, lower=Decimal("0"), upper=None, kind="parameter", rate=None,
                    parameter=parameter or ParameterFactory(), multiplier=Decimal(multiplier or "1"))
    return rule_set
