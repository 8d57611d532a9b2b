"""The board record's pages: the chain, checking an uploaded PDF, and the export for a place of
deposit (docs/board-record.md)."""

import logging

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from objectives.roles import is_plan_admin
from reporting.board_report import pdf
from reporting.models import BoardRecordPdf, BoardReport
from reporting.record import archive, chain, export, signing, verify
from reporting.record.forms import VerifyForm

log = logging.getLogger("uhbplan")

VIEW = "reporting.view_boardreport"


@require_safe
@permission_required(VIEW, raise_exception=True)
def record_list(request):
    """Every record of the trust's chain, first closed first; the chain checked on request."""
    records = BoardReport.objects.chain().select_related("quarter__plan", "archival_pdf")
    context = {
        # Not the reports' data nor the PDFs' bytes: a page of decades of records stays light.
        "records": records.defer("data", "archival_pdf__content"),
        "signing": signing.configured(),
        "admin": is_plan_admin(request.user),
    }
    if "check" in request.GET:
        context["problems"] = verify.record_problems(_trusted())[1]
    return render(request, "reporting/record_list.html", context)


@require_safe
@permission_required(VIEW, raise_exception=True)
def record_pdf(request, sequence):
    record = _record(sequence)
    try:
        kept = archive.archival_pdf(record)
    except signing.SigningUnavailable as error:
        return unavailable(error)
    except pdf.PdfUnavailable:
        return pdf_unavailable("board record")
    return pdf_response(kept)


@require_safe
@permission_required(VIEW, raise_exception=True)
def record_json(request, sequence):
    record = _record(sequence)
    response = HttpResponse(chain.record_bytes(record), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{export.base_name(record)}.json"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def record_verify(request):
    """Upload a PDF: is it exactly a report the Board was given, and which?"""
    form = VerifyForm(request.POST or None, request.FILES or None)
    context = {"form": form, "signing": signing.configured()}
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        result = verify.verify(content, _trusted())
        kept = (
            BoardRecordPdf.objects.filter(sha256=result.sha256)
            .select_related("report__quarter__plan", "report__superseded_by")
            .first()
        )
        named = result.facts.get("recordHash")
        record = kept.report if kept else _by_hash(named)
        context |= {"result": result, "kept": kept, "record": record}
        request.audit_event = "verified board record" if result.verified else "refused"
    return render(request, "reporting/record_verify.html", context)


@require_safe
@permission_required(VIEW, raise_exception=True)
def record_export(request):
    """The whole record as one ZIP for a place of deposit: every PDF (made now where it never
    was), its JSON, the chain's manifest and the certificate to check them with."""
    if not is_plan_admin(request.user):
        raise PermissionDenied("Only plan administrators export the board record.")
    try:
        archive_file = export.zip_file()
    except signing.SigningUnavailable as error:
        return unavailable(error)
    name = f"board-record-{timezone.localdate():%Y-%m-%d}.zip"
    return FileResponse(archive_file, as_attachment=True, filename=name)


def pdf_response(kept: BoardRecordPdf) -> HttpResponse:
    response = HttpResponse(bytes(kept.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export.base_name(kept.report)}.pdf"'
    return response


def pdf_unavailable(what) -> HttpResponse:
    """WeasyPrint's system libraries are missing: a clear 503 (the page's Print still works)."""
    log.exception("The %s PDF cannot be made: WeasyPrint's libraries are missing", what)
    message = "The PDF cannot be made on this server just now. Use the page's Print command."
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


def unavailable(error) -> HttpResponse:
    log.error("The board record PDF cannot be signed: %s", error)
    message = (
        f"{error} The board record's PDF is not made until the key can be used, so that no "
        "unsigned copy is kept by mistake; the plan administrator's technical team can fix it."
    )
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


def _record(sequence) -> BoardReport:
    record = BoardReport.objects.filter(sequence=sequence).select_related("quarter").first()
    if record is None:
        raise Http404("No board record has that number.")
    return record


def _by_hash(record_hash):
    if not record_hash:
        return None
    return (
        BoardReport.objects.filter(record_hash=record_hash)
        .select_related("quarter__plan", "superseded_by")
        .first()
    )


def _trusted() -> list:
    try:
        return signing.trusted_certificates()
    except (OSError, ValueError) as error:
        log.error("The board record's certificate cannot be read: %s", error)
        return []
