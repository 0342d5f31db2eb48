"""A donor is found by a piece inside his name or unit: their two-character pieces, kept in the row, and GIN
indexes on them."""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
import reliefdesk.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('donations', '0015_indexes_that_others_already_serve'),
        ('reliefdesk', '0010_name_bigrams'),
    ]

    operations = [
        migrations.AddField(
            model_name='donor',
            name='name_pieces',
            field=models.GeneratedField(db_persist=True, expression=reliefdesk.search.NameBigrams('name'), output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
        ),
        migrations.AddField(
            model_name='donor',
            name='unit_pieces',
            field=models.GeneratedField(db_persist=True, expression=reliefdesk.search.NameBigrams('unit_name'), output_field=django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None)),
        ),
        migrations.AddIndex(
            model_name='donor',
            index=django.contrib.postgres.indexes.GinIndex(fields=['name_pieces'], name='donor_name_pieces'),
        ),
        migrations.AddIndex(
            model_name='donor',
            index=django.contrib.postgres.indexes.GinIndex(fields=['unit_pieces'], name='donor_unit_pieces'),
        ),
    ]
