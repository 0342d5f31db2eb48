"""The official holidays are in every install; an administrator enters a new year's arrangement."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from reliefdesk.holidays import holiday_year_enter, lines_from_text
from reliefdesk.history import history_for
from reliefdesk.errors import DomainError
from reliefdesk.models import Holiday, HolidayYear
from reliefdesk.workdays import add_working_days, is_working_day, missing_arrangements

pytestmark = pytest.mark.django_db

D = dt.date
# An arrangement for 2027 in the State Council's usual shape (invented for the tests: the real one is
# published in late 2026).
ARRANGEMENT_2027 = """
2027-01-01 元旦
2027-01-02 元旦
2027-01-03 元旦
2027-02-05 春节
2027-02-06 春节
2027-02-07 春节
2027-02-08 春节
2027-02-09 春节
2027-02-10 春节
2027-02-11 春节
2027-02-13 春节调休上班 上班
2027-10-01 国庆节
2027-10-02 国庆节
2027-10-03 国庆节
2027-10-04 国庆节
2027-10-05 国庆节
2027-10-06 国庆节
2027-10-07 国庆节
2027-09-26 国庆节调休上班 上班
2027-10-09 国庆节调休上班 上班
"""


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def test_every_install_has_the_arrangements_from_2004_to_2026():
    assert list(HolidayYear.objects.values_list("year", flat=True)) == list(range(2004, 2027))
    assert all(Holiday.objects.filter(date__year=year, is_workday=False).count() >= 10 for year in range(2004, 2027))


def test_national_day_2026_is_off_and_its_make_up_saturday_is_worked():
    assert all(not is_working_day(D(2026, 10, day)) for day in range(1, 8))
    assert is_working_day(D(2026, 9, 20)) and is_working_day(D(2026, 10, 10))
    assert Holiday.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert Holiday.objects.get(date=D(2026, 10, 10)).name == "国庆节调休上班"


def test_five_working_days_from_30_september_2026_end_on_12_october():
    # 30 Sep, then 1–7 October off, Thursday 8, Friday 9, the worked Saturday 10, Monday 12.
    assert add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 12)


def test_the_new_year_moved_into_december_counts_for_the_next_year():
    # 2018-12-29 was worked and 2018-12-31 was off for New Year 2019.
    assert is_working_day(D(2018, 12, 29)) and not is_working_day(D(2018, 12, 31))


def test_a_period_reaching_2027_or_its_new_year_days_depends_on_2027():
    assert missing_arrangements(D(2026, 12, 21), D(2027, 1, 4)) == [2027]
    assert missing_arrangements(D(2026, 12, 21), D(2026, 12, 29)) == [2027]
    assert missing_arrangements(D(2026, 12, 14), D(2026, 12, 18)) == []


def test_an_administrator_enters_2027_typed_in(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("holiday-year-new")).context["form"]["year"].value() == 2027

    response = client.post(reverse("holiday-year-new"), {"year": "2027", "source": "国办发明电〔2026〕7号",
                                                          "days": ARRANGEMENT_2027})

    assert response.status_code == 302
    arrangement = HolidayYear.objects.get(year=2027)
    assert (arrangement.source, arrangement.entered_by) == ("国办发明电〔2026〕7号", admin_user)
    assert Holiday.objects.filter(date__year=2027, is_workday=False).count() == 17
    assert set(Holiday.objects.filter(date__year=2027, is_workday=True).values_list("date", flat=True)) == {
        D(2027, 2, 13), D(2027, 9, 26), D(2027, 10, 9)}
    assert [e.action for e in history_for(arrangement)] == ["holiday_year.entered"]
    assert missing_arrangements(D(2026, 12, 21), D(2027, 1, 4)) == []
    page = client.get(reverse("holiday-years")).content.decode()
    assert 'data-year="2027"' in page and "国办发明电〔2026〕7号" in page


def test_an_administrator_enters_2027_as_an_xlsx(client, admin_user):
    workbook = Workbook()
    ws = workbook.active
    ws.append(["日期", "名称", "上班"])
    ws.append([dt.datetime(2027, 1, 1), "元旦", None])
    ws.append(["2027-02-13", "春节调休上班", "上班"])
    ws.append([dt.date(2027, 10, 1), "国庆节", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(admin_user)

    response = client.post(reverse("holiday-year-new"), {
        "year": "2027", "file": SimpleUploadedFile("2027.xlsx", buffer.getvalue())})

    assert response.status_code == 302
    assert list(Holiday.objects.filter(date__year=2027).values_list("date", "is_workday")) == [
        (D(2027, 1, 1), False), (D(2027, 2, 13), True), (D(2027, 10, 1), False)]


@pytest.mark.parametrize(("days", "message"), [
    ("2027-02-30 春节", "“2027-02-30” is not a date"),
    ("2028-01-01 元旦", "2028-01-01 is outside the 2027 arrangement"),
    ("2027-01-01 元旦\n2027-01-01 元旦", "2027-01-01 is listed twice (also on line 1)"),
    ("2027-01-04 元旦调休 上班", "2027-01-04 is a Monday; a make-up working day is a Saturday or Sunday"),
    ("2027-01-01", "2027-01-01 needs the holiday's name"),
    ("2027-01-01 元旦 也许", "write 上班 for a make-up working day"),
    ("2027-02-13 春节调休 上班", "The arrangement has no day off."),
])
def test_a_bad_line_is_refused_beside_the_days_and_nothing_is_entered(client, admin_user, days, message):
    client.force_login(admin_user)
    response = client.post(reverse("holiday-year-new"), {"year": "2027", "days": days})
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["days"]), response.context["form"].errors
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert not Holiday.objects.filter(date__year=2027).exists()
    assert days.splitlines()[0] in response.content.decode()  # what was typed is kept


def test_a_year_already_in_the_calendar_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("holiday-year-new"), {"year": "2026", "days": "2026-12-31 测试"})
    assert "The arrangement for 2026 is already in the calendar." in response.context["form"].errors["year"]
    assert not Holiday.objects.filter(date=D(2026, 12, 31)).exists()


def test_a_day_already_in_the_calendar_is_refused(admin_user):
    Holiday.objects.create(date=D(2027, 1, 1), name="元旦")
    with pytest.raises(DomainError) as info:
        holiday_year_enter(actor=admin_user, year=2027, source="", lines=lines_from_text(ARRANGEMENT_2027))
    assert info.value.field == "days" and "2027-01-01 元旦" in info.value.message
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert Holiday.objects.filter(date__year=2027).count() == 1


def test_only_an_administrator_enters_holidays(client, reviewer):
    client.force_login(reviewer)
    assert client.get(reverse("holiday-years")).status_code == 403
    assert client.post(reverse("holiday-year-new"), {"year": "2027", "days": ARRANGEMENT_2027}).status_code == 403
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_typing_and_uploading_at_once_is_refused(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("holiday-year-new"), {
        "year": "2027", "days": "2027-01-01 元旦", "file": SimpleUploadedFile("x.xlsx", b"PK")})
    assert response.status_code == 200
    assert not HolidayYear.objects.filter(year=2027).exists()
