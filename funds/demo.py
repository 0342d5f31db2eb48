"""Demo funds and aid categories (DOMAIN.md "Funds and programmes")."""
from __future__ import annotations

import datetime as dt

from funds.models import AidCategory, Fund
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
        Fund.objects.update_or_create(slug=slug, defaults={"name": name, "district": district, "founded_on": founded})


def seed(stdout) -> None:
    seed_funds()
    stdout.write(f"Funds: {Fund.objects.count()} funds, {AidCategory.objects.count()} aid categories.")
