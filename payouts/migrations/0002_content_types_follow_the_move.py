"""The content types (and so the permissions and the history rows pointing at them) move with the models."""
from django.db import migrations

MODELS = ["payout", "payoutsheet", "payoutsheetline", "exportlog"]


def _move(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=old, model=model).exists():
            # A row made for the new label before this ran refers to nothing yet; the old one keeps the history.
            ContentType.objects.filter(app_label=new, model=model).delete()
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def forwards(apps, schema_editor):
    _move(apps, "cases", "payouts")


def backwards(apps, schema_editor):
    _move(apps, "payouts", "cases")


class Migration(migrations.Migration):
    dependencies = [
        ("payouts", "0001_move_payouts_to_their_app"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
