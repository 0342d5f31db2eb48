import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Application
from cases.selectors.intake import applications_visible_to, duplicate_warnings, invoice_conflicts
from tests import factories as f

S = Application.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def case(station1, shunyi_fund, medical, liaison1):
    return f.ApplicationFactory(station=station1, fund=shunyi_fund, category=medical, created_by=liaison1,
                                event_date=dt.date(2022, 2, 10), status=S.SUBMITTED,
                                submitted_at=timezone.make_aware(dt.datetime(2022, 3, 1, 10)))


def test_a_liaison_sees_only_his_stations_applications(case, station2, liaison1, liaison2, reviewer,
                                                       daxing_reviewer, admin_user):
    other = f.ApplicationFactory(station=station2, fund=case.fund, category=case.category)
    assert list(applications_visible_to(user=liaison1)) == [case]
    assert list(applications_visible_to(user=liaison2)) == [other]
    assert set(applications_visible_to(user=reviewer)) == {case, other}
    assert list(applications_visible_to(user=daxing_reviewer)) == []
    assert set(applications_visible_to(user=admin_user)) == {case, other}


def test_the_same_person_in_the_same_category_within_a_year_is_a_duplicate_with_its_reference(
        case, station2, reviewer):
    other = f.ApplicationFactory(station=station2, fund=case.fund, category=case.category, member=case.member,
                                 event_date=dt.date(2021, 6, 1), status=S.PAID)
    warnings = duplicate_warnings(application=case, user=reviewer)
    assert [(w.reference, w.status, w.visible) for w in warnings] == [(other.reference, S.PAID, True)]


def test_a_liaison_learns_only_the_district_and_month_of_a_case_outside_his_stations(
        case, station2, liaison1, daxing_station, daxing_fund):
    f.ApplicationFactory(station=daxing_station, fund=daxing_fund, category=case.category, member=case.member,
                         event_date=dt.date(2021, 11, 5), status=S.APPROVED)
    [warning] = duplicate_warnings(application=case, user=liaison1)
    assert warning.visible is False
    assert warning.reference == "" and warning.status == ""
    assert (warning.district_name, warning.month) == ("大兴", "2021-11")


def test_rejected_withdrawn_other_categories_and_old_cases_are_not_duplicates(case, station1, reviewer):
    f.ApplicationFactory(station=station1, fund=case.fund, category=case.category, member=case.member,
                         status=S.REJECTED)
    f.ApplicationFactory(station=station1, fund=case.fund, category=case.category, member=case.member,
                         status=S.WITHDRAWN)
    f.ApplicationFactory(station=station1, fund=case.fund, category=f.AidCategoryFactory(code="emergency"),
                         member=case.member)
    old = f.ApplicationFactory(station=station1, fund=case.fund, category=case.category, member=case.member,
                               event_date=dt.date(2020, 1, 5), status=S.PAID,
                               submitted_at=timezone.make_aware(dt.datetime(2020, 1, 20, 9)))
    Application.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(dt.datetime(2020, 1, 10, 9)))
    assert duplicate_warnings(application=case, user=reviewer) == []


def test_an_invoice_claimed_twice_is_flagged_on_both_cases_across_districts(
        case, daxing_station, daxing_fund, reviewer, daxing_reviewer):
    other = f.ApplicationFactory(station=daxing_station, fund=daxing_fund, category=case.category,
                                 status=S.SUBMITTED, event_date=dt.date(2019, 5, 1))
    f.InvoiceNumberFactory(application=case, number="110022001234")
    f.InvoiceNumberFactory(application=case, number="110022009999")
    f.InvoiceNumberFactory(application=other, number="110022001234")

    [mine] = invoice_conflicts(application=case, user=reviewer)
    assert mine.number == "110022001234"
    assert mine.other.visible is False and mine.other.district_name == "大兴"
    [theirs] = invoice_conflicts(application=other, user=daxing_reviewer)
    assert theirs.number == "110022001234"
    assert theirs.other.visible is False and theirs.other.district_name == "顺义"
    [as_admin] = invoice_conflicts(application=other, user=f.make_user("root", "admin"))
    assert as_admin.other.reference == case.reference


def test_an_invoice_of_a_withdrawn_case_is_no_conflict(case, station2, reviewer):
    other = f.ApplicationFactory(station=station2, fund=case.fund, category=case.category, status=S.WITHDRAWN)
    f.InvoiceNumberFactory(application=case, number="A1")
    f.InvoiceNumberFactory(application=other, number="A1")
    assert invoice_conflicts(application=case, user=reviewer) == []
