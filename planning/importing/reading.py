"""Reading a plan file (CSV, XLSX or the plan document) into checked rows, and the signed token
that carries a checked file from the preview to the import."""

import dataclasses

from django.core import signing

from assurance.models import AssuranceGroup
from common import spreadsheets
from common.spreadsheets import UnreadableFile
from deliverables.models import Owner
from planning import document as plan_document
from planning.importing.checking import PlanFileError, Reading, Row, check

MAX_BYTES = 5 * 1024 * 1024
TOO_LARGE = "The file is larger than 5 MB: a plan fits in far less."
# What is read of a file at most: a plan of 5,000 deliverables with room for blank rows, and the
# export's columns with room for notes beside them.
MAX_LINES = 10_000
MAX_COLUMNS = 50


def read(name: str, data: bytes) -> Reading:
    """Read and check a file; nothing is written. Raises PlanFileError for a file that cannot be
    read at all."""
    if len(data) > MAX_BYTES:
        raise PlanFileError(TOO_LARGE)
    try:
        return _read(name.lower(), data)
    except UnreadableFile as error:
        raise PlanFileError(str(error)) from None


def _read(lower: str, data: bytes) -> Reading:
    if lower.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        rows = spreadsheets.xlsx_rows(data, max_rows=MAX_LINES, max_columns=MAX_COLUMNS)
        return check(
            "columns", ((n, ["" if c is None else str(c) for c in cells]) for n, cells in rows)
        )
    text = _text(data)
    if plan_document.looks_like_document(text):
        document = plan_document.read(text)
        reading = check("document", document.cells)
        reading.errors[:0] = document.errors
        reading.warnings[:0] = document.warnings
        reading.indicators = document.indicators
        reading.themes = document.themes
        reading.owner_titles = document.owner_titles
        reading.group_names = document.group_names
        return reading
    if lower.endswith((".csv", ".txt", ".tsv")) or "," in text.partition("\n")[0]:
        return check("columns", spreadsheets.csv_rows(text, max_rows=MAX_LINES))
    raise PlanFileError(
        "This is not a plan file: upload the XLSX or CSV that the plan export gives (or the "
        "template), or the plan document saved as tab-separated text."
    )


def _text(data: bytes) -> str:
    if b"\x00" in data[:1024]:
        raise PlanFileError("This is not a spreadsheet or text file that can be read.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise PlanFileError("The file is not text in UTF-8: save it as CSV UTF-8.") from None


TOKEN_SALT = "planning.import"
TOKEN_MAX_AGE = 60 * 60


def preview_token(reading: Reading, financial_year: str, title: str, source: str) -> str:
    """What the preview showed, signed, for the confirm step (no file is kept on the server)."""
    data = dataclasses.asdict(reading) | {"year": financial_year, "title": title, "source": source}
    return signing.dumps(data, salt=TOKEN_SALT, compress=True)


def from_token(token: str):
    """(reading, year, title, source) from a preview; signing.BadSignature if it was changed or
    has expired. Owners and groups are looked up again: someone may have added them since."""
    data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    try:
        rows = [Row(**row) for row in data["rows"]]
        reading = Reading(
            kind=data["kind"],
            rows=rows,
            errors=list(data["errors"]),
            warnings=list(data["warnings"]),
            new_owners=[],
            new_groups=[],
            indicators={int(k): [tuple(i) for i in v] for k, v in data["indicators"].items()},
            themes={int(k): v for k, v in data["themes"].items()},
            owner_titles=data["owner_titles"],
            group_names=data["group_names"],
        )
    except (KeyError, TypeError, ValueError):
        raise signing.BadSignature("not a plan preview") from None
    known_owners = set(Owner.objects.values_list("code", flat=True))
    known_groups = {g.label for g in AssuranceGroup.objects.all()}
    reading.new_owners = sorted({c for r in rows for c in r.owners} - known_owners)
    reading.new_groups = sorted({g for r in rows for g in r.groups} - known_groups)
    return reading, data["year"], data["title"], data["source"]
