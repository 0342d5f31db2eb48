"""A donation points at its credit and at the reversal of a voided credit; the links are copied over."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0004_english_field_labels'),
        ('funds', '0002_initial'),
        ('reliefdesk', '0007_english_field_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='donation',
            name='credit_entry',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='donation', to='funds.ledgerentry'),
        ),
        migrations.AddField(
            model_name='donation',
            name='void_entry',
            field=models.OneToOneField(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='voided_donation', to='funds.ledgerentry'),
        ),
        migrations.RunSQL(
            "UPDATE donations_donation AS d SET credit_entry_id = l.id FROM funds_ledgerentry AS l "
            "WHERE l.donation_id = d.id AND l.kind = 'donation'",
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "UPDATE donations_donation AS d SET void_entry_id = l.id FROM funds_ledgerentry AS l "
            "WHERE l.donation_id = d.id AND l.kind = 'donation_void'",
            migrations.RunSQL.noop,
        ),
    ]
