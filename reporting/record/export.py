"""The whole board record as one ZIP archive for a place of deposit (`export_board_record`, and
the administrator's download): each record's PDF and canonical JSON, a manifest of the chain,
the certificate that checks the signatures, and a README saying how."""

import json
import tempfile
import zipfile

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from reporting.models import BoardReport
from reporting.record import archive, chain

README = """The board record of {trust}
Exported {exported} from uhbplan.

records/NNNN-<plan>-<quarter>.json  each closed quarter's record in canonical JSON
                                     (schema {schema}); its SHA-256 is the record hash
records/NNNN-<plan>-<quarter>.pdf   the board report as given to the Board: PDF/A-3 with
                                     the JSON attached, signed where a key was configured
manifest.json                       the chain: each record's number, quarter, closing time,
                                     hash, previous record's hash, and its PDF's SHA-256
certificate.pem                     the trust's signing certificate, where one is configured

To check a PDF offline: python manage.py verify_board_record FILE.pdf --cert certificate.pem
To check the chain by hand: each record's SHA-256 equals its manifest "record_hash", and each
record's "previous_hash" equals the record before it's. docs/board-record.md describes both.
Board papers are kept permanently (Records Management Code of Practice, retention schedule,
"Board meetings"): this archive is for transfer to the place of deposit at 20 years; nothing in
it is ever to be altered.
"""


def base_name(record) -> str:
    plan = record.data["plan"]["financial_year"].replace("/", "-")
    quarter = slugify(record.data["quarter"]["short_label"])
    return f"{record.sequence:04d}-{plan}-{quarter}"


def archive_file(target) -> None:
    """Write the ZIP to `target` (a path or a binary file)."""
    records = BoardReport.objects.chain().select_related("quarter", "supersedes")
    manifest = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for record in records:
            name = base_name(record)
            kept = archive.archival_pdf(record)
            zipped.writestr(f"records/{name}.json", chain.record_bytes(record))
            zipped.writestr(f"records/{name}.pdf", bytes(kept.content))
            manifest.append(
                {
                    "sequence": record.sequence,
                    "plan": record.data["plan"]["financial_year"],
                    "quarter": record.data["quarter"]["label"],
                    "closed_at": chain.entry(record)["closed_at"],
                    "closed_by": record.closed_by_name,
                    "record_hash": record.record_hash,
                    "previous_hash": record.previous_hash,
                    "supersedes_hash": record.supersedes.record_hash
                    if record.supersedes_id
                    else "",
                    "superseded": record.superseded_at is not None,
                    "json": f"records/{name}.json",
                    "pdf": f"records/{name}.pdf",
                    "pdf_sha256": kept.sha256,
                    "pdf_signed": kept.signed,
                }
            )
        problems = chain.problems(records)
        zipped.writestr(
            "manifest.json",
            json.dumps(
                {
                    "trust": settings.TRUST_NAME,
                    "schema": chain.SCHEMA,
                    "exported_at": timezone.now().isoformat(),
                    "chain_intact": not problems,
                    "problems": problems,
                    "records": manifest,
                },
                indent=2,
                ensure_ascii=False,
            ),
        )
        if settings.BOARD_RECORD_SIGNING_CERT:
            zipped.write(settings.BOARD_RECORD_SIGNING_CERT, "certificate.pem")
        zipped.writestr(
            "README.txt",
            README.format(
                trust=settings.TRUST_NAME,
                exported=f"{timezone.localtime():%-d %B %Y %H:%M}",
                schema=chain.SCHEMA,
            ),
        )


def zip_file():
    """The ZIP as an open temporary file, at its start (the download streams it)."""
    spooled = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    archive_file(spooled)
    spooled.seek(0)
    return spooled
