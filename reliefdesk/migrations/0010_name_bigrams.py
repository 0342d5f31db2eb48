"""``reliefdesk_name_bigrams``: a text's two-character pieces, upper-cased, for GIN indexes that find a
name by a piece inside it (``reliefdesk.search.NameBigrams``)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reliefdesk', '0009_history_subject_index_serves_its_content_type'),
    ]

    operations = [
        migrations.RunSQL(
            # A loop in plpgsql: three times cheaper than array_agg over generate_series, which counts on every
            # insert of a row that keeps its pieces. A repeated piece stays (GIN keeps each key once).
            sql="""
                CREATE OR REPLACE FUNCTION reliefdesk_name_bigrams(name text) RETURNS text[]
                LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
                DECLARE
                    upper_name text := upper(name);
                    pieces text[] := '{}';
                BEGIN
                    FOR i IN 1 .. char_length(upper_name) - 1 LOOP
                        pieces := pieces || substr(upper_name, i, 2);
                    END LOOP;
                    RETURN pieces;
                END
                $$;
            """,
            reverse_sql="DROP FUNCTION IF EXISTS reliefdesk_name_bigrams(text);",
        ),
    ]
