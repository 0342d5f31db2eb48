import datetime as dt

import pytest

from reliefdesk.models import Holiday
from reliefdesk.workdays import add_working_days, is_working_day, working_days_between
from tests.factories import HolidayFactory

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture(autouse=True)
def _hand_made_calendar(db):
    """These tests count across the holiday rows they make themselves, not the official calendar."""
    Holiday.objects.all().delete()


def national_day_2022():
    """2022: 1–7 October off; Saturday 8 and Sunday 9 October worked (调休)."""
    for day in range(1, 8):
        HolidayFactory(date=D(2022, 10, day), name="国庆节")
    HolidayFactory(date=D(2022, 10, 8), name="国庆节调休", is_workday=True)
    HolidayFactory(date=D(2022, 10, 9), name="国庆节调休", is_workday=True)


def test_five_working_days_from_a_monday_end_on_friday():
    assert add_working_days(D(2022, 3, 7), 5) == D(2022, 3, 11)


def test_a_notice_from_wednesday_skips_the_weekend():
    assert add_working_days(D(2022, 3, 9), 5) == D(2022, 3, 15)


def test_a_notice_started_on_a_saturday_counts_from_monday():
    assert add_working_days(D(2022, 3, 12), 1) == D(2022, 3, 14)
    assert add_working_days(D(2022, 3, 12), 5) == D(2022, 3, 18)


def test_one_working_day_on_a_working_day_is_that_day():
    assert add_working_days(D(2022, 3, 8), 1) == D(2022, 3, 8)


def test_a_public_holiday_is_skipped():
    HolidayFactory(date=D(2022, 4, 5), name="清明节")
    # Monday 4 April worked as usual here; Tuesday 5 April off.
    assert add_working_days(D(2022, 4, 4), 5) == D(2022, 4, 11)
    assert not is_working_day(D(2022, 4, 5))


def test_a_make_up_saturday_counts_as_a_working_day():
    HolidayFactory(date=D(2022, 4, 2), name="清明节调休", is_workday=True)
    assert is_working_day(D(2022, 4, 2))
    # Friday 1 April, Saturday 2 April (worked), Monday 4, Tuesday 5, Wednesday 6.
    assert add_working_days(D(2022, 4, 1), 5) == D(2022, 4, 6)


def test_a_notice_over_national_day_week_waits_for_the_holiday_to_end():
    national_day_2022()
    # Thursday 29 and Friday 30 September, then 1–7 October off, then the worked weekend 8–9 October,
    # then Monday 10 October.
    assert add_working_days(D(2022, 9, 29), 5) == D(2022, 10, 10)
    assert working_days_between(D(2022, 10, 1), D(2022, 10, 7)) == 0
    assert working_days_between(D(2022, 9, 29), D(2022, 10, 10)) == 5


def test_a_notice_starting_on_national_day_begins_on_the_make_up_saturday():
    national_day_2022()
    assert add_working_days(D(2022, 10, 1), 1) == D(2022, 10, 8)
    assert add_working_days(D(2022, 10, 3), 5) == D(2022, 10, 12)


def test_a_notice_of_zero_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2022, 3, 7), 0)


def test_a_long_notice_looks_beyond_its_first_horizon():
    # 100 working days: 20 weeks of five days.
    assert add_working_days(D(2022, 3, 7), 100) == D(2022, 7, 22)
