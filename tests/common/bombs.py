"""Hostile spreadsheets, built in memory: small files that claim or inflate to gigabytes."""

import io
import re
import zipfile

from openpyxl import Workbook


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewritten(data: bytes, changes: dict, added: dict | None = None) -> bytes:
    """The workbook with `changes` (member -> function of its bytes) and `added` members."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename in changes:
                content = changes[item.filename](content)
            target.writestr(item.filename, content)
        for name, content in (added or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def dimension_bomb(header=("period", "value")) -> bytes:
    """About 1.6 KB: a header row, a sheet that says it is A1:XFD1048576, and a last row at
    1,048,576, so that a reader trusting the dimension pads a million rows to 16,384 cells."""

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"/></row></sheetData>'
        )

    return _rewritten(workbook([list(header)]), {"xl/worksheets/sheet1.xml": change})


SST = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings_bomb(megabytes: int = 300) -> bytes:
    """A few hundred KB whose shared strings inflate to `megabytes` of XML (a reader that
    trusts it holds them all in memory before the first row)."""
    unit = b"<si><t>A</t></si>"
    strings = f'<sst xmlns="{SST}">'.encode() + unit * (megabytes * 1024 * 1024 // len(unit))
    return _rewritten(
        workbook([["period", "value"]]),
        {
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SST_TYPE}"/>'
                "</Types>".encode(),
            ),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                f'<Relationship Type="{SST_REL}" Target="sharedStrings.xml" Id="rId9"/>'
                "</Relationships>".encode(),
            ),
        },
        {"xl/sharedStrings.xml": strings + b"</sst>"},
    )
