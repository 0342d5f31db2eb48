"""A paid payout points at its debit; the links the ledger held are copied over (no ledger row changes)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_english_field_labels'),
        ('funds', '0002_initial'),
        ('reliefdesk', '0007_english_field_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='payout',
            name='ledger_entry',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payout', to='funds.ledgerentry'),
        ),
        migrations.RunSQL(
            "UPDATE cases_payout AS p SET ledger_entry_id = l.id FROM funds_ledgerentry AS l WHERE l.payout_id = p.id",
            migrations.RunSQL.noop,
        ),
    ]
