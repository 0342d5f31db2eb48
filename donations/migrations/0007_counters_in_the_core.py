"""Receipt numbers continue from the core's gap-free counter; the donations counter goes."""
from django.db import migrations


def forwards(apps, schema_editor):
    Counter = apps.get_model("reliefdesk", "Counter")
    ReceiptCounter = apps.get_model("donations", "ReceiptCounter")
    Counter.objects.bulk_create([Counter(key=f"receipt:{row.fund_id}:{row.year}", last=row.last)
                                 for row in ReceiptCounter.objects.all()])


def backwards(apps, schema_editor):
    Counter = apps.get_model("reliefdesk", "Counter")
    ReceiptCounter = apps.get_model("donations", "ReceiptCounter")
    for counter in Counter.objects.filter(key__startswith="receipt:"):
        _kind, fund_id, year = counter.key.split(":")
        ReceiptCounter.objects.create(fund_id=int(fund_id), year=int(year), last=counter.last)


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0006_donation_entries_follow_its_status'),
        ('reliefdesk', '0008_gap_free_counter'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(
            name='ReceiptCounter',
        ),
    ]
