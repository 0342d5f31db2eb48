"""Payouts moved to their own app: gone from the state of cases, the tables stay (payouts 0001 adopts them)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("reliefdesk", "0002_role_groups"),  # its permissions name cases.payout: made before the move
        ('cases', '0008_paid_payout_has_its_debit'),
        ('funds', '0004_ledger_points_down'),  # the ledger no longer points at cases.Payout
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='payout',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='payout',
                    name='batch',
                ),
                migrations.RemoveField(
                    model_name='payout',
                    name='district',
                ),
                migrations.RemoveField(
                    model_name='payout',
                    name='fund',
                ),
                migrations.RemoveField(
                    model_name='payout',
                    name='ledger_entry',
                ),
                migrations.RemoveField(
                    model_name='payout',
                    name='reissue_of',
                ),
                migrations.RemoveField(
                    model_name='payout',
                    name='station',
                ),
                migrations.RemoveField(
                    model_name='payoutsheetline',
                    name='payout',
                ),
                migrations.RemoveField(
                    model_name='payoutsheet',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='payoutsheet',
                    name='district',
                ),
                migrations.RemoveField(
                    model_name='payoutsheet',
                    name='fund',
                ),
                migrations.RemoveField(
                    model_name='payoutsheetline',
                    name='sheet',
                ),
                migrations.DeleteModel(
                    name='ExportLog',
                ),
                migrations.DeleteModel(
                    name='Payout',
                ),
                migrations.DeleteModel(
                    name='PayoutSheet',
                ),
                migrations.DeleteModel(
                    name='PayoutSheetLine',
                ),
            ],
            database_operations=[],
        ),
    ]
