"""A case takes each file once, and a document is named after what it really is."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.models import Document
from cases.services import intake as svc
from reliefdesk.uploads import document_name
from reliefdesk.errors import DomainError
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def draft(liaison1, station1, shunyi_fund, medical, shunyi_rules):
    return svc.application_create(actor=liaison1, member=f.MemberFactory(name="王建国", stations=[station1]), station=station1,
                                  fund=shunyi_fund, category=medical, event_date=dt.date(2022, 2, 10),
                                  total_cost=Decimal("100000"), reimbursed=Decimal("38000"))


def test_the_same_file_uploaded_again_to_the_case_is_refused_and_names_the_first(draft, liaison1):
    svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=upload("诊断.pdf"))

    with pytest.raises(DomainError) as info:
        svc.document_add(actor=liaison1, application=draft, kind="invoice", uploaded_file=upload("发票.pdf"))

    assert info.value.field == "file"
    assert "诊断.pdf" in info.value.message and "诊断证明" in info.value.message
    assert draft.documents.count() == 1
    assert [e.action for e in history_for(draft)].count("application.document_added") == 1


def test_the_same_file_may_belong_to_two_cases(draft, liaison1, station1, shunyi_fund, medical):
    other = svc.application_create(actor=liaison1, member=f.MemberFactory(name="李秀英", stations=[station1]), station=station1,
                                   fund=shunyi_fund, category=medical, event_date=dt.date(2022, 2, 10),
                                   total_cost=Decimal("1000"), reimbursed=Decimal("0"))
    svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=upload())
    svc.document_add(actor=liaison1, application=other, kind="diagnosis", uploaded_file=upload())
    assert Document.objects.count() == 2


def test_the_database_refuses_a_second_row_with_the_same_hash_on_a_case(draft, liaison1):
    first = svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=upload())
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.create(application=draft, kind="invoice", file=first.file.name, original_name="copy.pdf",
                                content_type="application/pdf", size=first.size, sha256=first.sha256,
                                uploaded_by=liaison1)
    assert draft.documents.count() == 1


def test_the_documents_step_shows_the_refusal_beside_the_field(client, draft, liaison1):
    svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=upload("诊断.pdf"))
    client.force_login(liaison1)

    response = client.post(reverse("cases:application-step", args=[draft.pk, "documents"]),
                           {"file_invoice": upload("发票.pdf"), "invoice_numbers": "A-1"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["file_invoice"]
    assert list(draft.documents.values_list("kind", flat=True)) == ["diagnosis"]


def test_a_pdf_uploaded_as_html_is_stored_and_served_as_a_pdf(client, draft, liaison1):
    document = svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=upload("x.html"))

    assert (document.original_name, document.content_type) == ("x.pdf", "application/pdf")
    assert document.file.name.endswith(".pdf")
    assert history_for(draft).last().data["uploaded_as"] == "x.html"
    client.force_login(liaison1)
    response = client.get(reverse("cases:document-download", args=[draft.pk, document.pk]) + "?download=1")
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="x.pdf"' in response["Content-Disposition"]
    assert "html" not in response["Content-Disposition"]


@pytest.mark.parametrize(("uploaded", "content_type", "stored"), [
    ("诊断证明.pdf", "application/pdf", "诊断证明.pdf"),
    ("SCAN.PDF", "application/pdf", "SCAN.PDF"),
    ("photo.jpeg", "image/jpeg", "photo.jpeg"),
    ("photo.JPG", "image/jpeg", "photo.JPG"),
    ("x.html", "application/pdf", "x.pdf"),
    ("invoice.pdf.exe", "image/png", "invoice.pdf.png"),
    ("银行卡", "image/jpeg", "银行卡.jpg"),
    ("C:\\Users\\liaison\\身份证.svg", "image/png", "身份证.png"),
    ("../../etc/passwd", "application/pdf", "passwd.pdf"),
    (".htaccess", "application/pdf", ".htaccess.pdf"),
    ("", "application/pdf", "document.pdf"),
])
def test_a_documents_name_takes_the_extension_of_its_content(uploaded, content_type, stored):
    assert document_name(uploaded, content_type) == stored


def test_a_png_named_pdf_is_served_as_a_png(client, draft, liaison1):
    document = svc.document_add(actor=liaison1, application=draft, kind="id_copy", uploaded_file=upload("id.pdf", PNG))
    assert document.original_name == "id.png"
    client.force_login(liaison1)
    response = client.get(reverse("cases:document-download", args=[draft.pk, document.pk]))
    assert response["Content-Type"] == "image/png"
