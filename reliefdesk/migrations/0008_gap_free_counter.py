"""A gap-free counter for every numbered sequence (application numbers, receipts, payout sheets)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reliefdesk', '0007_english_field_labels'),
    ]

    operations = [
        migrations.CreateModel(
            name='Counter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=80, unique=True)),
                ('last', models.PositiveIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'number sequence',
                'verbose_name_plural': 'number sequences',
            },
        ),
    ]
