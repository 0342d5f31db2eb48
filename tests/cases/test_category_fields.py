"""Each category asks for its own facts and documents.

助学 and 生活救助 are not judged by a medical bill: they do not ask for the total medical cost, the
insurance reimbursement or other aid; only categories with a rule set in force for the fund are offered;
an "other" document says what it is, wherever documents are listed.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.forms.intake import FactsForm
from cases.models import Document
from cases.services import intake as svc
from funds.models import RuleSet, Tier
from reliefdesk.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def city_fund(db):
    return f.FundFactory(slug="city", name="市总工会困难职工帮扶", district=None)


@pytest.fixture
def education(city_fund):
    category = f.AidCategoryFactory(code="education", name="助学", name_en="Education aid",
                                    required_documents=["id_copy", "other"], checklist=["documents_seen"])
    rule_set = f.RuleSetFactory(fund=city_fund, category=category, basis=RuleSet.Basis.NONE, minimum_basis=None,
                                family_allowed=True, effective_from=dt.date(2018, 1, 1))
    f.TierFactory(rule_set=rule_set, lower=Decimal("0"), upper=None, kind=Tier.Kind.FIXED, rate=None,
                  amount=Decimal("10000"))
    return category


@pytest.fixture
def draft(liaison1, station1, shunyi_fund, medical, shunyi_rules):
    member = f.MemberFactory(name="王建国", stations=[station1])
    return svc.application_create(actor=liaison1, member=member, station=station1, fund=shunyi_fund,
                                  category=medical, event_date=dt.date(2022, 2, 10), total_cost=Decimal("100000"),
                                  reimbursed=Decimal("38000"), narrative="家庭困难。")


def facts_url(application):
    return reverse("cases:application-step", args=[application.pk, "facts"])


def test_education_aid_is_saved_without_any_medical_amount_and_ignores_what_was_left_in_them(
        client, liaison1, draft, city_fund, education):
    client.force_login(liaison1)
    response = client.post(facts_url(draft), {
        "fund": city_fund.pk, "category": education.pk, "event_date": "2022-09-01", "total_cost": "abc",
        "reimbursed": "", "narrative": "孩子考上大学，家庭困难。", "save": "1"})
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert (draft.category, draft.fund) == (education, city_fund)
    assert (draft.total_cost, draft.reimbursed, draft.other_aid, draft.self_paid) == (Decimal("0"),) * 4
    assert draft.estimate_amount == Decimal("10000.00")


def test_medical_aid_still_asks_for_the_total_medical_cost(client, liaison1, draft, shunyi_fund, medical):
    client.force_login(liaison1)
    response = client.post(facts_url(draft), {
        "fund": shunyi_fund.pk, "category": medical.pk, "event_date": "2022-02-10", "total_cost": "",
        "reimbursed": "0", "other_aid": "0", "narrative": "住院", "save": "1"})
    assert response.status_code == 200
    assert "total_cost" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.total_cost == Decimal("100000.00")


def test_only_categories_with_a_rule_set_in_force_for_the_fund_are_offered(liaison1, draft, city_fund, education,
                                                                            medical):
    form = FactsForm(application=draft, initial={"fund": draft.fund, "category": draft.category,
                                                 "event_date": draft.event_date})
    assert list(form.fields["category"].queryset) == [medical]
    # A draft of the city fund is offered its education aid, not Shunyi's medical aid.
    draft.fund = city_fund
    draft.category = education
    form = FactsForm(application=draft, initial={"fund": city_fund, "category": education,
                                                 "event_date": dt.date(2022, 9, 1)})
    assert list(form.fields["category"].queryset) == [education]


def test_a_category_whose_rule_set_starts_after_the_event_is_refused_beside_the_category(client, liaison1, draft,
                                                                                         city_fund, education):
    client.force_login(liaison1)
    response = client.post(facts_url(draft), {
        "fund": city_fund.pk, "category": education.pk, "event_date": "2017-06-01", "narrative": "x", "save": "1"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["category"]
    draft.refresh_from_db()
    assert draft.category.code == "medical"


def test_the_facts_page_hides_the_medical_amounts_for_a_category_judged_without_them(client, liaison1, draft,
                                                                                     city_fund, education):
    svc.application_update(actor=liaison1, application=draft, fund=city_fund, category=education,
                           event_date=dt.date(2022, 9, 1), total_cost=Decimal("0"), reimbursed=Decimal("0"))
    client.force_login(liaison1)
    html = client.get(facts_url(draft)).content.decode()
    assert html.count('data-basis="self_paid" hidden') == 4
    assert "data-rule-sets=" in html and "data-categories=" in html


def upload(name, content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_an_other_document_without_a_description_is_refused_beside_it_and_the_rest_is_kept(client, liaison1,
                                                                                         draft):
    client.force_login(liaison1)
    url = reverse("cases:application-step", args=[draft.pk, "documents"])
    response = client.post(url, {"file_other": upload("letter.pdf", PDF + b"%other\n"),
                                 "file_diagnosis": upload("diagnosis.pdf"), "save": "1"})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["description_other"]
    assert list(draft.documents.values_list("kind", flat=True)) == ["diagnosis"]
    client.post(url, {"file_other": upload("letter.pdf", PDF + b"%other\n"), "description_other": "录取通知书",
                      "save": "1"})
    other = draft.documents.get(kind=Document.Kind.OTHER)
    assert other.description == "录取通知书" and other.label == "其他：录取通知书"


def test_an_other_documents_description_is_shown_wherever_documents_are_listed(client, liaison1, reviewer, draft):
    svc.document_add(actor=liaison1, application=draft, kind="other", uploaded_file=upload("x.pdf"),
                     description="学生证")
    client.force_login(liaison1)
    for name in ("application-detail", "application-print"):
        assert "其他：学生证" in client.get(reverse(f"cases:{name}", args=[draft.pk])).content.decode()
    assert "其他：学生证" in client.get(reverse("cases:application-step", args=[draft.pk, "documents"])).content.decode()
    client.force_login(reviewer)
    assert "其他：学生证" in client.get(reverse("cases:review", args=[draft.pk])).content.decode()


def test_the_service_refuses_an_other_document_that_does_not_say_what_it_is(liaison1, draft):
    with pytest.raises(DomainError) as excinfo:
        svc.document_add(actor=liaison1, application=draft, kind="other", uploaded_file=upload("x.pdf"),
                         description="  ")
    assert excinfo.value.field == "description"
    assert not draft.documents.exists()
