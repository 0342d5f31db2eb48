"""The database refuses a paid payout without its debit (a migration of its own: the copy before it has pending FK checks)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0007_payout_points_at_its_debit"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='payout',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'paid'), _negated=True), ('ledger_entry__isnull', False), _connector='OR'), name='payout_paid_has_its_debit'),
        ),
    ]
