"""Rule sets that already judged cases beyond draft are in use, and so are the parameter values they took."""
from django.db import migrations
from django.utils import timezone


def mark_in_use(apps, schema_editor):
    Application = apps.get_model("cases", "Application")
    RuleSet = apps.get_model("funds", "RuleSet")
    Tier = apps.get_model("funds", "Tier")
    ParameterValue = apps.get_model("funds", "ParameterValue")
    date_basis = dict(RuleSet.objects.values_list("id", "date_basis"))
    uses = {}
    rows = (Application.objects.exclude(status="draft")
            .values_list("estimate_rule_set_id", "awarded_rule_set_id", "event_date", "submitted_at", "created_at"))
    for estimated, awarded, event_date, submitted_at, created_at in rows.iterator(chunk_size=5000):
        submitted = timezone.localdate(submitted_at or created_at)
        for rule_set_id in {estimated, awarded} - {None}:
            day = submitted if date_basis[rule_set_id] == "submission" else (event_date or submitted)
            uses.setdefault(rule_set_id, set()).add(day)
    if not uses:
        return
    RuleSet.objects.filter(pk__in=list(uses)).update(in_use=True)
    by_parameter = {}
    for rule_set_id, parameter_id in (Tier.objects.filter(rule_set_id__in=list(uses), parameter__isnull=False)
                                      .values_list("rule_set_id", "parameter_id").distinct()):
        by_parameter.setdefault(parameter_id, set()).update(uses[rule_set_id])
    for parameter_id, days in by_parameter.items():
        values = list(ParameterValue.objects.filter(parameter_id=parameter_id).order_by("valid_from"))
        for value, following in zip(values, [*values[1:], None]):
            served = [day for day in days if value.valid_from <= day and (following is None
                                                                            or day < following.valid_from)]
            if served:
                ParameterValue.objects.filter(pk=value.pk).update(used_through=max(served))


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0012_other_documents_say_what_they_are"),
        ("funds", "0006_rule_sets_in_use_read_only"),
    ]

    operations = [
        migrations.RunPython(mark_in_use, migrations.RunPython.noop),
    ]
