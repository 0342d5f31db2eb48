"""A liaison in a browser: a whole application with documents and the live estimate, and a wrong ID number."""
from __future__ import annotations

import pytest

from cases.models import Application, Member
from tests import factories as f
from tests.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_liaison_enters_a_complete_application_sees_the_estimate_submits_and_finds_it_on_his_dashboard(
        page, live_server, liaison1, station1, shunyi_fund, medical, shunyi_rules, tmp_path):
    employer = f.EmployerFactory(district=station1.district, name="顺义区第一中学")
    login(page, live_server, "liaison1")
    number = f.make_id_number(seq=731)

    page.goto(live_server.url + "/cases/applications/new/")
    page.fill("#find_id_number", number)
    page.click("[data-testid=find-member] button[type=submit]")
    page.wait_for_selector("[data-testid=register-member]")
    page.fill("#id_name", "刘德华")
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_employer", str(employer.pk))
    page.fill("#id_card_number", f.luhn_complete("622202020000765432"))
    page.fill("#id_bank_name", "中国银行顺义支行")
    page.click("[data-testid=register-member] button[type=submit]")
    page.wait_for_selector("[data-testid=beneficiary-form]")

    page.check("input[name=beneficiary][value=self]")
    page.click("[data-testid=beneficiary-form] button[name=next]")
    page.wait_for_selector("[data-testid=facts-form]")
    page.select_option("#id_fund", str(shunyi_fund.pk))
    page.select_option("#id_category", str(medical.pk))
    page.fill("#id_event_date", "2022-02-10")
    page.fill("#id_total_cost", "100000")
    page.fill("#id_reimbursed", "30000")
    page.fill("#id_other_aid", "8000")
    page.fill("#id_narrative", "脑梗住院治疗，家庭困难。")
    # The estimate follows the typing before anything is saved.
    page.wait_for_function("() => document.getElementById('estimate-amount').textContent.includes('12,400.00')")
    assert page.inner_text("#estimate-amount").endswith("元")  # the page's texts reach the script
    assert "62,000.00" in page.locator("#estimate-explanation").inner_text()
    assert page.input_value("#id_self_paid") == "62000.00"
    page.click("[data-testid=facts-form] button[name=next]")
    page.wait_for_selector("[data-testid=documents-form]")

    for kind in medical.required_documents:
        scan = tmp_path / f"{kind}.pdf"
        scan.write_bytes(PDF + f"%{kind}\n".encode())  # one scan per document: a case takes a file once
        page.set_input_files(f"#id_file_{kind}", str(scan))
    page.fill("#id_invoice_numbers", "110022001, 110022002")
    page.click("[data-testid=documents-form] button[name=next]")
    page.wait_for_selector("[data-testid=summary]")
    assert "12,400.00" in page.locator("[data-testid=estimate]").inner_text()
    assert page.locator("[data-testid=problems]").count() == 0

    page.click("button:has-text('提交')")
    page.wait_for_selector("[data-testid=submitted]")
    application = Application.objects.get(member__id_number=number)
    assert application.status == Application.Status.SUBMITTED
    assert application.documents.count() == len(medical.required_documents)
    assert application.reference in page.locator("[data-testid=submitted]").inner_text()


def test_a_wrong_id_number_shows_the_error_beside_the_field_and_keeps_every_other_value(
        page, live_server, liaison1, station1):
    login(page, live_server, "liaison1")
    good = f.make_id_number(seq=732)
    page.goto(live_server.url + "/cases/applications/new/?id_number=" + good)
    page.wait_for_selector("[data-testid=register-member]")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    card = f.luhn_complete("622202020000765432")
    page.fill("#id_id_number", wrong)
    page.fill("#id_name", "刘德华")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_card_number", card)
    page.fill("#id_bank_name", "中国银行顺义支行")
    page.click("[data-testid=register-member] button[type=submit]")
    page.wait_for_selector("[data-testid=register-member] .invalid-feedback")

    error = page.locator("[data-testid=register-member] #div_id_id_number .invalid-feedback")
    assert error.count() == 1 and error.inner_text().strip()
    assert page.input_value("[data-testid=register-member] #id_id_number") == wrong
    assert page.input_value("#id_name") == "刘德华"
    assert page.input_value("#id_phone") == "13912345678"
    assert page.input_value("#id_card_number") == card
    assert page.input_value("#id_bank_name") == "中国银行顺义支行"
    assert not Member.objects.filter(name="刘德华").exists()


def test_the_facts_step_offers_the_funds_categories_and_only_the_amounts_each_asks(
        page, live_server, liaison1, station1, shunyi_fund, medical, shunyi_rules):
    from datetime import date
    from decimal import Decimal

    from cases.services import intake as svc
    from funds.models import RuleSet, Tier

    city = f.FundFactory(slug="city", name="市总工会困难职工帮扶", district=None)
    education = f.AidCategoryFactory(code="education", name="助学", name_en="Education aid")
    rule_set = f.RuleSetFactory(fund=city, category=education, basis=RuleSet.Basis.NONE, minimum_basis=None,
                                effective_from=date(2018, 1, 1))
    f.TierFactory(rule_set=rule_set, lower=Decimal("0"), upper=None, kind=Tier.Kind.FIXED, rate=None,
                  amount=Decimal("10000"))
    draft = svc.application_create(actor=liaison1, member=f.MemberFactory(stations=[station1]), station=station1,
                                   fund=shunyi_fund, category=medical, event_date=date(2022, 2, 10))
    login(page, live_server, "liaison1")
    page.goto(f"{live_server.url}/cases/applications/{draft.pk}/step/facts/")
    page.wait_for_selector("[data-testid=facts-form]")
    assert page.locator("#id_category option").all_inner_texts() == ["大病医疗救助"]
    assert page.is_visible("#id_total_cost")

    page.select_option("#id_fund", str(city.pk))
    assert page.locator("#id_category option").all_inner_texts() == ["助学"]
    assert not page.is_visible("#id_total_cost") and not page.is_visible("#id_reimbursed")
    assert page.is_disabled("#id_total_cost")
    page.wait_for_function("() => document.getElementById('estimate-amount').textContent.includes('10,000.00')")

    page.select_option("#id_fund", str(shunyi_fund.pk))
    assert page.is_visible("#id_total_cost") and page.is_enabled("#id_total_cost")


def test_a_liaison_registers_a_member_of_another_district_at_his_station_and_opens_his_page(
        page, live_server, liaison1, station1, daxing_station):
    member = f.MemberFactory(name="时某某", phone="13601012345", stations=[daxing_station])
    login(page, live_server, "liaison1")
    page.goto(live_server.url + "/cases/applications/new/")
    page.fill("#find_id_number", member.id_number)
    page.click("[data-testid=find-member] button[type=submit]")
    page.wait_for_selector("[data-testid=member-elsewhere]")
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "时*某" in text and "13601012345" not in text
    page.fill("#here_reason", "现在顺义区某单位工作")
    page.click("[data-testid=register-here] button[type=submit]")
    page.wait_for_selector("[data-testid=beneficiary-form]")
    page.goto(f"{live_server.url}/cases/members/{member.pk}/")
    page.wait_for_selector("[data-testid=member-data]")
    assert "13601012345" in page.inner_text("[data-testid=member-data]")
    assert station1.name in page.inner_text("[data-testid=member-stations]")
    assert "现在顺义区某单位工作" in page.inner_text("[data-testid=history]")
