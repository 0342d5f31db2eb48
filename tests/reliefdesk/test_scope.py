"""Who sees what: stations for liaisons, districts for district roles."""
from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Application
from reliefdesk.models import Role, Station
from reliefdesk.scope import (
    districts_visible_to,
    get_scoped_or_404,
    require_role,
    scope_queryset,
    stations_visible_to,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(station1, station2, daxing_station, shunyi_fund, daxing_fund, medical):
    return {
        "a": f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical),
        "b": f.ApplicationFactory(station=station2, fund=shunyi_fund, category=medical),
        "dx": f.ApplicationFactory(station=daxing_station, fund=daxing_fund, category=medical,
                                   reference="DX-2022-00001"),
    }


def visible(user):
    return set(scope_queryset(Application.objects.all(), user).values_list("reference", flat=True))


def test_a_liaison_sees_only_his_stations_applications(cases, liaison1):
    assert visible(liaison1) == {cases["a"].reference}


def test_a_liaison_of_station_a_gets_404_for_station_b(cases, liaison1):
    with pytest.raises(Http404):
        get_scoped_or_404(Application.objects.all(), liaison1, pk=cases["b"].pk)


def test_a_shunyi_reviewer_sees_nothing_of_daxing(cases, reviewer):
    assert visible(reviewer) == {cases["a"].reference, cases["b"].reference}
    with pytest.raises(Http404):
        get_scoped_or_404(Application.objects.all(), reviewer, pk=cases["dx"].pk)


def test_a_daxing_reviewer_sees_only_daxing(cases, daxing_reviewer):
    assert visible(daxing_reviewer) == {"DX-2022-00001"}


def test_an_administrator_sees_everything(cases, admin_user):
    assert len(visible(admin_user)) == 3


def test_a_user_without_an_assignment_sees_nothing(cases):
    assert visible(f.UserFactory(username="nobody")) == set()


def test_a_missing_record_and_a_record_out_of_scope_look_the_same(cases, liaison1):
    for pk in (cases["b"].pk, 999_999):
        with pytest.raises(Http404):
            get_scoped_or_404(Application.objects.all(), liaison1, pk=pk)


def test_stations_and_districts_follow_the_assignment(liaison1, reviewer, station1, station2, daxing_station):
    assert list(stations_visible_to(user=liaison1)) == [station1]
    assert set(stations_visible_to(user=reviewer)) == {station1, station2}
    assert [d.code for d in districts_visible_to(user=reviewer)] == ["SY"]
    assert [d.code for d in districts_visible_to(user=liaison1)] == ["SY"]


def test_records_without_a_station_are_scoped_by_district_for_liaisons(liaison1, shunyi_fund, daxing_fund):
    from funds.models import Fund

    slugs = set(scope_queryset(Fund.objects.all(), liaison1, station=None).values_list("slug", flat=True))
    assert slugs == {"shunyi"}


def test_a_wrong_role_is_refused_with_403(liaison1, admin_user):
    with pytest.raises(PermissionDenied):
        require_role(liaison1, Role.FINANCE)
    assert require_role(admin_user, Role.FINANCE) == Role.ADMIN


def test_the_role_is_also_a_django_group(liaison1, station1):
    assert list(liaison1.groups.values_list("name", flat=True)) == ["liaison"]
    assert liaison1.has_perm("cases.add_application")
    assert not liaison1.has_perm("donations.add_donation")
    assert Station.objects.filter(liaisons__user=liaison1).get() == station1
