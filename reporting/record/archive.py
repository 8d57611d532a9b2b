"""A board record's archival PDF: the report as the Board saw it, PDF/A-3 (level A: tagged, so
screen readers still read its structure), with the record's canonical JSON attached as
`board-record.json` (relationship Data) and the record's facts in its XMP metadata, signed
(PAdES) with the trust's key where one is configured.

Made once, the first time anyone asks for the closed quarter's PDF (or by the export), and
kept: every later download is the same bytes, so "exactly what the Board was given" has one
answer. Closing a quarter stays quick, and the tests that close quarters do not all render.
"""

import io
from xml.etree.ElementTree import Element, SubElement, register_namespace, tostring

from django.db import IntegrityError, transaction

from reporting.board_report import pdf
from reporting.models import BoardRecordPdf
from reporting.record import chain, signing

ATTACHMENT = "board-record.json"
SIGNATURE_FIELD = "BoardRecordSignature"
NS = "urn:uhbplan:board-record:1#"
PREFIX = "uhbrec"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
for prefix, uri in {
    "rdf": RDF,
    PREFIX: NS,
    "pdfaExtension": PDFA_EXTENSION,
    "pdfaSchema": PDFA_SCHEMA,
    "pdfaProperty": PDFA_PROPERTY,
}.items():
    register_namespace(prefix, uri)

# The XMP properties, as the PDF/A extension schema declares them (PDF/A-3 asks that a custom
# namespace be described in the file itself).
PROPERTIES = {
    "schema": "The board record schema (docs/board-record.md)",
    "trust": "The trust whose board received the report",
    "plan": "The plan's financial year",
    "quarter": "The quarter reported",
    "closedAt": "When the quarter closed (UTC, ISO 8601)",
    "closedBy": "Who closed the quarter",
    "sequence": "The record's place in the trust's chain of board records",
    "recordHash": "SHA-256 of the attached board-record.json",
    "previousHash": "SHA-256 of the previous record in the chain",
    "supersedesHash": "SHA-256 of the record this one supersedes, if any",
}


def facts(entry: dict, record_hash: str) -> dict:
    return {
        "schema": entry["schema"],
        "trust": entry["trust"],
        "plan": entry["plan"]["financial_year"],
        "quarter": entry["quarter"],
        "closedAt": entry["closed_at"],
        "closedBy": entry["closed_by"],
        "sequence": str(entry["sequence"]),
        "recordHash": record_hash,
        "previousHash": entry["previous_hash"],
        "supersedesHash": entry["supersedes_hash"],
    }


def xmp(values: dict) -> bytes:
    """The record's XMP descriptions: the PDF/A extension schema, then the facts."""
    rdf = Element(f"{{{RDF}}}RDF")
    extension = SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    schemas = SubElement(SubElement(extension, f"{{{PDFA_EXTENSION}}}schemas"), f"{{{RDF}}}Bag")
    schema = SubElement(schemas, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    SubElement(schema, f"{{{PDFA_SCHEMA}}}schema").text = "uhbplan board record"
    SubElement(schema, f"{{{PDFA_SCHEMA}}}namespaceURI").text = NS
    SubElement(schema, f"{{{PDFA_SCHEMA}}}prefix").text = PREFIX
    properties = SubElement(SubElement(schema, f"{{{PDFA_SCHEMA}}}property"), f"{{{RDF}}}Seq")
    for name, description in PROPERTIES.items():
        item = SubElement(properties, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
        SubElement(item, f"{{{PDFA_PROPERTY}}}name").text = name
        SubElement(item, f"{{{PDFA_PROPERTY}}}valueType").text = "Text"
        SubElement(item, f"{{{PDFA_PROPERTY}}}category").text = "external"
        SubElement(item, f"{{{PDFA_PROPERTY}}}description").text = description
    description = SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    for name, value in values.items():
        SubElement(description, f"{{{NS}}}{name}").text = value
    return b"".join(tostring(element) for element in rdf)


def _with_xmp(descriptions: bytes):
    """A WeasyPrint finisher that puts `descriptions` inside the document's own rdf:RDF. (Its
    xmp_metadata option adds a second rdf:RDF, which readers, pyHanko among them, ignore.)"""

    def finish(document, pdf):
        stream = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
        content = b"".join(stream.stream)
        if b"</rdf:RDF>" not in content:
            raise ValueError("WeasyPrint's XMP has no rdf:RDF to extend.")
        stream.stream = [content.replace(b"</rdf:RDF>", descriptions + b"</rdf:RDF>", 1)]

    return finish


def render(report, content: bytes) -> bytes:
    """The unsigned PDF/A-3 of `report` carrying `content` (its canonical JSON)."""
    from weasyprint import Attachment

    from reporting.board_report import snapshots
    from reporting.board_report.reading import KeptReport, QuarterReport

    entry = chain.entry(report)
    read = QuarterReport(report.quarter, KeptReport(snapshots.upgrade(report.data)), True, report)
    attachment = Attachment(
        file_obj=io.BytesIO(content),
        name=ATTACHMENT,
        description="The board record: this report's data as frozen at close (JSON)",
        relationship="Data",
    )
    return pdf.board_report_pdf(
        read,
        pdf_variant="pdf/a-3a",
        attachments=[attachment],
        finisher=_with_xmp(xmp(facts(entry, report.record_hash))),
    )


def sign(content: bytes, signer: signing.Signing, report) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    writer = IncrementalPdfFileWriter(io.BytesIO(content))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"Board record {report.sequence}: the board report as closed",
        location=report.trust,
    )
    timestamper = HTTPTimeStamper(signer.timestamp_url) if signer.timestamp_url else None
    signed = signers.PdfSigner(metadata, signer=signer.signer, timestamper=timestamper)
    return signed.sign_pdf(writer).getvalue()


def archival_pdf(report) -> BoardRecordPdf:
    """The record's kept PDF, made and kept now if it was never asked for."""
    kept = BoardRecordPdf.objects.filter(report=report).first()
    if kept is not None:
        return kept
    signer = signing.signing()  # SigningUnavailable before anything is rendered
    content = render(report, chain.record_bytes(report))
    if signer is not None:
        content = sign(content, signer, report)
    try:
        with transaction.atomic():
            return BoardRecordPdf.objects.create(
                report=report,
                content=content,
                sha256=chain.digest(content),
                signed=signer is not None,
                signer=signer.subject if signer else "",
            )
    except IntegrityError:
        # Another request made it first: theirs is the record's PDF.
        return BoardRecordPdf.objects.get(report=report)
