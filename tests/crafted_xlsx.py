"""Hostile spreadsheets, built the way an attacker would build them.

``shared_strings_bomb()`` is an 840 KB workbook whose text table unpacks to
over 800 MB; ``huge_dimension()`` is a workbook of under 2 KB whose sheet
declares all 1,048,576 × 16,384 cells; ``sheet_xml_workbook()`` wraps any
sheet XML (cells far away, rows of thousands of cells) in a valid workbook.
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '{shared}</Types>'
)
SHARED_OVERRIDE = ('<Override PartName="/xl/sharedStrings.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '{shared}</Relationships>'
)
SHARED_REL = ('<Relationship Id="rId2" Target="sharedStrings.xml" '
              'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>')


def sheet_xml(rows: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}<sheetData>{rows}</sheetData></worksheet>'


def _parts(sheet: str, *, shared: bool) -> list[tuple[str, bytes]]:
    return [
        ("[Content_Types].xml", CONTENT_TYPES.format(shared=SHARED_OVERRIDE if shared else "").encode()),
        ("_rels/.rels", ROOT_RELS.encode()),
        ("xl/workbook.xml", WORKBOOK.encode()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.format(shared=SHARED_REL if shared else "").encode()),
        ("xl/worksheets/sheet1.xml", sheet.encode()),
    ]


def sheet_xml_workbook(sheet: str) -> bytes:
    """A valid workbook holding ``sheet`` (the XML of its one worksheet)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in _parts(sheet, shared=False):
            archive.writestr(name, data)
    return buffer.getvalue()


def huge_dimension() -> bytes:
    """Under 2 KB, declaring every cell a sheet can have (A1:XFD1048576)."""
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>申请编号</t></is></c></row>'
    return sheet_xml_workbook(sheet_xml(rows, dimension="A1:XFD1048576"))


def _raw_deflate_bomb(prefix: bytes, filler: bytes, repeats: int, suffix: bytes) -> tuple[bytes, int, int]:
    """A raw deflate stream of ``prefix + filler * repeats + suffix`` without compressing it all.

    The filler is one byte repeated; once the window holds only that byte, the
    compressed form of the next megabyte is always the same bytes, so it is
    compressed once and repeated. Returns (stream, crc32, unpacked size).
    """
    assert len(set(filler)) == 1
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix + filler) + compressor.flush(zlib.Z_SYNC_FLUSH)
    block = compressor.compress(filler) + compressor.flush(zlib.Z_SYNC_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush(zlib.Z_FINISH)
    crc = zlib.crc32(prefix)
    crc = zlib.crc32(filler, crc)
    for _ in range(repeats):
        crc = zlib.crc32(filler, crc)
    crc = zlib.crc32(suffix, crc)
    return head + block * repeats + tail, crc & 0xFFFFFFFF, len(prefix) + len(filler) * (repeats + 1) + len(suffix)


def _zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip of (name, compressed data, method, crc, unpacked size) entries, written by hand."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, size in entries:
        offset = out.tell()
        encoded = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size,
                              len(encoded), 0))
        out.write(encoded)
        out.write(data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data),
                                   size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    for record in central:
        out.write(record)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _deflated(data: bytes) -> tuple[bytes, int, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data)


def shared_strings_bomb(megabytes: int = 820) -> bytes:
    """About 840 KB on disk; its shared-strings table unpacks to ``megabytes`` MB of one string."""
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    entries = [(name, *_deflated(data)) for name, data in _parts(sheet_xml(rows), shared=True)]
    prefix = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode()
    stream, crc, size = _raw_deflate_bomb(prefix, b"A" * (1024 * 1024), megabytes - 1, b"</t></si></sst>")
    entries.append(("xl/sharedStrings.xml", stream, zipfile.ZIP_DEFLATED, crc, size))
    return _zip(entries)
