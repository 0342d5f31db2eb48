"""The ledger points down: payouts and donations now hold the link to their entries (copied before)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funds', '0003_ledger_append_only_trigger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The links are copied onto the payouts and donations before the ledger's columns go.
        ('cases', '0008_paid_payout_has_its_debit'),
        ('donations', '0006_donation_entries_follow_its_status'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='ledgerentry',
            name='ledger_one_entry_per_donation_and_kind',
        ),
        migrations.RemoveConstraint(
            model_name='ledgerentry',
            name='ledger_payout_is_a_debit',
        ),
        migrations.RemoveField(
            model_name='ledgerentry',
            name='donation',
        ),
        migrations.RemoveField(
            model_name='ledgerentry',
            name='payout',
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'payout'), _negated=True), ('amount__lt', 0), _connector='OR'), name='ledger_payout_entry_is_a_debit'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'donation'), _negated=True), ('amount__gt', 0), _connector='OR'), name='ledger_donation_entry_is_a_credit'),
        ),
    ]
