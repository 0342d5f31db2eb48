"""A rule set that judged cases, its tiers, its diseases and the parameter values it took are read-only:
in the services, the admin and PostgreSQL itself. A correction is a new version or a new dated value.

The trust walk deleted diseases from an active used rule set in the admin, rewrote dated 低保 values and
added tiers, stopped only by a 500.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from cases.services import intake as svc
from funds import services
from funds.errors import RuleSetLocked
from funds.models import ParameterValue, RuleSet, Tier
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def refused(statement, params=()):
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        sql(statement, params)
    return str(excinfo.value)


@pytest.fixture
def disease(db):
    return f.DiseaseFactory(code="brain-tumour", name="脑肿瘤")


@pytest.fixture
def dibao(db):
    parameter = f.ParameterFactory()
    return [f.ParameterValueFactory(parameter=parameter, valid_from=dt.date(2021, 1, 1), value=Decimal("1245")),
            f.ParameterValueFactory(parameter=parameter, valid_from=dt.date(2022, 1, 1), value=Decimal("1320"))]


@pytest.fixture
def living_rules(shunyi_fund, dibao):
    category = f.AidCategoryFactory(code="living", name="生活救助", name_en="Living subsidy",
                                    required_documents=["id_copy"], checklist=["documents_seen"])
    rule_set = f.RuleSetFactory(fund=shunyi_fund, category=category, basis=RuleSet.Basis.NONE, minimum_basis=None,
                                effective_from=dt.date(2018, 1, 1))
    f.TierFactory(rule_set=rule_set, lower=Decimal("0"), upper=None, kind=Tier.Kind.PARAMETER, rate=None,
                  parameter=dibao[0].parameter, multiplier=Decimal("12"))
    return rule_set


def submit(liaison, station, fund, category, event_date):
    member = f.MemberFactory(stations=[station])
    case = svc.application_create(actor=liaison, member=member, station=station, fund=fund, category=category,
                                  event_date=event_date, total_cost=Decimal("100000"), reimbursed=Decimal("38000"),
                                  narrative="家庭困难。")
    for kind in category.required_documents:
        svc.document_add(actor=liaison, application=case, kind=kind, description="说明" if kind == "other" else "",
                         uploaded_file=SimpleUploadedFile(f"{kind}.pdf", PDF + kind.encode()))
    return svc.application_submit(actor=liaison, application=case)


@pytest.fixture
def used(shunyi_rules, disease, liaison1, station1):
    shunyi_rules.diseases.add(disease)
    submit(liaison1, station1, shunyi_rules.fund, shunyi_rules.category, dt.date(2022, 2, 10))
    shunyi_rules.refresh_from_db()
    return shunyi_rules


def test_submitting_a_case_puts_its_rule_set_in_use(used):
    assert used.in_use


def test_a_submitted_case_marks_the_parameter_value_it_was_judged_with(living_rules, dibao, liaison1, station1):
    submit(liaison1, station1, living_rules.fund, living_rules.category, dt.date(2021, 8, 15))
    submit(liaison1, station1, living_rules.fund, living_rules.category, dt.date(2021, 3, 1))
    for value in dibao:
        value.refresh_from_db()
    assert dibao[0].used_through == dt.date(2021, 8, 15)
    assert dibao[1].used_through is None


# --- PostgreSQL refuses, whoever sends the statement ------------------------------------------------------

def test_plain_sql_cannot_change_add_or_delete_the_tiers_of_a_rule_set_in_use(used):
    tier = used.tiers.first()
    assert "read-only" in refused("UPDATE funds_tier SET rate = 99 WHERE id = %s", [tier.pk])
    refused("DELETE FROM funds_tier WHERE rule_set_id = %s", [used.pk])
    refused("INSERT INTO funds_tier (rule_set_id, lower, kind, amount, label) VALUES (%s, 500000, 'fixed', 1, '')",
            [used.pk])
    assert used.tiers.count() == 3 and used.tiers.get(pk=tier.pk).rate == Decimal("15")


def test_plain_sql_cannot_change_the_diseases_of_a_rule_set_in_use(used, disease):
    refused("DELETE FROM funds_ruleset_diseases WHERE ruleset_id = %s", [used.pk])
    other = f.DiseaseFactory(code="stroke", name="脑卒中")
    refused("INSERT INTO funds_ruleset_diseases (ruleset_id, disease_id) VALUES (%s, %s)", [used.pk, other.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        disease.delete()
    assert list(used.diseases.all()) == [disease]


def test_plain_sql_cannot_change_or_delete_a_rule_set_in_use_but_may_close_its_period(used):
    refused("UPDATE funds_ruleset SET case_cap = 1 WHERE id = %s", [used.pk])
    refused("UPDATE funds_ruleset SET in_use = false WHERE id = %s", [used.pk])
    refused("UPDATE funds_ruleset SET status = 'draft' WHERE id = %s", [used.pk])
    refused("DELETE FROM funds_ruleset WHERE id = %s", [used.pk])
    sql("UPDATE funds_ruleset SET effective_to = '2026-12-31', status = 'retired' WHERE id = %s", [used.pk])
    used.refresh_from_db()
    assert used.case_cap is None and used.in_use and used.status == "retired"


def test_plain_sql_cannot_rewrite_a_parameter_value_that_judged_cases_nor_slip_one_before_its_use(
        living_rules, dibao, liaison1, station1):
    submit(liaison1, station1, living_rules.fund, living_rules.category, dt.date(2021, 8, 15))
    used_value = dibao[0]
    refused("UPDATE funds_parametervalue SET value = 2000 WHERE id = %s", [used_value.pk])
    refused("DELETE FROM funds_parametervalue WHERE id = %s", [used_value.pk])
    refused("INSERT INTO funds_parametervalue (parameter_id, valid_from, value, source) "
            "VALUES (%s, '2021-06-01', 1300, '')", [used_value.parameter_id])
    refused("UPDATE funds_parametervalue SET valid_from = '2021-07-01' WHERE id = %s", [dibao[1].pk])
    # After the last day it judged, a new dated value is the correction.
    sql("INSERT INTO funds_parametervalue (parameter_id, valid_from, value, source) VALUES (%s, '2021-09-01', 1300, '')",
        [used_value.parameter_id])
    used_value.refresh_from_db()
    assert used_value.value == Decimal("1245.00")


def test_a_rule_set_no_case_used_may_still_be_edited(shunyi_rules):
    sql("UPDATE funds_tier SET rate = 16 WHERE rule_set_id = %s AND kind = 'rate' AND lower = 20000",
        [shunyi_rules.pk])
    assert shunyi_rules.tiers.filter(rate=Decimal("16")).count() == 1


# --- the services -----------------------------------------------------------------------------------------

def test_the_services_refuse_to_edit_a_rule_set_in_use(used, admin_user):
    with pytest.raises(RuleSetLocked):
        services.rule_set_update(rule_set=used, actor=admin_user, case_cap=Decimal("1"))
    with pytest.raises(RuleSetLocked):
        services.rule_set_save_tiers(rule_set=used, actor=admin_user, tiers=[])
    assert services.rule_set_edit_refusal(used)


# --- the admin ----------------------------------------------------------------------------------------------

def test_the_admin_cannot_change_a_rule_set_in_use(client, admin_user, used):
    client.force_login(admin_user)
    change = reverse("admin:funds_ruleset_change", args=[used.pk])
    response = client.post(change, {"version_name": "改", "case_cap": "1"})
    assert response.status_code == 403
    used.refresh_from_db()
    assert used.version_name == "2022年修订"


def test_the_admin_cannot_add_a_tier_to_a_rule_set_in_use_and_says_why(client, admin_user, used):
    client.force_login(admin_user)
    response = client.post(reverse("admin:funds_tier_add"), {
        "rule_set": used.pk, "lower": "500000", "kind": "fixed", "amount": "1", "label": ""})
    assert response.status_code == 200
    assert "rule_set" in response.context["adminform"].form.errors
    assert used.tiers.count() == 3
    tier = used.tiers.first()
    assert client.post(reverse("admin:funds_tier_change", args=[tier.pk]),
                       {"rule_set": used.pk, "lower": "0", "kind": "fixed", "amount": "1"}).status_code == 403
    assert client.post(reverse("admin:funds_tier_delete", args=[tier.pk]), {"post": "yes"}).status_code == 403


def test_the_admin_cannot_delete_a_disease_of_a_rule_set_in_use(client, admin_user, used, disease):
    client.force_login(admin_user)
    response = client.post(reverse("admin:funds_disease_delete", args=[disease.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert list(used.diseases.all()) == [disease]
    changelist = client.get(reverse("admin:funds_disease_changelist")).content.decode()
    assert "delete_selected" not in changelist


def _parameter_post(parameter, new_rows):
    unused = list(parameter.values.filter(used_through__isnull=True).order_by("valid_from"))
    used_rows = parameter.values.filter(used_through__isnull=False).count()
    data = {"code": parameter.code, "name": parameter.name, "name_en": parameter.name_en, "unit": parameter.unit,
            "values-TOTAL_FORMS": str(used_rows), "values-INITIAL_FORMS": str(used_rows),
            "values-MIN_NUM_FORMS": "0", "values-MAX_NUM_FORMS": "0",
            "values-2-TOTAL_FORMS": str(len(unused) + len(new_rows)), "values-2-INITIAL_FORMS": str(len(unused)),
            "values-2-MIN_NUM_FORMS": "0", "values-2-MAX_NUM_FORMS": "1000"}
    for index, value in enumerate(parameter.values.filter(used_through__isnull=False).order_by("valid_from")):
        data.update({f"values-{index}-id": str(value.pk), f"values-{index}-parameter": str(parameter.pk)})
    for index, value in enumerate(unused):
        data.update({f"values-2-{index}-id": str(value.pk), f"values-2-{index}-parameter": str(parameter.pk),
                     f"values-2-{index}-valid_from": value.valid_from.isoformat(),
                     f"values-2-{index}-value": str(value.value), f"values-2-{index}-source": value.source})
    for offset, (valid_from, amount) in enumerate(new_rows):
        index = len(unused) + offset
        data.update({f"values-2-{index}-parameter": str(parameter.pk), f"values-2-{index}-valid_from": valid_from,
                     f"values-2-{index}-value": amount, f"values-2-{index}-source": ""})
    return data


def test_the_admin_shows_used_parameter_values_read_only_and_refuses_a_value_inside_their_use(
        client, admin_user, living_rules, dibao, liaison1, station1):
    submit(liaison1, station1, living_rules.fund, living_rules.category, dt.date(2021, 8, 15))
    parameter = dibao[0].parameter
    client.force_login(admin_user)
    change = reverse("admin:funds_parameter_change", args=[parameter.pk])
    page = client.get(change).content.decode()
    assert f'name="values-0-value"' not in page and "1245.00" in page
    response = client.post(change, _parameter_post(parameter, [("2021-06-01", "1300")]))
    assert response.status_code == 200
    assert "2021-08-16" in response.content.decode()
    assert not parameter.values.filter(valid_from=dt.date(2021, 6, 1)).exists()
    response = client.post(change, _parameter_post(parameter, [("2021-09-01", "1300")]))
    assert response.status_code == 302
    assert parameter.values.filter(valid_from=dt.date(2021, 9, 1), value=Decimal("1300")).exists()
    assert ParameterValue.objects.get(pk=dibao[0].pk).value == Decimal("1245.00")
    assert client.post(reverse("admin:funds_parameter_delete", args=[parameter.pk]), {"post": "yes"}).status_code \
        == 403
