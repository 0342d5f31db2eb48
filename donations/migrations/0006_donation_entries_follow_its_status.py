"""The database refuses ledger entries on a merely recorded donation and a voided credit left unreversed."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("donations", "0005_donation_points_at_its_ledger_entries"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'recorded'), _negated=True), models.Q(('credit_entry__isnull', True), ('void_entry__isnull', True)), _connector='OR'), name='donation_recorded_is_not_booked'),
        ),
        migrations.AddConstraint(
            model_name='donation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'voided'), _negated=True), models.Q(('credit_entry__isnull', True), ('void_entry__isnull', True)), models.Q(('credit_entry__isnull', False), ('void_entry__isnull', False)), _connector='OR'), name='donation_voided_credit_is_reversed'),
        ),
    ]
