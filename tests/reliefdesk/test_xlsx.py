"""Spreadsheets from outside are checked before they are parsed; cells that look like formulas stay text."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from reliefdesk import xlsx
from reliefdesk.xlsx import Sheet, SpreadsheetRefused, check_xlsx, count_rows, read_rows, validate_xlsx_upload, write_xlsx
from tests import crafted_xlsx


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return crafted_xlsx.shared_strings_bomb()


@pytest.fixture
def no_string_table(monkeypatch):
    """Fails the test if anything starts to load a workbook's shared strings."""
    def refuse(*args, **kwargs):
        raise AssertionError("the shared strings were parsed")

    monkeypatch.setattr("openpyxl.reader.excel.read_string_table", refuse)


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def refusal(source) -> str:
    with pytest.raises(SpreadsheetRefused) as info:
        list(read_rows(source))
    return str(info.value)


# --- before parsing ---------------------------------------------------------------

def test_the_840_kb_file_with_a_huge_text_table_is_refused_before_anything_is_parsed(bomb, no_string_table):
    assert len(bomb) < 900 * 1024
    assert zipfile.ZipFile(io.BytesIO(bomb)).getinfo("xl/sharedStrings.xml").file_size > 800 * 1024 * 1024

    message = refusal(io.BytesIO(bomb))

    assert "xl/sharedStrings.xml unpacks to" in message and "at most 100 times" in message


def test_the_total_unpacked_size_is_capped_even_when_each_part_compresses_plainly(settings):
    settings.XLSX_MAX_UNPACKED_BYTES = 2000
    data = workbook_bytes([[f"行{n}", n] for n in range(200)])
    assert "The workbook unpacks to 0 MB; at most 0 MB is accepted." == refusal(io.BytesIO(data))


def test_the_text_table_has_its_own_cap(settings):
    settings.XLSX_MAX_SHARED_STRINGS_BYTES = 1024 * 1024
    settings.XLSX_MAX_RATIO = 10_000
    with pytest.raises(SpreadsheetRefused, match="text table unpacks to"):
        check_xlsx(io.BytesIO(crafted_xlsx.shared_strings_bomb(megabytes=3)))


def test_the_small_file_declaring_every_cell_of_a_sheet_is_refused_with_its_size(no_string_table):
    data = crafted_xlsx.huge_dimension()
    assert len(data) < 2048

    message = refusal(io.BytesIO(data))

    assert message == ("The sheet spans 1,048,576 rows and 16,384 columns; at most 200,000 rows and 100 columns "
                       "are accepted.")


def test_a_file_over_the_upload_limit_is_refused_by_its_size(settings):
    settings.XLSX_MAX_BYTES = 1024
    data = workbook_bytes([["x" * 10] for _ in range(500)])
    assert refusal(io.BytesIO(data)).startswith("The file is 0.")
    assert "a spreadsheet may be at most 0 MB" in refusal(io.BytesIO(data))


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 not really", b"%PDF-1.4\n", b"<html></html>"])
def test_a_file_that_is_not_a_workbook_is_refused_as_such(content):
    assert refusal(io.BytesIO(content)) == "This file is not an Excel workbook (.xlsx)."


def test_a_zip_that_is_not_a_workbook_is_refused_as_such():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert refusal(buffer) == "This file is not an Excel workbook (.xlsx)."


def test_an_upload_is_refused_with_a_validation_error_and_left_at_its_start():
    upload = SimpleUploadedFile("result.xlsx", crafted_xlsx.huge_dimension())
    with pytest.raises(ValidationError, match="1,048,576 rows"):
        validate_xlsx_upload(upload)
    assert upload.tell() == 0
    good = SimpleUploadedFile("result.xlsx", workbook_bytes([["申请编号"], ["SY-2022-00001"]]))
    validate_xlsx_upload(good)
    assert good.tell() == 0


# --- while reading (sheets that declare nothing) ---------------------------------------

def test_a_cell_a_million_rows_down_is_refused_without_reading_the_rows_between():
    sheet = crafted_xlsx.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
                                   '<row r="1048576"><c r="A1048576"><v>2</v></c></row>')
    assert "1,048,576 rows" in refusal(io.BytesIO(crafted_xlsx.sheet_xml_workbook(sheet)))


def test_a_cell_in_the_last_column_is_refused():
    sheet = crafted_xlsx.sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>')
    assert "16,384 columns" in refusal(io.BytesIO(crafted_xlsx.sheet_xml_workbook(sheet)))


def test_a_row_of_thousands_of_cells_in_one_column_is_refused():
    cells = '<c r="A1"><v>1</v></c>' * 5000
    sheet = crafted_xlsx.sheet_xml(f'<row r="1">{cells}</row>')
    assert "101 columns" in refusal(io.BytesIO(crafted_xlsx.sheet_xml_workbook(sheet)))


def test_rows_repeated_beyond_the_cap_are_refused(settings):
    settings.XLSX_MAX_ROWS = 50
    sheet = crafted_xlsx.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' * 60)
    assert "51 rows" in refusal(io.BytesIO(crafted_xlsx.sheet_xml_workbook(sheet)))


def test_rows_are_read_as_openpyxl_reads_them():
    data = workbook_bytes([
        ["申请编号", "结果", "金额(元)", "日期"],
        ["SY-2022-00001", "成功", 12400, dt.date(2022, 4, 8)],
        [],
        ["SY-2022-00002", None, 7500.5, "2022-04-08"],
    ])
    rows = list(read_rows(io.BytesIO(data)))
    assert rows == [
        ("申请编号", "结果", "金额(元)", "日期"),
        ("SY-2022-00001", "成功", 12400, dt.datetime(2022, 4, 8)),
        (),
        ("SY-2022-00002", None, 7500.5, "2022-04-08"),
    ]
    opened = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    assert [tuple(v for v in row) for row in opened.worksheets[0].iter_rows(values_only=True)][1] == rows[1]


def test_a_missing_row_in_the_middle_reads_as_an_empty_row():
    sheet = crafted_xlsx.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="4"><c r="B4"><v>2</v></c></row>')
    assert list(read_rows(io.BytesIO(crafted_xlsx.sheet_xml_workbook(sheet)))) == [(1,), (), (), (None, 2)]


def test_rows_are_counted_from_the_dimension_or_by_reading(tmp_path):
    declared = tmp_path / "declared.xlsx"
    declared.write_bytes(workbook_bytes([["h"], [1], [2], [3]]))
    written = tmp_path / "written.xlsx"
    write_xlsx(written, [Sheet("s", ["h"], [[1], [2]])])
    assert count_rows(declared) == 3
    assert count_rows(written) == 2
    undeclared = crafted_xlsx.sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="4"><c r="B4"><v>2</v></c></row>')
    assert count_rows(io.BytesIO(crafted_xlsx.sheet_xml_workbook(undeclared))) == 3
    with pytest.raises(SpreadsheetRefused):
        count_rows(io.BytesIO(crafted_xlsx.huge_dimension()))


# --- writing --------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil","张三")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "=1+1"]


def test_text_that_looks_like_a_formula_is_written_unchanged_as_a_string_cell(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [Sheet("拨付明细", ["收款人"], [[text] for text in FORMULAS] + [["王五"]])])

    ws = load_workbook(path)["拨付明细"]
    read_back = [(ws.cell(row=n, column=1).value, ws.cell(row=n, column=1).data_type) for n in range(2, 8)]
    assert read_back == [(text, "s") for text in FORMULAS] + [("王五", "s")]
    assert all(ws.cell(row=n, column=1).quotePrefix for n in range(2, 7))
    assert not ws.cell(row=7, column=1).quotePrefix
    # What Excel, WPS and LibreOffice see: an inline string, no <f> formula element anywhere.
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    assert re.search(r'<c r="A2" s="\d+" t="inlineStr"><is><t>=HYPERLINK\("http://evil","张三"\)</t></is></c>',
                     sheet_xml)


def test_the_reader_gives_back_the_text_of_such_cells(tmp_path):
    path = tmp_path / "out.xlsx"
    write_xlsx(path, [Sheet("s", ["名称"], [[text] for text in FORMULAS])])
    assert [row[0] for row in read_rows(path)][1:] == FORMULAS
    assert os.path.getsize(path) < xlsx.xlsx_limits().max_bytes


def test_the_fast_reader_gives_the_rows_openpyxl_gives_even_when_the_data_starts_off_the_corner(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    ws["C3"], ws["D3"], ws["E5"] = "申请编号", 12400, dt.date(2022, 4, 8)
    ws["D6"], ws["C7"] = "=1+1", ""
    path = tmp_path / "off.xlsx"
    workbook.save(path)
    rows = list(read_rows(path))
    reference = list(xlsx.read_rows_openpyxl(path))
    while reference and reference[-1] == ():  # empty rows after the last value: skipped by every import
        reference.pop()
    assert rows == reference
    assert rows == [(), (), (None, None, "申请编号", 12400), (), (None, None, None, None, dt.datetime(2022, 4, 8))]
