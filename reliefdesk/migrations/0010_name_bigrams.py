"""``reliefdesk_name_bigrams``: a text's distinct two-character pieces, upper-cased, for GIN indexes that find a
name by a piece inside it (``reliefdesk.search.NameBigrams``)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reliefdesk', '0009_history_subject_index_serves_its_content_type'),
    ]

    operations = [
        migrations.RunSQL(
            sql="""
                CREATE OR REPLACE FUNCTION reliefdesk_name_bigrams(name text) RETURNS text[]
                LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
                    SELECT coalesce(array_agg(DISTINCT substr(upper(name), i, 2)), '{}')
                      FROM generate_series(1, char_length(name) - 1) AS i
                $$;
            """,
            reverse_sql="DROP FUNCTION IF EXISTS reliefdesk_name_bigrams(text);",
        ),
    ]
