"""The crafted workbooks that used to take the memory or a CPU are refused at the upload, with the reason."""
from __future__ import annotations

import os
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payouts.models import Payout
from payouts import services as payout_services
from donations.models import DonationImport
from reliefdesk.importing import upload_folder
from tests import crafted_xlsx
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = {
    "the 840 KB file with a huge text table": (crafted_xlsx.shared_strings_bomb, "unpacks to"),
    "the 1.6 KB file declaring 1,048,576 × 16,384 cells": (crafted_xlsx.huge_dimension, "1,048,576"),
}


@pytest.fixture(scope="module")
def hostile_files():
    return {name: (build(), expected) for name, (build, expected) in HOSTILE.items()}


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("result.xlsx", data, content_type="application/vnd.openxmlformats-officedocument."
                                                                  "spreadsheetml.sheet")


@pytest.fixture
def exported_sheet(finance, shunyi_fund, station1):
    payouts = f.make_payouts(2, fund=shunyi_fund, station=station1, amounts=[Decimal("100.00"), Decimal("200.00")])
    sheet = payout_services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    os.unlink(payout_services.payout_sheet_export(sheet=sheet, actor=finance).path)
    sheet.refresh_from_db()
    return sheet


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_bank_result_import_refuses_the_file_next_to_the_file_field(client, finance, exported_sheet,
                                                                        hostile_files, name):
    data, expected = hostile_files[name]
    client.force_login(finance)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("payouts:sheet-import", args=[exported_sheet.pk]),
                           {"file": upload(data), "paid_on": "2022-04-08"})

    assert response.status_code == 400
    errors = response.context["upload_form"].errors["file"]
    assert any(expected in error for error in errors), errors
    assert not any(upload_folder(payout_services.RESULT_FOLDER).iterdir())
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.IN_SHEET}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_the_donation_import_refuses_the_file_next_to_the_file_field(client, finance, shunyi_fund, hostile_files,
                                                                     name):
    data, expected = hostile_files[name]
    client.force_login(finance)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("donations:import-upload"), {"fund": shunyi_fund.pk, "file": upload(data)})

    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(expected in error for error in errors), errors
    assert not DonationImport.objects.exists()


def test_the_refusal_speaks_chinese_by_default(client, finance, shunyi_fund):
    client.force_login(finance)
    response = client.post(reverse("donations:import-upload"),
                           {"fund": shunyi_fund.pk, "file": upload(crafted_xlsx.huge_dimension())})
    assert "1,048,576行" in response.content.decode()


def test_a_stored_import_that_grew_rows_beyond_the_cap_is_rejected_with_the_reason(finance, shunyi_fund, settings):
    """The cap also holds where a stored file is read again (the check of a large import runs as a job)."""
    from donations import imports

    def cells(n, values):
        return "".join(f'<c r="{column}{n}" t="inlineStr"><is><t>{value}</t></is></c>'
                       for column, value in zip("ABCDEFG", values))

    header = f'<row r="1">{cells(1, imports.COLUMNS)}</row>'
    rows = header + "".join(f'<row r="{n}">{cells(n, ["张三", "", "10", "2022-03-05", "现金", "", ""])}</row>'
                            for n in range(2, 40))
    data = crafted_xlsx.sheet_xml_workbook(crafted_xlsx.sheet_xml(rows))
    imp = imports.donation_import_upload(actor=finance, fund=shunyi_fund, campaign=None, upload=upload(data))
    settings.XLSX_MAX_ROWS = 20

    imp = imports.donation_import_validate(imp=imp)

    assert imp.status == DonationImport.Status.REJECTED
    assert any("21" in error["message"] for error in imp.errors), imp.errors
