"""Seed every year the installed chinesecalendar package knows (a frozen copy of seed.py: migrations never
import app code). Years after the package's last year stay unknown until an administrator enters them."""

from importlib.metadata import version

from django.db import migrations

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def seed_years(apps, schema_editor):
    import chinese_calendar

    HolidayYear = apps.get_model("calendar", "HolidayYear")
    CalendarDay = apps.get_model("calendar", "CalendarDay")
    source = f"chinesecalendar {version('chinesecalendar')}"
    days = [(day, "holiday", name) for day, name in chinese_calendar.holidays.items()]
    days += [(day, "workday", name) for day, name in chinese_calendar.workdays.items() if day.weekday() >= 5]
    existing = set(HolidayYear.objects.values_list("year", flat=True))
    years = sorted({day.year for day, _kind, _name in days} - existing)
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, year=day.year, kind=kind, name=HOLIDAY_NAMES.get(name, name))
        for day, kind, name in sorted(days)
        if day.year in years
    )
    HolidayYear.objects.bulk_create(HolidayYear(year=year, status="seeded", source=source) for year in years)


def unseed_years(apps, schema_editor):
    HolidayYear = apps.get_model("calendar", "HolidayYear")
    CalendarDay = apps.get_model("calendar", "CalendarDay")
    seeded = HolidayYear.objects.filter(status="seeded", source__startswith="chinesecalendar ")
    CalendarDay.objects.filter(year__in=seeded.values("year")).delete()
    seeded.delete()


class Migration(migrations.Migration):
    dependencies = [("calendar", "0001_holiday_table")]

    operations = [migrations.RunPython(seed_years, unseed_years)]
