"""The ledger's fund needs no index of its own: ledger_fund_date_idx and ledger_fund_part_date_idx start with it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funds', '0011_ledger_district_part_checked_per_statement'),
    ]

    # The state changes as Django would, the database only loses the index (the foreign key stays as it is, not
    # dropped and validated again over the whole table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='ledgerentry',
                    name='fund',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='ledger', to='funds.fund', verbose_name='fund'),
                ),
            ],
            database_operations=[
                migrations.RunSQL('DROP INDEX IF EXISTS funds_ledgerentry_fund_id_7c064d88',
                                  'CREATE INDEX funds_ledgerentry_fund_id_7c064d88 ON funds_ledgerentry (fund_id)'),
            ],
        ),
    ]
