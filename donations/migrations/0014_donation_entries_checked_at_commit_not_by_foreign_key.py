"""A donation's credit and reversal are held by the check at commit (0013), not by a foreign key as well.

The check reads every donation a transaction left confirmed or voided with its entries and refuses one whose entry
is missing, of another kind, fund or amount, or not the reversal of its own credit; a recorded donation points at
none (a check constraint), and the ledger refuses DELETE. The foreign keys only repeated, one deferred check per
row, that the entry exists. The one-to-one (unique) constraints stay: a credit serves one donation.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0013_confirmed_donation_credit_checked_per_statement'),
        ('funds', '0011_ledger_district_part_checked_per_statement'),
    ]

    operations = [
        migrations.AlterField(
            model_name='donation',
            name='credit_entry',
            field=models.OneToOneField(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='donation', to='funds.ledgerentry'),
        ),
        migrations.AlterField(
            model_name='donation',
            name='void_entry',
            field=models.OneToOneField(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='voided_donation', to='funds.ledgerentry'),
        ),
    ]
