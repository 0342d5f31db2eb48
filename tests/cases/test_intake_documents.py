"""A liaison removes a wrongly uploaded document from a draft; nobody else can."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Application, Document
from cases.services import intake as svc
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def draft_with_document(liaison1, station1, shunyi_fund, medical, shunyi_rules):
    application = svc.application_create(actor=liaison1, member=f.MemberFactory(name="王建国", stations=[station1]), station=station1,
                                         fund=shunyi_fund, category=medical, event_date=dt.date(2022, 2, 10),
                                         total_cost=Decimal("100000"), reimbursed=Decimal("38000"))
    svc.document_add(actor=liaison1, application=application, kind=Document.Kind.DIAGNOSIS,
                     uploaded_file=SimpleUploadedFile("wrong.pdf", PDF, content_type="application/pdf"))
    return application


def delete_url(application):
    document = application.documents.get()
    return reverse("cases:document-delete", args=[application.pk, document.pk])


def test_a_liaison_removes_a_document_from_his_draft_and_the_timeline_says_so(
        client, liaison1, draft_with_document, django_capture_on_commit_callbacks):
    client.force_login(liaison1)
    stored = draft_with_document.documents.get().file.name
    before = history_for(draft_with_document).count()

    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal commits
        response = client.post(delete_url(draft_with_document))

    assert response.status_code == 302
    assert not draft_with_document.documents.exists()
    events = list(history_for(draft_with_document))
    assert len(events) == before + 1
    assert events[-1].action == "application.document_removed"
    assert events[-1].data["name"] == "wrong.pdf"
    assert not default_storage.exists(stored)


def test_removing_a_document_is_post_only(client, liaison1, draft_with_document):
    client.force_login(liaison1)
    assert client.get(delete_url(draft_with_document)).status_code == 405
    assert draft_with_document.documents.count() == 1


def test_a_liaison_of_another_station_gets_404_and_the_document_stays(client, liaison2, draft_with_document):
    client.force_login(liaison2)
    assert client.post(delete_url(draft_with_document)).status_code == 404
    assert draft_with_document.documents.count() == 1


def test_a_reviewer_may_not_remove_a_document(client, reviewer, draft_with_document):
    client.force_login(reviewer)
    assert client.post(delete_url(draft_with_document)).status_code == 403
    assert draft_with_document.documents.count() == 1


def test_a_submitted_case_keeps_its_documents(client, liaison1, draft_with_document):
    Application.objects.filter(pk=draft_with_document.pk).update(status=Application.Status.SUBMITTED)
    client.force_login(liaison1)
    url = delete_url(draft_with_document)
    before = history_for(draft_with_document).count()
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert draft_with_document.documents.count() == 1
    assert history_for(draft_with_document).count() == before
    assert any(m.level_tag == "error" for m in response.context["messages"])
