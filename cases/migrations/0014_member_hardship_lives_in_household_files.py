"""Leaving hardship belongs to a household's file now, not to the member.

``Member.left_hardship_on`` predates the household files: the day a
household leaves hardship, its reason and who decided are kept on the file
(households.Household), and the head may be filed again later. A member's
old date is not lost: it is written to the member's history (an append-only
row) before the column goes, so there is one truth from here on.
"""
from django.db import migrations


def keep_old_dates_in_history(apps, schema_editor):
    Member = apps.get_model("cases", "Member")
    HistoryEvent = apps.get_model("reliefdesk", "HistoryEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    members = list(Member.objects.filter(left_hardship_on__isnull=False).values_list("pk", "left_hardship_on"))
    if not members:
        return
    member_type, _created = ContentType.objects.get_or_create(app_label="cases", model="member")
    HistoryEvent.objects.bulk_create([
        HistoryEvent(content_type=member_type, object_id=pk, actor=None, action="member.left_hardship_noted",
                     data={"left_hardship_on": day.isoformat()})
        for pk, day in members])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0013_rule_sets_that_judged_cases_are_in_use'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('reliefdesk', '0008_gap_free_counter'),
    ]

    operations = [
        migrations.RunPython(keep_old_dates_in_history, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='member',
            name='left_hardship_on',
        ),
    ]
