import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404

from cases.models import Application, Document
from reliefdesk.counters import counter_last
from cases.services import intake as svc
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f

S = Application.Status
pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def new_case(liaison, station, fund, category, **kwargs):
    member = kwargs.pop("member", None) or f.MemberFactory(stations=[station])
    values = {"event_date": dt.date(2022, 2, 10), "total_cost": Decimal("100000"), "reimbursed": Decimal("38000"),
              "narrative": "脑梗住院，家庭困难。"} | kwargs
    return svc.application_create(actor=liaison, member=member, station=station, fund=fund, category=category,
                                  **values)


def complete(case, liaison):
    for kind in case.category.required_documents:
        # A scan of its own for each kind: one file is accepted once per case.
        svc.document_add(actor=liaison, application=case, kind=kind,
                         uploaded_file=pdf(f"{kind}.pdf", PDF + f"%{kind}\n".encode()))
    return case


@pytest.fixture
def draft(liaison1, station1, shunyi_fund, medical, shunyi_rules):
    return new_case(liaison1, station1, shunyi_fund, medical)


def test_registering_a_member_derives_birth_date_and_sex_from_the_id_number(liaison1):
    number = f.make_id_number(birth=dt.date(1975, 8, 3), seq=452)
    member = svc.member_register(actor=liaison1, id_number=number.lower(), name=" 时某 ", phone="13912345678",
                                 card_number=f.luhn_complete("622202020000123456"), bank_name="工商银行")
    assert (member.name, member.birth_date, member.sex) == ("时某", dt.date(1975, 8, 3), "F")


def test_a_member_with_a_wrong_check_digit_is_refused_on_the_id_field(liaison1):
    number = f.make_id_number(seq=452)
    wrong = number[:17] + ("1" if number[17] != "1" else "2")
    with pytest.raises(DomainError) as excinfo:
        svc.member_register(actor=liaison1, id_number=wrong, name="张三")
    assert excinfo.value.field == "id_number"


def test_a_reviewer_cannot_register_members(reviewer):
    with pytest.raises(PermissionDenied):
        svc.member_register(actor=reviewer, id_number=f.make_id_number(), name="张三")


def test_a_family_member_is_added_with_a_checked_id_number(liaison1, station1):
    member = f.MemberFactory(stations=[station1])
    spouse = svc.family_member_add(actor=liaison1, member=member, relation="spouse", name="李华",
                                   id_number=f.make_id_number(area="110114", seq=88))
    assert list(member.family.all()) == [spouse]


def test_creating_a_case_gives_it_the_next_reference_and_the_estimate(draft, liaison1, station1, shunyi_fund,
                                                                      medical):
    second = new_case(liaison1, station1, shunyi_fund, medical)
    year = draft.created_at.astimezone().year
    assert draft.reference == f"SY-{year}-00001"
    assert second.reference == f"SY-{year}-00002"
    assert draft.status == S.DRAFT
    assert draft.self_paid == Decimal("62000.00")
    assert draft.estimate_amount == Decimal("12400.00")
    assert [e.action for e in history_for(draft)] == ["application.created"]


def test_a_liaison_cannot_create_a_case_at_another_station(liaison1, station2, shunyi_fund, medical):
    with pytest.raises(Http404):
        new_case(liaison1, station2, shunyi_fund, medical)


def test_reimbursed_and_other_above_the_total_is_refused(liaison1, station1, shunyi_fund, medical):
    with pytest.raises(DomainError) as excinfo:
        new_case(liaison1, station1, shunyi_fund, medical, total_cost=Decimal("1000"), reimbursed=Decimal("800"),
                 other_aid=Decimal("300"))
    assert excinfo.value.field == "reimbursed"
    assert not Application.objects.exists()


def test_updating_a_draft_recomputes_self_paid_and_the_estimate(draft, liaison1):
    svc.application_update(actor=liaison1, application=draft, reimbursed=Decimal("0"), other_aid=Decimal("45000"))
    draft.refresh_from_db()
    assert draft.self_paid == Decimal("55000.00")
    assert draft.estimate_amount == Decimal("11000.00")
    assert history_for(draft).last().data == {"fields": ["other_aid", "reimbursed"]}


def test_a_submitted_case_cannot_be_edited(draft, liaison1):
    complete(draft, liaison1)
    svc.application_submit(actor=liaison1, application=draft)
    with pytest.raises(TransitionNotAllowed):
        svc.application_update(actor=liaison1, application=draft, narrative="changed")
    draft.refresh_from_db()
    assert draft.narrative == "脑梗住院，家庭困难。"


def test_another_stations_liaison_gets_404_on_update(draft, liaison2):
    with pytest.raises(Http404):
        svc.application_update(actor=liaison2, application=draft, narrative="x")


def test_a_pdf_upload_is_stored_with_its_hash_and_kind(draft, liaison1, settings):
    import hashlib

    document = svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=pdf())
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    assert str(settings.MEDIA_ROOT) in document.file.path
    assert "static" not in document.file.path
    png = svc.document_add(actor=liaison1, application=draft, kind="id_copy",
                           uploaded_file=SimpleUploadedFile("id.pdf", PNG))
    assert png.content_type == "image/png" and png.file.name.endswith(".png")


def test_a_pdf_that_is_really_text_is_refused(draft, liaison1):
    with pytest.raises(DomainError) as excinfo:
        svc.document_add(actor=liaison1, application=draft, kind="diagnosis",
                         uploaded_file=pdf("invoice.pdf", b"just some text pretending to be a PDF"))
    assert excinfo.value.field == "file"
    assert not Document.objects.exists()


def test_a_file_over_the_size_limit_is_refused(draft, liaison1, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    with pytest.raises(DomainError) as excinfo:
        svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=pdf(content=PDF * 10))
    assert "MB" in str(excinfo.value.message)


def test_invoice_numbers_are_normalised_and_replaced(draft, liaison1):
    svc.invoice_numbers_set(actor=liaison1, application=draft, numbers="110022 0012, 110022-9,110022 0012")
    assert list(draft.invoices.values_list("number", flat=True)) == ["110022-9", "1100220012"]
    svc.invoice_numbers_set(actor=liaison1, application=draft, numbers=["110022-9"])
    assert list(draft.invoices.values_list("number", flat=True)) == ["110022-9"]


def test_submitting_a_complete_draft_writes_one_history_row(draft, liaison1):
    complete(draft, liaison1)
    before = history_for(draft).count()
    svc.application_submit(actor=liaison1, application=draft)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and draft.submitted_at is not None
    events = list(history_for(draft))
    assert len(events) == before + 1
    assert (events[-1].action, events[-1].from_status, events[-1].to_status) == (
        "application.submitted", "draft", "submitted")


def test_submitting_without_the_required_documents_names_them_and_changes_nothing(draft, liaison1):
    svc.document_add(actor=liaison1, application=draft, kind="diagnosis", uploaded_file=pdf())
    with pytest.raises(DomainError) as excinfo:
        svc.application_submit(actor=liaison1, application=draft)
    assert "医疗费发票" in str(excinfo.value.message)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.submitted_at is None


def test_submitting_without_a_rule_set_in_force_is_refused(draft, liaison1):
    complete(draft, liaison1)
    svc.application_update(actor=liaison1, application=draft, event_date=dt.date(2021, 6, 1))
    with pytest.raises(DomainError) as excinfo:
        svc.application_submit(actor=liaison1, application=draft)
    assert excinfo.value.field == "event_date"


def test_a_disease_off_the_list_is_refused_when_the_rule_set_restricts_diseases(draft, liaison1, shunyi_rules):
    listed, other = f.DiseaseFactory(name="恶性肿瘤"), f.DiseaseFactory(name="感冒")
    shunyi_rules.diseases_restricted = True
    shunyi_rules.save()
    shunyi_rules.diseases.add(listed)
    complete(draft, liaison1)
    svc.application_update(actor=liaison1, application=draft, disease=other)
    with pytest.raises(DomainError) as excinfo:
        svc.application_submit(actor=liaison1, application=draft)
    assert excinfo.value.field == "disease" and "感冒" in str(excinfo.value.message)
    svc.application_update(actor=liaison1, application=draft, disease=listed)
    svc.application_submit(actor=liaison1, application=draft)


def test_a_reviewer_cannot_submit(draft, liaison1, reviewer):
    complete(draft, liaison1)
    with pytest.raises(PermissionDenied):
        svc.application_submit(actor=reviewer, application=draft)


def test_submitting_twice_is_refused(draft, liaison1):
    complete(draft, liaison1)
    svc.application_submit(actor=liaison1, application=draft)
    with pytest.raises(TransitionNotAllowed):
        svc.application_submit(actor=liaison1, application=draft)


def test_a_returned_case_is_resubmitted_and_keeps_its_first_submission_time(draft, liaison1):
    complete(draft, liaison1)
    svc.application_submit(actor=liaison1, application=draft)
    draft.refresh_from_db()
    first = draft.submitted_at
    Application.objects.filter(pk=draft.pk).update(status=S.RETURNED, last_reason="缺少医保结算单原件")
    with pytest.raises(TransitionNotAllowed):
        svc.application_submit(actor=liaison1, application=draft)
    svc.application_resubmit(actor=liaison1, application=draft)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and draft.submitted_at == first


def test_resubmitting_a_draft_is_refused(draft, liaison1):
    complete(draft, liaison1)
    with pytest.raises(TransitionNotAllowed):
        svc.application_resubmit(actor=liaison1, application=draft)


def test_withdrawing_needs_a_reason_and_keeps_it(draft, liaison1):
    with pytest.raises(TransitionNotAllowed):
        svc.application_withdraw(actor=liaison1, application=draft, reason="  ")
    svc.application_withdraw(actor=liaison1, application=draft, reason="职工本人放弃申请")
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN and draft.last_reason == "职工本人放弃申请"


def test_a_case_in_review_cannot_be_withdrawn(draft, liaison1):
    Application.objects.filter(pk=draft.pk).update(status=S.IN_REVIEW)
    with pytest.raises(TransitionNotAllowed):
        svc.application_withdraw(actor=liaison1, application=draft, reason="不再需要")


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_get_distinct_consecutive_references(station1, shunyi_fund, medical):
    liaison = f.make_user("liaison_c", "liaison", district=station1.district, stations=[station1])
    members = [f.MemberFactory(stations=[station1]) for _ in range(8)]
    barrier = threading.Barrier(len(members))
    references, errors = [], []

    def create(member):
        try:
            barrier.wait()
            case = svc.application_create(actor=liaison, member=member, station=station1, fund=shunyi_fund,
                                          category=medical, event_date=dt.date(2022, 2, 1))
            references.append(case.reference)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = Application.objects.first().created_at.astimezone().year
    assert sorted(references) == [f"SY-{year}-{n:05d}" for n in range(1, 9)]
    assert counter_last(key=svc.application_reference_key(district=station1.district, year=year)) == 8
