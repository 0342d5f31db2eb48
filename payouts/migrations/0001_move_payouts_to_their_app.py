"""The payouts app adopts the tables the models had in cases (db_table): state only, no data moves."""

import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('cases', '0009_move_payouts_to_their_app'),
        ('funds', '0004_ledger_points_down'),
        ('reliefdesk', '0007_english_field_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Payout',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='Amount (yuan)')),
                        ('payee_name', models.CharField(max_length=50, verbose_name='Payee')),
                        ('payee_id_number', models.CharField(max_length=18, verbose_name='ID number')),
                        ('card_number', models.CharField(max_length=19, verbose_name='Card number')),
                        ('bank_name', models.CharField(max_length=100, verbose_name='Bank')),
                        ('status', models.CharField(choices=[('pending', 'Pending'), ('in_sheet', 'In a sheet'), ('paid', 'Paid'), ('failed', 'Failed')], db_index=True, default='pending', max_length=10, verbose_name='status')),
                        ('paid_on', models.DateField(blank=True, null=True, verbose_name='paid on')),
                        ('bank_reference', models.CharField(blank=True, max_length=64, verbose_name='bank reference')),
                        ('failure_reason', models.TextField(blank=True, verbose_name='failure reason')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payouts', to='cases.application')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payouts', to='cases.batch')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reliefdesk.district')),
                        ('fund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payouts', to='funds.fund')),
                        ('ledger_entry', models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payout', to='funds.ledgerentry')),
                        ('reissue_of', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reissued_as', to='payouts.payout')),
                        ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reliefdesk.station')),
                    ],
                    options={
                        'verbose_name': 'payout',
                        'verbose_name_plural': 'payouts',
                        'db_table': 'cases_payout',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='PayoutSheet',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=30, unique=True, verbose_name='sheet number')),
                        ('status', models.CharField(choices=[('draft', 'Created'), ('exported', 'Exported'), ('closed', 'Reconciled'), ('cancelled', 'Cancelled')], default='draft', max_length=10, verbose_name='status')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('row_count', models.PositiveIntegerField(default=0)),
                        ('total', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=12)),
                        ('cancelled_reason', models.TextField(blank=True)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reliefdesk.district')),
                        ('fund', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payout_sheets', to='funds.fund')),
                    ],
                    options={
                        'verbose_name': 'payout sheet',
                        'verbose_name_plural': 'payout sheets',
                        'db_table': 'cases_payoutsheet',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ExportLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('row_count', models.PositiveIntegerField()),
                        ('total', models.DecimalField(decimal_places=2, max_digits=12)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('sheet', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='exports', to='payouts.payoutsheet')),
                    ],
                    options={
                        'db_table': 'cases_exportlog',
                    },
                ),
                migrations.CreateModel(
                    name='PayoutSheetLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField()),
                        ('released', models.BooleanField(default=False)),
                        ('payout', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sheet_lines', to='payouts.payout')),
                        ('sheet', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='payouts.payoutsheet')),
                    ],
                    options={
                        'db_table': 'cases_payoutsheetline',
                        'ordering': ['sheet', 'position'],
                    },
                ),
                migrations.AddIndex(
                    model_name='payout',
                    index=models.Index(fields=['status', 'paid_on'], name='payout_status_paid_on'),
                ),
                migrations.AddConstraint(
                    model_name='payout',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payout_amount_positive'),
                ),
                migrations.AddConstraint(
                    model_name='payout',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'paid'), _negated=True), ('ledger_entry__isnull', False), _connector='OR'), name='payout_paid_has_its_debit'),
                ),
                migrations.AddConstraint(
                    model_name='payout',
                    constraint=models.UniqueConstraint(condition=models.Q(('status', 'failed'), _negated=True), fields=('application',), name='payout_one_live_per_application'),
                ),
                migrations.AddConstraint(
                    model_name='payoutsheetline',
                    constraint=models.UniqueConstraint(condition=models.Q(('released', False)), fields=('payout',), name='payout_in_one_live_sheet'),
                ),
                migrations.AddConstraint(
                    model_name='payoutsheetline',
                    constraint=models.UniqueConstraint(fields=('sheet', 'position'), name='sheet_line_position_unique'),
                ),
            ],
            database_operations=[],
        ),
    ]
