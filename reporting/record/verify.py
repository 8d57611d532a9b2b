"""Verifying a board record PDF with nothing but the file and the trust's certificate: no
database, no network (`verify_board_record FILE.pdf`, and the upload page, which also looks the
record up in the stored chain).

Every check that fails adds its own sentence; the PDF is verified only when none does.
"""

import io
import json
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, fromstring

from reporting.record import archive, chain

UNSIGNED = "The PDF is not signed"


@dataclass
class Verification:
    failures: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)  # the record's XMP facts (archive.PROPERTIES)
    entry: dict | None = None  # the embedded record, when it could be read
    signed_by: str = ""
    timestamped_at: object = None
    sha256: str = ""  # of the whole file

    @property
    def verified(self) -> bool:
        return not self.failures

    def summary(self) -> list[tuple[str, str]]:
        """What the record says of itself, for people."""
        f = self.facts
        return [
            (label, f.get(key, ""))
            for label, key in [
                ("Trust", "trust"),
                ("Plan", "plan"),
                ("Quarter", "quarter"),
                ("Closed at", "closedAt"),
                ("Closed by", "closedBy"),
                ("Place in the chain", "sequence"),
                ("Record hash", "recordHash"),
                ("Previous record's hash", "previousHash"),
                ("Supersedes", "supersedesHash"),
            ]
        ] + [("Signed by", self.signed_by)]


def verify(content: bytes, trusted: list) -> Verification:
    """Check `content` as a board record PDF against `trusted` certificates (asn1crypto)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    result = Verification(sha256=chain.digest(content))
    # The file is anyone's upload: whatever a damaged PDF makes its parser raise is a sentence
    # for the person, not a server error.
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        result.facts = _facts(reader)
    except Exception as error:  # noqa: BLE001 (see above)
        result.failures.append(f"This file cannot be read as a PDF ({_reason(error)}).")
        return result
    _check_signature(reader, trusted, result)
    try:
        attachment = _attachment(reader)
    except Exception as error:  # noqa: BLE001
        result.failures.append(
            f"The report data embedded in the PDF cannot be read ({_reason(error)}): the file "
            "was damaged or changed."
        )
        return result
    _check_data(attachment, result)
    return result


def _reason(error) -> str:
    return str(error) or type(error).__name__


def _attachment(reader) -> bytes | None:
    listed = _get(_get(_get(reader.root, "/Names"), "/EmbeddedFiles"), "/Names")
    if listed is None:
        return None
    for i in range(0, len(listed), 2):
        if str(listed[i]) == archive.ATTACHMENT:
            return listed[i + 1]["/EF"]["/F"].data
    return None


def _facts(reader) -> dict:
    metadata = _get(reader.root, "/Metadata")
    if metadata is None:
        return {}
    try:
        root = fromstring(metadata.data)
    except ParseError:
        return {}
    # RDF may write a property as an element or as an attribute of its description (pyHanko
    # rewrites the XMP in the second form when it signs).
    found = {}
    wanted = {f"{{{archive.NS}}}{name}": name for name in archive.PROPERTIES}
    for element in root.iter():
        if element.tag in wanted:
            found[wanted[element.tag]] = element.text or ""
        for key, value in element.attrib.items():
            if key in wanted:
                found[wanted[key]] = value
    return found


def _get(dictionary, key):
    """`dictionary[key]` resolved, or None (pyHanko resolves references on indexing only)."""
    if dictionary is None or key not in dictionary:
        return None
    return dictionary[key]


def _check_signature(reader, trusted, result):
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    signatures = reader.embedded_signatures
    if not signatures:
        result.failures.append(
            f"{UNSIGNED}, so nothing shows where it came from: it was made without the trust's "
            "signing key, or the signature was removed."
        )
        return
    if not trusted:
        result.failures.append(
            "No certificate to check the signature against: give the trust's certificate."
        )
        return
    context = ValidationContext(trust_roots=trusted, allow_fetching=False)
    try:
        status = validate_pdf_signature(signatures[0], context)
    except Exception as error:  # noqa: BLE001 (a damaged file's errors are many)
        result.failures.append(
            f"The signature cannot be checked ({_reason(error)}): the file was damaged or changed."
        )
        return
    result.signed_by = status.signing_cert.subject.human_friendly
    if status.timestamp_validity is not None:
        result.timestamped_at = status.timestamp_validity.timestamp
    if not status.intact:
        result.failures.append(
            "The PDF has been changed since it was signed: its bytes no longer match the signature."
        )
    elif not status.valid:
        result.failures.append("The signature is not a valid signature of this PDF.")
    if status.intact and not status.trusted:
        result.failures.append(
            "The signature was not made with the trust's certificate (or one it vouches for): "
            f"it names {result.signed_by}."
        )
    if status.intact and status.coverage.name != "ENTIRE_FILE":
        result.failures.append(
            "Something was added to the PDF after it was signed: the signature does not cover "
            "the whole file."
        )


def _check_data(attachment, result):
    stated = result.facts.get("recordHash", "")
    if attachment is None:
        result.failures.append(
            f"The PDF carries no {archive.ATTACHMENT}: it is not a board record PDF, or its "
            "data was removed."
        )
        return
    if not stated:
        result.failures.append("The PDF's metadata names no record hash.")
    elif chain.digest(attachment) != stated:
        result.failures.append(
            "The report data embedded in the PDF does not match the record hash it was signed "
            "with: the data was changed."
        )
    try:
        result.entry = json.loads(attachment)
    except (ValueError, UnicodeDecodeError):
        result.failures.append("The embedded report data is not readable JSON.")
        return
    if not isinstance(result.entry, dict) or chain.canonical(result.entry) != attachment:
        result.failures.append(
            "The embedded report data is not in the record's canonical form (docs/board-record.md)."
        )


def record_problems(trusted: list) -> tuple[int, list[str]]:
    """The whole stored record checked: the chain (`chain.problems`) and every kept PDF
    (unchanged since it was made, verifies, names its record's hash). The number of records,
    and one sentence for each problem; `verify_board_record --chain` and the record page ask
    this."""
    from reporting.models import BoardRecordPdf, BoardReport

    records = list(BoardReport.objects.chain().select_related("supersedes"))
    problems = chain.problems(records)
    for kept in BoardRecordPdf.objects.select_related("report"):
        content = bytes(kept.content)
        name = chain.describe(kept.report)
        if chain.digest(content) != kept.sha256:
            problems.append(f"{name}: its kept PDF has changed since it was made.")
            continue
        result = verify(content, trusted if kept.signed else [])
        failures = [f for f in result.failures if kept.signed or not f.startswith(UNSIGNED)]
        if result.facts.get("recordHash") != kept.report.record_hash:
            failures.append("its PDF names another record's hash.")
        problems += [f"{name}'s PDF: {f}" for f in failures]
    return len(records), problems
