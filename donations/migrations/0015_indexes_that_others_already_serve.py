"""Indexes an import filled for nothing: a donation's fund and a donor's district are served by indexes that start
with them, and a donation's status keeps its plain index (renamed) without the LIKE twin nothing uses."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0014_donation_entries_checked_at_commit_not_by_foreign_key'),
    ]

    # The state changes as Django would, the database only loses the index (the foreign key stays as it is, not
    # dropped and validated again over the whole table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='donation',
                    name='fund',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='donations', to='funds.fund', verbose_name='fund'),
                ),
                migrations.AlterField(
                    model_name='donation',
                    name='status',
                    field=models.CharField(choices=[('recorded', 'Recorded'), ('confirmed', 'Confirmed'), ('voided', 'Voided')], default='recorded', max_length=10, verbose_name='status'),
                ),
                migrations.AlterField(
                    model_name='donor',
                    name='district',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='donors', to='reliefdesk.district', verbose_name='district'),
                ),
                migrations.AddIndex(
                    model_name='donation',
                    index=models.Index(fields=['status'], name='donation_status_idx'),
                ),
            ],
            database_operations=[
                migrations.RunSQL('DROP INDEX IF EXISTS donations_donation_fund_id_e735fcf2',
                                  'CREATE INDEX donations_donation_fund_id_e735fcf2 ON donations_donation (fund_id)'),
                migrations.RunSQL('DROP INDEX IF EXISTS donations_donation_status_6c73bb41_like',
                                  'CREATE INDEX donations_donation_status_6c73bb41_like ON donations_donation (status varchar_pattern_ops)'),
                migrations.RunSQL('ALTER INDEX donations_donation_status_6c73bb41 RENAME TO donation_status_idx',
                                  'ALTER INDEX donation_status_idx RENAME TO donations_donation_status_6c73bb41'),
                migrations.RunSQL('DROP INDEX IF EXISTS donations_donor_district_id_da7bb753',
                                  'CREATE INDEX donations_donor_district_id_da7bb753 ON donations_donor (district_id)'),
            ],
        ),
    ]
