"""The case list at any size: the same queries at every page size and depth, and search by the right index."""
from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Application, FamilyMember
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status
LIST = reverse("cases:application-list")

# Session, the user with his assignment and stations, the capped count, the page's rows (their ids read in order,
# joined to what they show), the filter form's three choice lists (in one query).
REVIEWER_QUERIES = 5
LIAISON_QUERIES = 5


def _cases(count, *, station, fund, category, **extra):
    member = f.MemberFactory()
    return [f.ApplicationFactory(station=station, fund=fund, category=category, member=member, **extra)
            for _ in range(count)]


def _shown(response) -> list[str]:
    return [a["reference"] for a in response.context["applications"]]


@pytest.mark.parametrize("rows", [2, 20, 100])
def test_the_reviewers_list_makes_the_same_queries_whatever_its_size(client, reviewer, station1, shunyi_fund,
                                                                     medical, rows, django_assert_num_queries):
    _cases(rows, station=station1, fund=shunyi_fund, category=medical)
    client.force_login(reviewer)
    client.get(LIST)
    with django_assert_num_queries(REVIEWER_QUERIES):
        response = client.get(LIST)
    assert len(response.context["applications"]) == min(rows, 25)


@pytest.mark.parametrize("rows", [2, 20, 100])
def test_the_liaisons_list_makes_the_same_queries_whatever_its_size(client, liaison1, station1, shunyi_fund,
                                                                    medical, rows, django_assert_num_queries):
    _cases(rows, station=station1, fund=shunyi_fund, category=medical)
    client.force_login(liaison1)
    client.get(LIST)
    with django_assert_num_queries(LIAISON_QUERIES):
        response = client.get(LIST, {"sort": "-self_paid"})
    assert len(response.context["applications"]) == min(rows, 25)


@pytest.mark.parametrize("page_size", [2, 20, 100])
def test_a_deep_page_of_a_list_too_long_to_count_makes_the_same_queries(client, reviewer, station1, shunyi_fund,
                                                                        medical, page_size, monkeypatch,
                                                                        django_assert_num_queries):
    monkeypatch.setattr("cases.views.intake.LIST_PAGE_SIZE", page_size)
    monkeypatch.setattr("cases.selectors.intake.COUNT_CAP", 10)
    cases = _cases(230, station=station1, fund=shunyi_fund, category=medical)
    newest_first = [c.reference for c in sorted(cases, key=lambda c: (c.created_at, c.pk), reverse=True)]
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(LIST)
    deep = 230 // page_size  # the last full page
    with django_assert_num_queries(REVIEWER_QUERIES):
        response = client.get(LIST, {"page": deep})
    assert _shown(response) == newest_first[(deep - 1) * page_size: deep * page_size]
    html = response.content.decode()
    assert "More than 10 applications" in html
    assert f"Page {deep}" in html and "Previous" in html


def test_a_list_too_long_to_count_pages_on_until_its_end(client, reviewer, station1, shunyi_fund, medical,
                                                         monkeypatch):
    monkeypatch.setattr("cases.views.intake.LIST_PAGE_SIZE", 2)
    monkeypatch.setattr("cases.selectors.intake.COUNT_CAP", 3)
    cases = _cases(7, station=station1, fund=shunyi_fund, category=medical)
    client.force_login(reviewer)
    seen, page = [], 1
    while True:
        response = client.get(LIST, {"page": page, "sort": "reference"})
        seen += _shown(response)
        if not response.context["page_obj"].has_next():
            break
        page += 1
    assert seen == sorted(c.reference for c in cases)
    assert page == 4
    # A page past the end shows the last one, as for a list that was counted.
    assert _shown(client.get(LIST, {"page": 99, "sort": "reference"})) == [max(c.reference for c in cases)]


def _page_query(queries) -> str:
    return max((q["sql"] for q in queries.captured_queries if '"cases_application"."reference"' in q["sql"]), key=len)


def test_a_whole_id_number_finds_its_case_exactly_and_nothing_of_another_district(
        client, reviewer, station1, daxing_station, shunyi_fund, daxing_fund, medical):
    member = f.MemberFactory()
    mine = f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical, member=member)
    f.ApplicationFactory(station=daxing_station, fund=daxing_fund, category=medical, member=member)
    near = f.MemberFactory(id_number=member.id_number[:14] + ("1" if member.id_number[14] != "1" else "2")
                           + member.id_number[15:17] + "0")
    f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical, member=near)
    client.force_login(reviewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"q": member.id_number.lower()})
    assert _shown(response) == [mine.reference]
    sql = _page_query(queries)
    assert "LIKE" not in sql.upper()
    assert f"= '{member.id_number}'" in sql or f"= {member.id_number}" in sql or "IN (" in sql


def test_the_members_whole_id_number_finds_the_case_of_his_family_member(client, reviewer, station1,
                                                                         shunyi_fund, medical):
    member = f.MemberFactory()
    child = FamilyMember.objects.create(member=member, relation=FamilyMember.Relation.CHILD, name="孙小圣",
                                        id_number=f.make_id_number(seq=777, birth=f.dt.date(2005, 3, 1)))
    case = f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical, member=member,
                                beneficiary=child, beneficiary_id_number=child.id_number,
                                beneficiary_name=child.name)
    client.force_login(reviewer)
    assert _shown(client.get(LIST, {"q": member.id_number})) == [case.reference]
    assert _shown(client.get(LIST, {"q": child.id_number})) == [case.reference]


def test_search_finds_a_reference_the_end_of_an_id_a_surname_and_a_piece_of_a_name(client, reviewer, station1,
                                                                                    shunyi_fund, medical):
    def case(name):
        return f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical, beneficiary_name=name)

    wukong, sun_ce, wang_sun = case("孙悟空"), case("孙策"), case("王孙")
    client.force_login(reviewer)

    def found(q):
        return set(_shown(client.get(LIST, {"q": q})))

    assert found(wukong.reference) == {wukong.reference}
    assert found(wukong.reference[:8]) == {wukong.reference, sun_ce.reference, wang_sun.reference}
    assert found(sun_ce.beneficiary_id_number[-6:]) == {sun_ce.reference}
    assert found(sun_ce.beneficiary_id_number[:17]) == {sun_ce.reference}
    assert found("孙") == {wukong.reference, sun_ce.reference}  # one character: the surname
    assert found("悟空") == {wukong.reference}
    assert found("王孙") == {wang_sun.reference}
    assert found("孙悟") == {wukong.reference}
    assert found("沙和尚") == set()


@pytest.mark.parametrize("q", ["孙\x00悟", "\x00", "' OR 1=1 --", "%", "_", "\\", "SY-", "   ", "ｘ" * 300])
def test_odd_search_text_gives_a_list_not_an_error(client, reviewer, station1, shunyi_fund, medical, q):
    f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical, beneficiary_name="孙悟空")
    client.force_login(reviewer)
    response = client.get(LIST, {"q": q})
    if "\x00" in q:  # refused for every page, with the reason (reliefdesk.middleware.RefuseNulMiddleware)
        assert response.status_code == 400
        assert "U+0000" in response.content.decode()
        return
    assert response.status_code == 200
    if q in ("%", "_", "\\", "' OR 1=1 --"):
        assert list(response.context["applications"]) == []


def test_every_sort_is_in_order_and_breaks_ties_the_same_way(client, reviewer, station1, shunyi_fund, medical):
    from decimal import Decimal

    for amount in ("500.00", "100.00", "500.00", "300.00"):
        f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical, total_cost=Decimal(amount),
                             reimbursed=Decimal("0.00"))
    client.force_login(reviewer)
    rows = list(Application.objects.order_by("self_paid", "id").values_list("reference", flat=True))
    assert _shown(client.get(LIST, {"sort": "self_paid"})) == rows
    assert _shown(client.get(LIST, {"sort": "-self_paid"})) == rows[::-1]


def _options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the select ``name`` as the browser gets it."""
    import re

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(value, label, bool(selected)) for value, selected, label
            in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)]


def test_the_filter_offers_the_users_stations_in_order_and_keeps_the_chosen_one(client, reviewer, liaison1, station1,
                                                                                 station2, daxing_station, medical,
                                                                                 shunyi_fund, daxing_fund):
    f.StationFactory(district=station1.district, code="SY00", name="顺义<零>站")  # sorts first; escaped
    medical.sort_order = 3
    medical.save()
    education = f.AidCategoryFactory(code="education", name="金秋助学", sort_order=1)
    f.AidCategoryFactory(code="accident", name="意外伤害救助", sort_order=2)  # by sort order, not by code
    client.force_login(reviewer)
    html = client.get(LIST, {"station": station2.pk, "category": education.pk}).content.decode()
    assert [label for _, label, _ in _options(html, "station")] == [
        "---------", "顺义&lt;零&gt;站", "顺义第一工会服务站", "顺义第二工会服务站"]  # no Daxing station
    assert [value for value, _, chosen in _options(html, "station") if chosen] == [str(station2.pk)]
    assert [label for _, label, _ in _options(html, "category")][1:] == ["金秋助学", "意外伤害救助", "大病医疗救助"]
    assert [value for value, _, chosen in _options(html, "category") if chosen] == [str(education.pk)]
    assert [value for value, _, _ in _options(html, "fund")] == ["", str(shunyi_fund.pk)]  # not Daxing's fund
    client.force_login(liaison1)
    html = client.get(LIST).content.decode()
    assert [value for value, _, _ in _options(html, "station")] == ["", str(station1.pk)]


@pytest.mark.parametrize("sort", ["-created", "created", "name", "-name", "reference", "-reference", "status",
                                  "-self_paid", "submitted", "-submitted", "event", "-event"])
def test_a_page_cut_from_few_matches_is_the_page_read_along_the_index(client, reviewer, station1, shunyi_fund,
                                                                      medical, monkeypatch, sort):
    """Up to the count's cap the page is cut from the sorted matches, above it read along the sort index: the
    same rows in the same order either way, ties and empty dates included."""
    import datetime as dt
    from decimal import Decimal

    from cases.selectors.intake import SORTS

    monkeypatch.setattr("cases.views.intake.LIST_PAGE_SIZE", 4)
    names = ["孙悟空", "孙策", "王孙", "Zhang", "阿大", "孙悟空", "林思新", "zhao", "王孙", "猪八戒", "沙僧"]
    for n, name in enumerate(names):
        f.ApplicationFactory(
            station=station1, fund=shunyi_fund, category=medical, beneficiary_name=name,
            total_cost=Decimal(100 * (n % 3) + 50), reimbursed=Decimal("0.00"),
            status=S.SUBMITTED if n % 2 else S.DRAFT,
            submitted_at=f.dt.datetime(2024, 5, 1 + n % 4, tzinfo=dt.timezone.utc) if n % 2 else None,
            event_date=None if n % 5 == 0 else dt.date(2023, 1, 1 + n % 3))
    expected = list(Application.objects.order_by(*SORTS[sort]).values_list("reference", flat=True))
    client.force_login(reviewer)

    def every_page():
        seen, page = [], 1
        while True:
            response = client.get(LIST, {"page": page, "sort": sort})
            seen += _shown(response)
            if not response.context["page_obj"].has_next():
                return seen
            page += 1

    assert every_page() == expected  # 11 matches under the cap of 1,000: cut from them
    monkeypatch.setattr("cases.selectors.intake.COUNT_CAP", 3)
    assert every_page() == expected  # "more than 3": read along the index
