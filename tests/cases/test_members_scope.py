"""Members belong to the stations they are registered at or have a case at; everyone else gets 404.

The attack of the trust walk: a Shunyi liaison walks member ids, opens a Daxing member, adds his mother to
the family and files a Shunyi draft for her. Every step must answer 404 and change nothing.
"""
import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.http import Http404
from django.urls import reverse

from cases.models import Application, FamilyMember, Member, MemberRegistration
from cases.selectors.intake import member_find, members_visible_to
from cases.services import intake as svc
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from reliefdesk.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"cases:{name}", args=args)


@pytest.fixture
def dx_liaison(daxing_station):
    return f.make_user("dx_liaison", Role.LIAISON, district=daxing_station.district, stations=[daxing_station])


@pytest.fixture
def daxing_member(daxing_station):
    return f.MemberFactory(name="时某某", phone="13601012345", card_number=f.luhn_complete("621700000180123456"),
                           bank_name="中国建设银行北京大兴支行", stations=[daxing_station])


@pytest.fixture
def daxing_case(daxing_member, daxing_station, daxing_fund, medical, dx_liaison):
    return f.ApplicationFactory(member=daxing_member, station=daxing_station, fund=daxing_fund, category=medical,
                                created_by=dx_liaison)


MOTHER = {"family-relation": "parent", "family-family_name": "时母", "add_family": "1"}


def test_walking_member_ids_as_another_districts_liaison_answers_404_everywhere(client, liaison1, daxing_case,
                                                                                station1):
    member = daxing_case.member
    MOTHER["family-family_id_number"] = f.make_id_number(area="110115", birth=dt.date(1948, 3, 2), seq=28)
    client.force_login(liaison1)
    assert client.get(url("member-detail", member.pk)).status_code == 404
    assert client.get(url("member-edit", member.pk)).status_code == 404
    assert client.post(url("member-edit", member.pk), {"name": "改名"}).status_code == 404
    assert client.post(url("member-family-add", member.pk), MOTHER).status_code == 404
    assert client.get(url("application-new-for-member", member.pk)).status_code == 404
    assert client.post(url("application-new-for-member", member.pk), MOTHER).status_code == 404
    assert client.post(url("application-new-for-member", member.pk),
                       {"beneficiary": "self", "station": station1.pk}).status_code == 404
    assert client.get(url("estimate", daxing_case.pk), {"total_cost": "100000"}).status_code == 404
    member.refresh_from_db()
    assert member.name == "时某某"
    assert not FamilyMember.objects.exists()
    assert Application.objects.count() == 1


def test_a_shunyi_draft_for_a_daxing_members_mother_is_refused_by_the_services(liaison1, daxing_member, station1,
                                                                               shunyi_fund, medical):
    with pytest.raises(Http404):
        svc.family_member_add(actor=liaison1, member=daxing_member, relation="parent", name="时母",
                              id_number=f.make_id_number(area="110115", birth=dt.date(1948, 3, 2), seq=28))
    mother = f.FamilyMemberFactory(member=daxing_member, relation="parent", name="时母")
    with pytest.raises(Http404):
        svc.application_create(actor=liaison1, member=daxing_member, beneficiary=mother, station=station1,
                               fund=shunyi_fund, category=medical)
    with pytest.raises(Http404):
        svc.member_update(actor=liaison1, member=daxing_member, phone="13900000000")
    assert not Application.objects.exists()
    assert not history_for(daxing_member).exists()


def test_finding_another_districts_member_by_id_tells_only_that_he_exists_and_his_masked_name(client, liaison1,
                                                                                              daxing_member):
    client.force_login(liaison1)
    response = client.get(url("application-new"), {"id_number": daxing_member.id_number})
    assert response.status_code == 200
    assert response.context["member"] is None and response.context["member_form"] is None
    html = response.content.decode()
    assert "时*某" in html and "时某某" not in html
    for secret in (daxing_member.phone, daxing_member.card_number, daxing_member.bank_name):
        assert secret not in html
    assert url("member-detail", daxing_member.pk) not in html
    assert url("application-new-for-member", daxing_member.pk) not in html
    # The ID number appears only as the liaison typed it: the search box, the page's own address (the
    # language menu returns to it) and the form sending it back.
    assert html.count(daxing_member.id_number) == 3
    assert 'data-testid="register-here"' in html


def test_registering_him_at_my_station_lets_the_liaison_proceed_and_the_history_says_who_where_and_why(
        client, liaison1, station1, daxing_member):
    client.force_login(liaison1)
    response = client.post(url("member-register-here"), {"id_number": daxing_member.id_number,
                                                         "reason": "现在顺义区某单位工作"})
    assert response.status_code == 302 and response.url == url("application-new-for-member", daxing_member.pk)
    registration = MemberRegistration.objects.get(member=daxing_member, station=station1)
    assert registration.source == MemberRegistration.Source.ADDED and registration.registered_by == liaison1
    event = history_for(daxing_member).get(action="member.registered_at_station")
    assert event.actor == liaison1 and event.reason == "现在顺义区某单位工作"
    assert event.data["station"] == station1.pk and event.data["district"] == "SY"
    assert client.get(url("application-new-for-member", daxing_member.pk)).status_code == 200
    assert client.get(url("member-detail", daxing_member.pk)).status_code == 200


def test_registering_without_a_reason_is_refused_beside_the_field_and_registers_nothing(client, liaison1,
                                                                                      daxing_member):
    client.force_login(liaison1)
    response = client.post(url("member-register-here"), {"id_number": daxing_member.id_number, "reason": " "})
    assert response.status_code == 400
    assert "reason" in response.context["register_form"].errors
    assert "时*某" in response.content.decode() and daxing_member.phone not in response.content.decode()
    assert not MemberRegistration.objects.filter(member=daxing_member).exclude(
        station__district__code="DX").exists()


def test_registering_a_member_twice_at_the_same_station_is_refused(liaison1, station1, daxing_member):
    svc.member_register_at_station(actor=liaison1, id_number=daxing_member.id_number, reason="调入顺义")
    with pytest.raises(DomainError) as excinfo:
        svc.member_register_at_station(actor=liaison1, id_number=daxing_member.id_number, reason="再次")
    assert excinfo.value.field == "station"
    assert MemberRegistration.objects.filter(member=daxing_member, station=station1).count() == 1


def test_a_reviewer_cannot_register_a_member_at_a_station(reviewer, daxing_member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        svc.member_register_at_station(actor=reviewer, id_number=daxing_member.id_number, reason="x")


def test_the_member_door_follows_stations_and_districts(liaison1, liaison2, reviewer, daxing_reviewer, admin_user,
                                                        station1, station2, daxing_member):
    at_station1 = f.MemberFactory(stations=[station1])
    with_a_case_at_station2 = f.MemberFactory()
    f.ApplicationFactory(member=with_a_case_at_station2, station=station2)

    def seen(user):
        return set(members_visible_to(user=user).values_list("pk", flat=True))

    assert seen(liaison1) == {at_station1.pk}
    assert seen(liaison2) == {with_a_case_at_station2.pk}
    assert seen(reviewer) == {at_station1.pk, with_a_case_at_station2.pk}
    assert seen(daxing_reviewer) == {daxing_member.pk}
    assert seen(admin_user) == {at_station1.pk, with_a_case_at_station2.pk, daxing_member.pk}


def test_a_district_reviewer_opens_his_districts_member_and_another_districts_reviewer_gets_404(
        client, reviewer, daxing_reviewer, daxing_member):
    client.force_login(daxing_reviewer)
    assert client.get(url("member-detail", daxing_member.pk)).status_code == 200
    client.force_login(reviewer)
    assert client.get(url("member-detail", daxing_member.pk)).status_code == 404


def test_a_liaison_of_the_next_station_finds_the_member_only_as_existing(liaison2, station1):
    member = f.MemberFactory(name="王建国", stations=[station1])
    found = member_find(user=liaison2, id_number=member.id_number)
    assert found.member is None and found.exists and found.masked_name == "王*国"
    assert member_find(user=liaison2, id_number=f.make_id_number(seq=999)).exists is False


def test_registering_a_new_member_registers_him_at_the_liaisons_station(liaison1, station1):
    member = svc.member_register(actor=liaison1, id_number=f.make_id_number(seq=432), name="刘德华")
    assert list(member.registrations.values_list("station_id", "source")) == [(station1.pk, "registered")]


def test_a_liaison_of_several_stations_must_say_where_the_member_is_registered(station1, station2):
    liaison = f.make_user("two_stations", Role.LIAISON, district=station1.district, stations=[station1, station2])
    with pytest.raises(DomainError) as excinfo:
        svc.member_register(actor=liaison, id_number=f.make_id_number(seq=433), name="刘德华")
    assert excinfo.value.field == "station" and not Member.objects.exists()
    member = svc.member_register(actor=liaison, station=station2, id_number=f.make_id_number(seq=433), name="刘德华")
    assert list(member.registrations.values_list("station_id", flat=True)) == [station2.pk]


def test_filing_at_another_of_his_stations_registers_the_member_there_too(station1, station2, shunyi_fund, medical,
                                                                          shunyi_rules):
    liaison = f.make_user("two_stations", Role.LIAISON, district=station1.district, stations=[station1, station2])
    member = f.MemberFactory(stations=[station1])
    case = svc.application_create(actor=liaison, member=member, station=station2, fund=shunyi_fund, category=medical,
                                  event_date=dt.date(2022, 2, 10), total_cost=Decimal("60000"))
    registration = member.registrations.get(station=station2)
    assert registration.source == MemberRegistration.Source.APPLICATION
    event = history_for(member).get(action="member.registered_at_station")
    assert event.data["application"] == case.reference


def test_existing_members_are_registered_where_they_have_cases_and_at_their_employers_station(station1, station2,
                                                                                              daxing_station):
    employer = f.EmployerFactory(district=station2.district, station=station2)
    member = f.MemberFactory(employer=employer)
    f.ApplicationFactory(member=member, station=station1)
    f.ApplicationFactory(member=member, station=station1)
    f.ApplicationFactory(member=member, station=daxing_station)
    loner = f.MemberFactory(employer=f.EmployerFactory(district=station1.district, station=None))
    migration = importlib.import_module("cases.migrations.0011_member_registrations")
    migration.register_existing_members(django_apps, None)
    assert set(member.registrations.values_list("station_id", "source")) == {
        (station1.pk, "application"), (daxing_station.pk, "application"), (station2.pk, "employer")}
    assert not loner.registrations.exists()
