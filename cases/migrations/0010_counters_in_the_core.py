"""Application numbers continue from the core's gap-free counter; the cases counter goes."""
from django.db import migrations


def forwards(apps, schema_editor):
    Counter = apps.get_model("reliefdesk", "Counter")
    ReferenceCounter = apps.get_model("cases", "ReferenceCounter")
    Counter.objects.bulk_create([Counter(key=f"application:{row.district_id}:{row.year}", last=row.last)
                                 for row in ReferenceCounter.objects.all()])


def backwards(apps, schema_editor):
    Counter = apps.get_model("reliefdesk", "Counter")
    ReferenceCounter = apps.get_model("cases", "ReferenceCounter")
    for counter in Counter.objects.filter(key__startswith="application:"):
        _kind, district_id, year = counter.key.split(":")
        ReferenceCounter.objects.create(district_id=int(district_id), year=int(year), last=counter.last)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0009_move_payouts_to_their_app'),
        ('reliefdesk', '0008_gap_free_counter'),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(
            name='ReferenceCounter',
        ),
    ]
