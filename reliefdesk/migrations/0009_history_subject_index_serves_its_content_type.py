"""History's content type needs no index of its own: history_subject_idx (content type, object, time) starts with it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('reliefdesk', '0008_gap_free_counter'),
    ]

    # The state changes as Django would, the database only loses the index (the foreign key stays as it is, not
    # dropped and validated again over the whole table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='historyevent',
                    name='content_type',
                    field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, to='contenttypes.contenttype'),
                ),
            ],
            database_operations=[
                migrations.RunSQL('DROP INDEX IF EXISTS reliefdesk_historyevent_content_type_id_def8a4dc',
                                  'CREATE INDEX reliefdesk_historyevent_content_type_id_def8a4dc ON reliefdesk_historyevent (content_type_id)'),
            ],
        ),
    ]
