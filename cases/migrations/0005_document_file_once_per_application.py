"""One file (by SHA-256) once per application, and every document named after what it is.

Before the database can refuse a second copy, the copies already stored go:
for each application the earliest upload of a file stays, later identical
uploads are removed (their removal is written to the application's history;
their files stay on disk). Names whose extension contradicts the content
(``x.html`` holding a PDF) are given the content's extension.
"""
from django.conf import settings
from django.db import migrations, models


def tidy_documents(apps, schema_editor):
    from reliefdesk.uploads import document_name

    Document = apps.get_model("cases", "Document")
    HistoryEvent = apps.get_model("reliefdesk", "HistoryEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    application_type, _created = ContentType.objects.get_or_create(app_label="cases", model="application")
    kept: dict[tuple[int, str], int] = {}
    removed = []
    for document in Document.objects.order_by("application_id", "uploaded_at", "id").iterator():
        key = (document.application_id, document.sha256)
        if key in kept:
            removed.append(HistoryEvent(
                content_type=application_type, object_id=document.application_id, actor=None,
                action="application.document_removed", reason="同一文件重复上传",
                data={"kind": document.kind, "sha256": document.sha256, "name": document.original_name,
                      "duplicate_of": kept[key]}))
            document.delete()
            continue
        kept[key] = document.pk
        name = document_name(document.original_name, document.content_type)
        if name != document.original_name:
            Document.objects.filter(pk=document.pk).update(original_name=name)
    HistoryEvent.objects.bulk_create(removed)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0004_payout_paid_index"),
        ("reliefdesk", "0003_history_append_only_trigger"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(tidy_documents, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="document",
            constraint=models.UniqueConstraint(fields=("application", "sha256"),
                                               name="document_file_once_per_application"),
        ),
    ]
