"""Indexes for each sort of the case list, per district and per station, and for its search.

``cases_name_bigrams`` is what the GIN index on a name's two-character pieces
is built from (core PostgreSQL: no pg_trgm where we run).
"""

import cases.models
import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0014_member_hardship_lives_in_household_files'),
        ('funds', '0007_city_fund_district_parts'),
        ('reliefdesk', '0008_gap_free_counter'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            sql="""
                CREATE OR REPLACE FUNCTION cases_name_bigrams(name text) RETURNS text[]
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                    SELECT coalesce(array_agg(DISTINCT substr(upper(name), i, 2)), '{}')
                      FROM generate_series(1, char_length(name) - 1) AS i
                $$;
            """,
            reverse_sql="DROP FUNCTION IF EXISTS cases_name_bigrams(text);",
        ),
        migrations.RemoveIndex(
            model_name='application',
            name='application_district_status',
        ),
        migrations.RemoveIndex(
            model_name='application',
            name='application_station_status',
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'created_at', 'id'], name='app_d_created'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'reference'], name='app_d_reference'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'beneficiary_name', 'id'], name='app_d_name'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'status', 'created_at', 'id'], name='app_d_status'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'self_paid', 'id'], name='app_d_self_paid'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'estimate_amount', 'id'], name='app_d_estimate'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'submitted_at', 'id'], name='app_d_submitted'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['district', 'event_date', 'id'], name='app_d_event'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'created_at', 'id'], name='app_s_created'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'reference'], name='app_s_reference'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'beneficiary_name', 'id'], name='app_s_name'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'status', 'created_at', 'id'], name='app_s_status'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'self_paid', 'id'], name='app_s_self_paid'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'estimate_amount', 'id'], name='app_s_estimate'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'submitted_at', 'id'], name='app_s_submitted'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['station', 'event_date', 'id'], name='app_s_event'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(django.contrib.postgres.indexes.OpClass(models.F('beneficiary_name'), name='text_pattern_ops'), name='app_name_prefix'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=django.contrib.postgres.indexes.GinIndex(cases.models.NameBigrams('beneficiary_name'), name='app_name_bigrams'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(django.contrib.postgres.indexes.OpClass(django.db.models.functions.text.Reverse('beneficiary_id_number'), name='text_pattern_ops'), name='app_id_number_end'),
        ),
        # Statistics of the new expression indexes, or the planner guesses how many rows a search matches.
        migrations.RunSQL(sql="ANALYZE cases_application;", reverse_sql=migrations.RunSQL.noop),
    ]
