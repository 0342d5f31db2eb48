"""Payout sheet numbers continue from the core's gap-free counter, from the highest number given so far."""
from django.db import migrations


def forwards(apps, schema_editor):
    Counter = apps.get_model("reliefdesk", "Counter")
    PayoutSheet = apps.get_model("payouts", "PayoutSheet")
    last: dict[str, int] = {}
    for district_id, number in PayoutSheet.objects.values_list("district_id", "number"):
        parts = number.rsplit("-", 2)  # SY-BF-2022-0001
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            key = f"payout_sheet:{district_id}:{parts[1]}"
            last[key] = max(last.get(key, 0), int(parts[2]))
    Counter.objects.bulk_create([Counter(key=key, last=value) for key, value in last.items()])


def backwards(apps, schema_editor):
    apps.get_model("reliefdesk", "Counter").objects.filter(key__startswith="payout_sheet:").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("payouts", "0002_content_types_follow_the_move"),
        ("reliefdesk", "0008_gap_free_counter"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
