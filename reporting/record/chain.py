"""The board record's hash chain.

A record's canonical JSON (`canonical`) holds the frozen report and what the chain needs: its
place (`sequence`), the trust, when and by whom the quarter closed, the previous record's hash
and the hash of the record it supersedes. Its SHA-256 is the record's hash, stored beside it and
written into the signed PDF. Changing a stored report changes its hash; changing the stored hash
too breaks the next record's `previous_hash`; removing or reordering records breaks the run of
sequence numbers and hashes. `problems` finds each of these.

The schema is versioned (`SCHEMA`) and documented in docs/board-record.md: a verifier in twenty
years needs only this description and a SHA-256.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import connection
from django.utils import timezone

from common.text import person

SCHEMA = "uhbplan.board-record/1"
# PostgreSQL's advisory lock that makes records one at a time across the trust's app servers.
CHAIN_LOCK = 31_2021


def canonical(entry: dict) -> bytes:
    """JSON with sorted keys, no spaces and UTF-8 text: the one byte form of a record."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def entry(report) -> dict:
    """The record as hashed, signed and embedded in its PDF."""
    data = report.data
    # Every report schema holds its plan and quarter; .get() for rows made by hand (and tests).
    plan, quarter = data.get("plan", {}), data.get("quarter", {})
    return {
        "schema": SCHEMA,
        "sequence": report.sequence,
        "trust": report.trust,
        "plan": {"financial_year": plan.get("financial_year", ""), "title": plan.get("title", "")},
        "quarter": quarter.get("label", ""),
        "closed_at": report.created_at.astimezone(UTC).isoformat(),
        "closed_by": report.closed_by_name,
        "previous_hash": report.previous_hash,
        "supersedes_hash": report.supersedes.record_hash if report.supersedes_id else "",
        "report": data,
    }


def record_bytes(report) -> bytes:
    return canonical(entry(report))


def seal(report) -> None:
    """Give a new record its place in the chain and its hash (inside the caller's transaction,
    `BoardReport.save`). The record a reopened quarter's close supersedes is the quarter's
    current one."""
    from reporting.models import BoardReport

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = BoardReport.objects.chain().exclude(sequence=None).only("sequence", "record_hash").last()
    report.sequence = last.sequence + 1 if last else 1
    report.previous_hash = last.record_hash if last else ""
    if report.supersedes_id is None:
        report.supersedes = (
            BoardReport.objects.filter(quarter_id=report.quarter_id, record_hash__isnull=False)
            .order_by("-sequence")
            .first()
        )
    report.trust = report.trust or settings.TRUST_NAME
    if not report.closed_by_name and report.created_by_id:
        report.closed_by_name = person(report.created_by)
    report.record_hash = digest(record_bytes(report))


def problems(records) -> list[str]:
    """Every break in the chain `records` (BoardReports in chain order, with `supersedes`
    selected), one sentence each; none when the chain holds."""
    found = []
    previous = None
    for record in records:
        name = describe(record)
        if record.record_hash is None or record.sequence is None:
            found.append(f"{name} has no place in the chain: it was added outside the application.")
            continue
        if digest(record_bytes(record)) != record.record_hash:
            found.append(
                f"{name} has been changed since it was closed: its content no longer matches "
                "its hash."
            )
        expected = previous.sequence + 1 if previous else 1
        if record.sequence != expected:
            found.append(
                f"{name} should be record {expected}: a record before it is missing or the "
                "records were reordered."
            )
        if record.previous_hash != (previous.record_hash if previous else ""):
            found.append(
                f"{name} does not follow "
                + (describe(previous) if previous else "the start of the chain")
                + ": the hash it names as the previous record's is not that record's."
            )
        previous = record
    return found


def describe(record) -> str:
    quarter, plan = record.data.get("quarter", {}), record.data.get("plan", {})
    closed = timezone.localtime(record.created_at)
    return (
        f"Record {record.sequence} ({quarter.get('short_label', '?')} "
        f"{plan.get('financial_year', '?')}, closed {closed:%-d %B %Y %H:%M})"
    )
