"""The household figures of the dashboard: on file at the period's start and end and over time, filed, left."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from households.models import Household
from reports.households import household_figures
from reliefdesk.scope import role_of
from reports.periods import Period
from tests import factories as f

pytestmark = pytest.mark.django_db

D = dt.date
S = Household.Status
Q1 = Period.quarter(2019, 1)


def filed(station, on, *, left=None, causes=("illness",)):
    return f.HouseholdFactory(station=station, status=S.LEFT if left else S.ON_FILE, filed_on=on, left_on=left,
                              exit_reason="own_request" if left else "", causes=list(causes),
                              next_review_due=None if left else on.replace(year=on.year + 1))


@pytest.fixture
def files(station1, station2, daxing_station):
    filed(station1, D(2016, 12, 20), left=D(2019, 3, 18), causes=["illness", "schooling"])  # 老王-like: leaves in Q1
    filed(station1, D(2017, 6, 1), left=D(2018, 12, 31))  # left before the period
    filed(station1, D(2018, 5, 1), left=D(2019, 1, 1))  # leaves on the period's first day
    filed(station2, D(2018, 7, 1), causes=["schooling"])
    filed(station2, D(2019, 2, 14), causes=["disability"])  # filed in Q1
    filed(station1, D(2019, 4, 1))  # after the period
    f.HouseholdFactory(station=station1, status=S.IN_REVIEW, filed_on=None, next_review_due=None)  # not yet filed
    filed(daxing_station, D(2018, 1, 1))  # another district


def test_on_file_at_the_start_and_end_filed_and_left_in_the_period(reviewer, files):
    figures = household_figures(reviewer, Q1)
    # 31 December 2018: the 2016, May 2018 and July 2018 files (the 2017 one left that day).
    assert figures.totals == {"at_start": 3, "at_end": 2, "filed": 1, "left": 2}
    with translation.override("zh-hans"):
        assert figures.sentence == "2019年第一季度，在档困难职工家庭由3户减少至2户"
    with translation.override("en"):
        assert household_figures(reviewer, Q1).sentence == (
            "2019年第一季度: needy-worker households on file went down from 3 to 2")


def test_by_cause_and_by_station(reviewer, files, station1, station2):
    figures = household_figures(reviewer, Q1)
    with translation.override("en"):
        assert household_figures(reviewer, Q1).by_cause == [("Schooling", 1), ("Disability", 1)]
    rows = {row.name: (row.on_file, row.filed, row.left) for row in figures.by_station}
    assert rows == {station1.name: (0, 0, 2), station2.name: (2, 1, 0)}


def test_over_time_counts_each_month_end_for_at_least_twelve_months(reviewer, files):
    points = dict(household_figures(reviewer, Q1).over_time)
    assert len(points) == 12 and min(points) == D(2018, 4, 30) and max(points) == D(2019, 3, 31)
    assert (points[D(2018, 4, 30)], points[D(2018, 7, 31)], points[D(2018, 12, 31)], points[D(2019, 2, 28)],
            points[D(2019, 3, 31)]) == (2, 4, 3, 3, 2)


def test_a_custom_period_ending_mid_month_ends_its_chart_on_its_last_day(reviewer, files):
    points = household_figures(reviewer, Period.custom(D(2019, 1, 1), D(2019, 3, 17))).over_time
    assert points[-1] == (D(2019, 3, 17), 3)


def test_a_liaison_counts_the_files_of_his_stations(liaison1, files):
    assert household_figures(liaison1, Q1).totals == {"at_start": 2, "at_end": 0, "filed": 0, "left": 2}


@pytest.mark.parametrize("count", [2, 20])
def test_the_figures_cost_one_query_whatever_the_number_of_files(reviewer, station1, count,
                                                                  django_assert_num_queries):
    for day in range(count):
        filed(station1, D(2018, 1, 1) + dt.timedelta(days=day * 10))
    reviewer_figures = household_figures(reviewer, Q1)
    role_of(reviewer)  # the user's assignment, read once per request
    with django_assert_num_queries(1):
        assert reviewer_figures.totals["at_end"] == count
        reviewer_figures.by_cause
        reviewer_figures.by_station
        reviewer_figures.over_time


def test_the_dashboard_shows_the_household_figures(client, reviewer, files):
    client.force_login(reviewer)
    html = client.get(reverse("reports:dashboard"), {"kind": "quarter", "year": "2019", "quarter": "1"}).content.decode()
    assert "在档困难职工家庭由3户减少至2户" in html
    assert 'data-testid="chart-households"' in html
