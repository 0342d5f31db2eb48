"""The State Council's holidays and make-up working days 2004–2026 (chinesecalendar 1.11.0).

Without them every install counted a notice across National Day as working
days. A date already in the table takes the official entry; later years are
entered by an administrator (reliefdesk.holidays.holiday_year_enter).
"""
from django.db import migrations


def install(apps, schema_editor):
    from reliefdesk.holidays import install_official_calendar

    install_official_calendar(apps.get_model("reliefdesk", "Holiday"), apps.get_model("reliefdesk", "HolidayYear"))


def remove(apps, schema_editor):
    from reliefdesk.holidays import OFFICIAL_SOURCE, official_calendar

    Holiday = apps.get_model("reliefdesk", "Holiday")
    HolidayYear = apps.get_model("reliefdesk", "HolidayYear")
    years = list(HolidayYear.objects.filter(source=OFFICIAL_SOURCE).values_list("year", flat=True))
    calendar = official_calendar()
    Holiday.objects.filter(date__in=[day.date for year in years for day in calendar.get(year, [])]).delete()
    HolidayYear.objects.filter(year__in=years).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("reliefdesk", "0004_holiday_arrangements"),
    ]

    operations = [
        migrations.RunPython(install, remove),
    ]
