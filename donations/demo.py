"""Demo donations: 顺义's "2022年一元捐、十元捐" campaign and one of 大兴. Idempotent."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from donations import services
from reliefdesk.scope import district_of
from donations.models import Campaign, Donation, Donor
from funds.models import Fund

UNITS = {
    "SY": ["北京顺鑫农业股份有限公司", "顺义区第一中学", "顺义区医院", "空港物流有限公司"],
    "DX": ["大兴区第三中学", "大兴区人民医院"],
}
PEOPLE = {
    "SY": [("张明", "顺义区第一中学"), ("李红", "顺义区第一中学"), ("王强", "顺义区医院"), ("赵丽", "")],
    "DX": [("孙伟", "大兴区第三中学"), ("周敏", "")],
}
CHANNELS = ["qr", "qr", "payroll", "bank", "cash", "qr", "payroll", "other"]


def _donor(*, actor, kind, name, unit_name=""):
    district = district_of(actor)
    existing = Donor.objects.filter(district=district, kind=kind, name=name, unit_name=unit_name).first()
    return existing or services.donor_create(actor=actor, kind=kind, name=name, unit_name=unit_name)


def _campaign(*, actor, fund, name, starts_on, ends_on, target, notes):
    existing = Campaign.objects.filter(fund=fund, name=name).first()
    return existing or services.campaign_create(actor=actor, fund=fund, name=name, starts_on=starts_on,
                                                ends_on=ends_on, target=target, channel_notes=notes)


def _seed_campaign(*, actor, fund, code, name, starts_on, target, count, notes) -> int:
    campaign = _campaign(actor=actor, fund=fund, name=name, starts_on=starts_on,
                         ends_on=dt.date(starts_on.year, 12, 31), target=target, notes=notes)
    if Donation.objects.filter(campaign=campaign).exists():
        return 0
    units = [_donor(actor=actor, kind=Donor.Kind.UNIT, name=unit) for unit in UNITS[code]]
    people = [_donor(actor=actor, kind=Donor.Kind.INDIVIDUAL, name=person, unit_name=unit)
              for person, unit in PEOPLE[code]]
    donors = units + people + [None]  # None: anonymous
    created = []
    for n in range(count):
        donor = donors[n % len(donors)]
        channel = CHANNELS[n % len(CHANNELS)]
        amount = Decimal("1000.00") * (n % 5 + 1) if donor in units else Decimal(["1", "10", "10", "50", "100"][n % 5])
        reference = f"{code}-DEMO-{channel.upper()}-{n + 1:04d}" if channel in ("qr", "bank") else None
        created.append(services.donation_record(
            actor=actor, fund=fund, campaign=campaign, donor=donor, amount=amount,
            received_on=starts_on + dt.timedelta(days=4 * n), channel=channel, external_reference=reference,
            note="", confirm=n % 9 != 8,  # most confirmed, a few still waiting for the bank statement
        ))
    services.donation_void(donation=created[3], actor=actor, reason="银行退回：同一笔转账重复录入")
    return count


def seed(stdout) -> None:
    User = get_user_model()
    finance = {code: User.objects.filter(username=username).first()
               for code, username in (("SY", "finance"), ("DX", "dx_finance"))}
    funds = {code: Fund.objects.filter(slug=slug).first() for code, slug in (("SY", "shunyi"), ("DX", "daxing"))}
    if not all(finance.values()) or not all(funds.values()):
        stdout.write("Donations: demo users or funds missing, skipped.")
        return
    made = _seed_campaign(actor=finance["SY"], fund=funds["SY"], code="SY", name="2022年一元捐、十元捐",
                          starts_on=dt.date(2022, 3, 1), target=Decimal("150000.00"), count=30,
                          notes="专用二维码：顺义区总工会温暖基金；工商银行顺义支行 0200 0000 0000 0000")
    made += _seed_campaign(actor=finance["DX"], fund=funds["DX"], code="DX", name="2022年大兴一元捐",
                           starts_on=dt.date(2022, 4, 1), target=Decimal("150000.00"), count=12,
                           notes="单位统一收取后银行转账")
    stdout.write(f"Donations: {Donation.objects.count()} donations, {Campaign.objects.count()} campaigns"
                 f" ({made} new).")
