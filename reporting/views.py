"""The pages that read the plan across deliverables: the dashboard, the list and its downloads, a
secretary's groups, committee packs, the board report and its cover."""

import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_safe

from assurance.baf import register as baf
from assurance.models import AssuranceGroup, AssuranceReview, ChairReportItem, ReviewAction
from common import revision
from deliverables import exports
from nhsuk.navigation import safe_next_url
from objectives.models import Quarter
from objectives.quarters import parse_number
from reporting import glance, indicators, rollups
from reporting.board_report import pdf, word
from reporting.board_report.reading import report_for
from reporting.board_report.screens import pack_summary
from reporting.board_report.xlsx import to_xlsx
from reporting.filters import PlanFilter
from reporting.forms import BoardPaperCoverForm
from reporting.models import BoardPaperCover
from reporting.record import archive, signing
from reporting.record import views as record_views

log = logging.getLogger("uhbplan")

LIST_PAGE_SIZE = 50


# A committee's pack, a page at a time: every group of the seed plan fits on one (ADR 15).
PACK_PAGE_SIZE = 50


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@require_safe
@permission_required("deliverables.view_deliverable", raise_exception=True)
def deliverable_list(request):
    """The plan's deliverables, filtered by anything in the URL, with their status in a quarter."""
    filterset = PlanFilter(request.GET or None)
    page = Paginator(filterset.qs.with_plan_details(), LIST_PAGE_SIZE).get_page(
        parse_number(request.GET.get("page"))
    )
    return render(
        request,
        "reporting/deliverable_list.html",
        {
            "filter": filterset,
            "page": page,
            "quarter": filterset.quarter_obj,
            "query": filterset.query_string(),
        },
    )


@require_safe
@permission_required("deliverables.view_deliverable", raise_exception=True)
def deliverable_export(request, format):
    """The filtered list as CSV or XLSX: the plan's columns, then the quarter's update."""
    filterset = PlanFilter(request.GET or None)
    quarter = _chosen_quarter(request, filterset)
    rows, columns = exports.rows_for(filterset.qs, quarter), exports.columns_for(quarter)
    name = exports.file_name(quarter, filterset.description(), format)
    # Streamed: CSV row by row as they are read, XLSX from a temporary file (ADR 15).
    if format == "xlsx":
        output = exports.xlsx_file(rows, columns, title=f"Q{quarter.number}")
        return FileResponse(
            output, as_attachment=True, filename=name, content_type=exports.XLSX_TYPE
        )
    response = StreamingHttpResponse(
        exports.csv_download(rows, columns), content_type=exports.CSV_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@permission_required("objectives.view_plan", raise_exception=True)
def dashboard(request):
    """The plan at a glance for a quarter: totals, then each theme, owner and assurance group.
    The figures are the same for everyone who may see them, so they are rendered once and kept
    until the plan's data changes (ADR 15); only the page around them is built per request."""
    filterset = PlanFilter(request.GET or None)
    quarter = _chosen_quarter(request, filterset)
    body = revision.cached_page(
        "dashboard",
        [quarter.pk, timezone.localdate()],  # "due in 3 days" moves on with the date
        lambda: render_to_string("reporting/includes/dashboard_body.html", _figures(quarter)),
    )
    context = {"filter": filterset, "quarter": quarter, "body": body}
    return render(request, "reporting/dashboard.html", context)


def _figures(quarter) -> dict:
    themes = rollups.by_theme(quarter)
    kept = indicators.plan_measures(quarter)
    measures = indicators.measure_summaries(quarter, kept)
    return {
        "quarter": quarter,
        "totals": rollups.totals(themes, quarter),
        "themes": themes,
        "owners": rollups.by_owner(quarter),
        "groups": rollups.by_assurance_group(quarter),
        "glance": glance.for_quarter(quarter),
        "gaps_shown": glance.GAPS_ON_DASHBOARD,
        "legend": rollups.legend(),
        "statuses": rollups.ESSENTIAL_COLUMNS,
        "other_statuses": rollups.OTHER_COLUMNS,
        "open_actions": rollups.open_actions(quarter.plan),
        "moved": rollups.moved(quarter),
        "previous": rollups.previous_in_plan(quarter),
        "over_time": rollups.quarter_by_quarter(quarter.plan),
        # Rendered once for each state of the plan's measures (at a hundred times the seed
        # plan, two thousand rows were half the page's time after every status update).
        "measure_table": revision.remembered(
            "dashboard-measure-table",
            [quarter.pk],
            lambda: (
                measures
                and render_to_string(
                    "reporting/includes/measure_table.html",
                    {
                        "groups": indicators.by_theme(measures).values(),
                        "link": True,
                        "caption": "Key indicators by theme",
                    },
                )
            ),
            domain=revision.OBJECTIVES,
        ),
        "needs_a_look": indicators.dashboard_needs_a_look(quarter, measures),
        # The BAF's first-screen figures (issue 30): risks above appetite, open gaps.
        "baf": baf.as_data(baf.register(quarter, measures=kept), quarter),
    }


@require_safe
@permission_required("deliverables.view_deliverable", raise_exception=True)
def my_groups(request):
    """A secretary's landing page: their group's deliverables in the current quarter."""
    groups = sorted(AssuranceGroup.objects.secretary_of(request.user), key=lambda g: g.label)
    if not groups:
        return render(request, "reporting/my_groups.html", {"groups": []})
    wanted = parse_number(request.GET.get("group"))
    chosen = next((g for g in groups if g.pk == wanted), groups[0])
    # Any other filter in the URL still applies; the group is always the chosen one.
    params = request.GET.copy()
    params.pop("group", None)
    params["assurance_group"] = str(chosen.pk)
    filterset = PlanFilter(params).fix_group()
    deliverables = filterset.qs.with_plan_details().prefetch_related(
        Prefetch(
            "reviews",
            queryset=AssuranceReview.objects.filter(
                quarter=filterset.quarter_obj, assurance_group=chosen
            ),
            to_attr="group_reviews",
        )
    )
    page = Paginator(deliverables, 100).get_page(parse_number(request.GET.get("page")))
    context = {
        "groups": groups,
        "chosen": chosen,
        "filter": filterset,
        "quarter": filterset.quarter_obj,
        "page": page,
        "query": filterset.query_string(),
        "heading": f"{chosen.label}: items for review",
        "review_access": _review_access(request.user, chosen, filterset.quarter_obj),
        "chair_points": ChairReportItem.objects.filter(
            assurance_group=chosen, quarter=filterset.quarter_obj
        ).count(),
        # The BAF's risks this group leads on, for its view of each (issue 30).
        "led_risks": baf.views_owed(chosen, filterset.quarter_obj),
    }
    return render(request, "reporting/my_groups.html", context)


@require_safe
@permission_required("assurance.view_assurancereview", raise_exception=True)
def group_pack(request, group_pk):
    """A printable pack for a committee meeting: a summary, the chair's report, its
    deliverables with updates and reviews, and its open actions."""
    context = _pack(request, group_pk)
    page = Paginator(context["rows"], PACK_PAGE_SIZE).get_page(
        parse_number(request.GET.get("page"))
    )
    context |= {"page": page, "rows": page.object_list}
    return render(request, "reporting/group_pack.html", context)


@require_safe
@permission_required("assurance.view_assurancereview", raise_exception=True)
def group_pack_pdf(request, group_pk):
    """The pack as an A4 PDF, every deliverable in it (the page shows them a page at a time)."""
    context = _pack(request, group_pk, reported=True)
    return _pdf_download(
        "pack", lambda: pdf.group_pack_pdf(context), lambda *file: _pack_download(context, *file)
    )


@require_safe
@permission_required("assurance.view_assurancereview", raise_exception=True)
def group_pack_docx(request, group_pk):
    context = _pack(request, group_pk, reported=True)
    return _pack_download(context, word.group_pack_docx(context), DOCX_TYPE, "docx")


def _pack(request, group_pk, reported=False) -> dict:
    """Everything a committee's pack shows, from the quarter's report (frozen once closed)."""
    group = get_object_or_404(AssuranceGroup, pk=group_pk)
    quarter = _reported_quarter(request) if reported else _chosen_quarter(request)
    report = report_for(quarter)
    rows = report.kept.group_pack(group.pk)
    return {
        "group": group,
        "named": report.kept.group(group.pk, live=group),
        "quarter": quarter,
        "report": report,
        "data": report.data,
        "rows": rows,
        "total": len(rows),
        "summary": pack_summary(rows),
        "chair": [c for c in report.data["chair_reports"] if c["group_id"] == group.pk],
        "can_write_chair": AssuranceGroup.objects.may_review(request.user, group),
        "query": urlencode({"plan": quarter.plan.financial_year, "quarter": quarter.number}),
        # Live, whatever the quarter: what the meeting has to follow up.
        "open_actions": list(
            ReviewAction.objects.open()
            .filter(review__assurance_group=group, deliverable__objective__plan=quarter.plan_id)
            .select_related("deliverable__objective", "review__quarter", "responded_by")
            .order_by("deliverable__objective__number", "deliverable__number", "id")
        ),
    }


def _pack_download(context, content, content_type, extension):
    suffix = "" if context["report"].frozen else "-draft"
    label = slugify(context["named"]["label"]) or "group"
    name = exports.file_name(context["quarter"], f"{label}-pack{suffix}", extension)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@permission_required("reporting.view_boardreport", raise_exception=True)
def board_report(request):
    """The quarterly board report: fixed at close, a draft while the quarter is open."""
    filterset = PlanFilter(request.GET or None)
    quarter = _chosen_quarter(request, filterset)
    if not quarter.has_report:
        # Nothing was reported: no report of zeros, but why there is none.
        context = {"quarter": quarter, "filter": filterset}
        return render(request, "reporting/no_board_report.html", context)
    report = report_for(quarter)
    # A large plan's report comes a screen at a time (board_report.screens); most fit on one.
    page = Paginator(report.kept.screens, 1).get_page(parse_number(request.GET.get("page")))
    context = {
        "quarter": report.quarter,
        "report": report,
        "data": page.object_list[0],
        "filter": filterset,
        "page": page,
        "query": filterset.query_string(),
        # The assurance figures lead to the list of today's data: the same, unless a closed
        # quarter's review was corrected since.
        "link_numbers": True,
        "signing": signing.configured(),
    }
    return render(request, "reporting/board_report.html", context)


@require_safe
@permission_required("reporting.view_boardreport", raise_exception=True)
def board_report_pdf(request):
    """The board report as an A4 PDF for the board papers (reporting/board_report/pdf.py)."""
    report = report_for(_reported_quarter(request))
    if report.frozen:
        # A closed quarter's PDF is its board record: made once, signed and kept (issue 31).
        def make():
            return bytes(archive.archival_pdf(report.snapshot).content)
    else:

        def make():
            return pdf.board_report_pdf(report)

    try:
        return _pdf_download("board report", make, lambda *file: _report_download(report, *file))
    except signing.SigningUnavailable as error:
        return record_views.unavailable(error)


def _pdf_download(what, make, download):
    """`make()`'s PDF as `download(content, type, extension)`; a clear 503 where WeasyPrint's
    system libraries are missing (the page's Print command still works)."""
    try:
        content = make()
    except pdf.PdfUnavailable:
        return record_views.pdf_unavailable(what)
    return download(content, "application/pdf", "pdf")


@require_safe
@permission_required("reporting.view_boardreport", raise_exception=True)
def board_report_docx(request):
    """The board report as a Word document (reporting/board_report/word.py)."""
    report = report_for(_reported_quarter(request))
    return _report_download(report, word.board_report_docx(report), DOCX_TYPE, "docx")


@require_safe
@permission_required("reporting.view_boardreport", raise_exception=True)
def board_report_xlsx(request):
    report = report_for(_reported_quarter(request))
    return _report_download(report, to_xlsx(report.data), exports.XLSX_TYPE, "xlsx")


def _report_download(report, content, content_type, extension):
    """A board report file, named for its plan and quarter ("-draft" until the quarter closes)."""
    response = HttpResponse(content, content_type=content_type)
    suffix = "" if report.frozen else "-draft"
    name = exports.file_name(report.quarter, "board-report" + suffix, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@permission_required("objectives.administer_plan", raise_exception=True)
def board_cover(request, pk):
    """The board-paper cover sheet of a quarter's report: editable until the quarter closes,
    then fixed with the report."""
    quarter = get_object_or_404(Quarter.objects.select_related("plan"), pk=pk)
    cover = BoardPaperCover.objects.filter(quarter=quarter).first()
    form = BoardPaperCoverForm(
        request.POST or None, instance=cover or BoardPaperCover(quarter=quarter)
    )
    access = quarter.write_access(request.user, "cover")
    # Back where the administrator came from (the reporting cycle), else to the report itself.
    report_url = (
        reverse("reporting:board_report")
        + "?"
        + urlencode({"plan": quarter.plan.financial_year, "quarter": quarter.number})
    )
    back = safe_next_url(request, default=report_url)
    if request.method == "POST" and not access.allowed:
        form.add_error(None, access.reason)
    elif request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, f"Saved the board paper cover for {quarter.label}.")
        return redirect(back)
    if request.method == "POST":
        request.audit_event, request.audit_outcome = "refused", "invalid: cover"
    context = {"form": form, "quarter": quarter, "access": access, "back": back}
    return render(request, "reporting/board_cover.html", context)


def _reported_quarter(request):
    """The chosen quarter, if it was ever opened: a quarter nobody reported has no report."""
    quarter = _chosen_quarter(request)
    if not quarter.has_report:
        raise Http404(f"{quarter.label} has not been reported, so it has no board report.")
    return quarter


def _chosen_quarter(request, filterset=None):
    """The quarter in the URL (else the open one); 404 before any plan is loaded."""
    quarter = (filterset or PlanFilter(request.GET or None)).quarter_obj
    if quarter is None:
        raise Http404("No plan has been loaded yet.")
    return quarter


def _review_access(user, group, quarter):
    """The quarter's write access for this group's reviews, or None where this person may not
    record them (not the group's secretary, or the quarter's rule says no)."""
    if quarter is None or not AssuranceGroup.objects.may_review(user, group):
        return None
    access = quarter.write_access(user, "assurance")
    return access if access.allowed else None
