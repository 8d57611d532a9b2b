import logging
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assurance import indicators, pdf, reports, rollups, services, word
from assurance.filters import PlanFilter
from assurance.forms import ActionResponseForm, AssuranceReviewForm, BoardPaperCoverForm
from assurance.models import AssuranceGroup, AssuranceReview, BoardPaperCover, ReviewAction
from common import revision
from common.versioning import UpdateConflict
from deliverables import exports
from deliverables.models import Deliverable
from objectives.models import Plan, Quarter
from objectives.quarters import parse_number

LIST_PAGE_SIZE = 50
# A committee's pack, a page at a time: every group of the seed plan fits on one (ADR 15).
PACK_PAGE_SIZE = 50
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
log = logging.getLogger("uhbplan")


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
        "assurance/deliverable_list.html",
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
        lambda: render_to_string("assurance/includes/dashboard_body.html", _figures(quarter)),
    )
    context = {"filter": filterset, "quarter": quarter, "body": body}
    return render(request, "assurance/dashboard.html", context)


def _figures(quarter) -> dict:
    themes = rollups.by_theme(quarter)
    measures = indicators.measure_summaries(quarter)
    return {
        "quarter": quarter,
        "totals": rollups.totals(themes, quarter),
        "themes": themes,
        "owners": rollups.by_owner(quarter),
        "groups": rollups.by_assurance_group(quarter),
        "legend": rollups.legend(),
        "statuses": rollups.ESSENTIAL_COLUMNS,
        "other_statuses": rollups.OTHER_COLUMNS,
        "open_actions": rollups.open_actions(quarter.plan),
        "moved": rollups.moved(quarter),
        "over_time": rollups.quarter_by_quarter(quarter.plan),
        "measure_themes": indicators.by_theme(measures).values(),
        "needs_a_look": indicators.dashboard_needs_a_look(quarter, measures),
    }


@require_safe
@permission_required("deliverables.view_deliverable", raise_exception=True)
def my_groups(request):
    """A secretary's landing page: their group's deliverables in the current quarter."""
    groups = sorted(AssuranceGroup.objects.secretary_of(request.user), key=lambda g: g.label)
    if not groups:
        return render(request, "assurance/my_groups.html", {"groups": []})
    wanted = parse_number(request.GET.get("group"))
    chosen = next((g for g in groups if g.pk == wanted), groups[0])
    # Any other filter in the URL still applies; the group is always the chosen one.
    params = request.GET.copy()
    params.pop("group", None)
    params["assurance_group"] = str(chosen.pk)
    filterset = PlanFilter(params)
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
    }
    return render(request, "assurance/my_groups.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("assurance.view_assurancereview", raise_exception=True)
def review_edit(request, group_pk, pk, number):
    """Record or change a group's level of assurance on one deliverable for a quarter."""
    group = get_object_or_404(AssuranceGroup, pk=group_pk)
    if not AssuranceGroup.objects.reviewable_by(request.user).filter(pk=group.pk).exists():
        raise PermissionDenied("Only this group's secretaries can record its assurance.")
    deliverable = get_object_or_404(
        Deliverable.objects.with_plan_details(), pk=pk, assurance_groups=group
    )
    quarter = get_object_or_404(Quarter, plan_id=deliverable.objective.plan_id, number=number)
    existing = AssuranceReview.objects.filter(
        deliverable=deliverable, quarter=quarter, assurance_group=group
    ).first()
    instance = existing or AssuranceReview(
        deliverable=deliverable, quarter=quarter, assurance_group=group
    )
    form = AssuranceReviewForm(request.POST or None, instance=instance)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(
                review=form.instance, user=request.user, expected_version=form.expected_version
            )
        except UpdateConflict as error:
            conflict, form = error.current, form.with_newer(request.POST, error.current)
            request.audit_event = "conflict"  # for the audit log (core.middleware)
            request.audit_outcome = f"version {conflict.version} was saved first"
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Recorded {group.label}'s assurance on {deliverable.reference}."
            )
            url = reverse("assurance:my_groups") + f"?group={group.pk}&quarter={number}"
            return redirect(f"{url}#deliverable-{deliverable.pk}")
    if request.method == "POST" and not conflict:
        request.audit_event = "refused"
        request.audit_outcome = "invalid: " + ", ".join(form.errors)
    update = (
        deliverable.updates.submitted().filter(quarter=quarter).select_related("updated_by").first()
    )
    context = {
        "form": form,
        "group": group,
        "deliverable": deliverable,
        "quarter": quarter,
        "access": quarter.write_access(request.user, "assurance"),
        "conflict": conflict,
        "update": update,
    }
    return render(request, "assurance/review_form.html", context)


@require_safe
@permission_required("assurance.view_assurancereview", raise_exception=True)
def group_pack(request, group_pk):
    """A printable pack for a committee meeting: its deliverables, updates and reviews."""
    group = get_object_or_404(AssuranceGroup, pk=group_pk)
    report = reports.report_for(_chosen_quarter(request))
    quarter = report.quarter
    rows = report.kept.group_pack(group.pk)
    page = Paginator(rows, PACK_PAGE_SIZE).get_page(parse_number(request.GET.get("page")))
    context = {
        "group": group,
        "named": report.kept.group(group.pk, live=group),
        "quarter": quarter,
        "report": report,
        "data": report.data,
        "page": page,
        "rows": page.object_list,
        "query": urlencode({"plan": quarter.plan.financial_year, "quarter": quarter.number}),
        # Live, whatever the quarter: what the meeting has to follow up.
        "open_actions": ReviewAction.objects.open()
        .filter(review__assurance_group=group, review__quarter__plan=quarter.plan_id)
        .select_related("deliverable__objective", "review__quarter", "responded_by")
        .order_by("deliverable__objective__number", "deliverable__number", "id"),
    }
    return render(request, "assurance/group_pack.html", context)


@require_safe
@permission_required("assurance.view_boardreport", raise_exception=True)
def board_report(request):
    """The quarterly board report: fixed at close, a draft while the quarter is open."""
    filterset = PlanFilter(request.GET or None)
    report = reports.report_for(_chosen_quarter(request, filterset))
    # A large plan's report comes a screen at a time (reports.screens); most fit on one.
    page = Paginator(report.kept.screens, 1).get_page(parse_number(request.GET.get("page")))
    context = {
        "quarter": report.quarter,
        "report": report,
        "data": page.object_list[0],
        "filter": filterset,
        "page": page,
        "query": filterset.query_string(),
    }
    return render(request, "assurance/board_report.html", context)


@require_safe
@permission_required("assurance.view_boardreport", raise_exception=True)
def board_report_pdf(request):
    """The board report as an A4 PDF for the board papers (assurance/pdf.py)."""
    report = reports.report_for(_chosen_quarter(request))
    try:
        content = pdf.board_report_pdf(report)
    except pdf.PdfUnavailable:
        log.exception("The board report PDF cannot be made: WeasyPrint's libraries are missing")
        message = "The PDF cannot be made on this server just now. Use the page's Print command."
        return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    return _report_download(report, content, "application/pdf", "pdf")


@require_safe
@permission_required("assurance.view_boardreport", raise_exception=True)
def board_report_docx(request):
    """The board report as a Word document (assurance/word.py)."""
    report = reports.report_for(_chosen_quarter(request))
    return _report_download(report, word.board_report_docx(report), DOCX_TYPE, "docx")


@require_safe
@permission_required("assurance.view_boardreport", raise_exception=True)
def board_report_xlsx(request):
    report = reports.report_for(_chosen_quarter(request))
    return _report_download(report, reports.to_xlsx(report.data), exports.XLSX_TYPE, "xlsx")


def _report_download(report, content, content_type, extension):
    """A board report file, named for its plan and quarter ("-draft" until the quarter closes)."""
    response = HttpResponse(content, content_type=content_type)
    suffix = "" if report.frozen else "-draft"
    name = exports.file_name(report.quarter, "board-report" + suffix, extension)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@permission_required("objectives.administer_plan", raise_exception=True)
def quarters(request):
    """The reporting cycle: open, close and reopen quarters (plan administrators)."""
    plans = Plan.objects.latest_first().prefetch_related(
        Prefetch("quarters", queryset=Quarter.objects.select_related("state_changed_by"))
    )
    return render(request, "assurance/quarters.html", {"plans": plans})


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
    if request.method == "POST" and not access.allowed:
        form.add_error(None, access.reason)
    elif request.method == "POST" and form.is_valid():
        form.instance._history_user = request.user
        form.save()
        messages.success(request, f"Saved the board paper cover for {quarter.label}.")
        return redirect("assurance:quarters")
    if request.method == "POST":
        request.audit_event, request.audit_outcome = "refused", "invalid: cover"
    context = {"form": form, "quarter": quarter, "access": access}
    return render(request, "assurance/board_cover.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("objectives.administer_plan", raise_exception=True)
def quarter_change(request, pk, action):
    """Open, close or reopen a quarter. Closing asks first (GET), saying what is missing."""
    quarter = get_object_or_404(Quarter.objects.select_related("plan"), pk=pk)
    if request.method == "GET":
        if action != "close" or not quarter.is_open:
            return redirect("assurance:quarters")
        missing = Deliverable.objects.awaiting_update_in(quarter).count()
        cover = BoardPaperCover.objects.filter(quarter=quarter).first()
        context = {"quarter": quarter, "missing": missing, "cover": cover}
        return render(request, "assurance/quarter_close_confirm.html", context)
    try:
        if action == "close":
            services.quarter_close(quarter=quarter, user=request.user)
            messages.success(request, f"{quarter.label} is closed and its board report is fixed.")
        else:
            services.quarter_open(quarter=quarter, user=request.user)
            messages.success(request, f"{quarter.label} is open for updates.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        request.audit_event, request.audit_outcome = "refused", " ".join(error.messages)
    return redirect("assurance:quarters")


def _chosen_quarter(request, filterset=None):
    """The quarter in the URL (else the open one); 404 before any plan is loaded."""
    quarter = (filterset or PlanFilter(request.GET or None)).quarter_obj
    if quarter is None:
        raise Http404("No plan has been loaded yet.")
    return quarter


def _review_access(user, group, quarter):
    """The quarter's write access for this group's reviews, or None where this person may not
    record them (not the group's secretary, or the quarter's rule says no)."""
    if (
        quarter is None
        or not AssuranceGroup.objects.reviewable_by(user).filter(pk=group.pk).exists()
    ):
        return None
    access = quarter.write_access(user, "assurance")
    return access if access.allowed else None


@require_http_methods(["GET", "POST"])
@permission_required("deliverables.change_statusupdate", raise_exception=True)
def action_respond(request, pk):
    """The owner's response to an action a committee asked of them."""
    action = get_object_or_404(
        ReviewAction.objects.select_related("review__assurance_group", "review__quarter"), pk=pk
    )
    if not Deliverable.objects.editable_by(request.user).filter(pk=action.deliverable_id).exists():
        raise PermissionDenied("Only the deliverable's owners can respond to its actions.")
    form = ActionResponseForm(request.POST or None, instance=action)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_respond(
                action=action, user=request.user, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Saved your response. The group's secretary can now close the action."
            )
            return redirect(_action_url(action))
    if request.method == "POST":
        request.audit_event, request.audit_outcome = "refused", "invalid: response"
    context = {"form": form, "action": action, "deliverable": action.deliverable}
    return render(request, "assurance/action_respond.html", context)


@require_POST
def action_close(request, pk):
    """The group's secretary closes an action, or reopens it."""
    action = get_object_or_404(ReviewAction.objects.select_related("review"), pk=pk)
    closed = request.POST.get("closed") == "1"
    services.action_close(action=action, user=request.user, closed=closed)  # 403 if not theirs
    messages.success(request, "Closed the action." if closed else "Reopened the action.")
    return redirect(_action_url(action))


def _action_url(action):
    return reverse("deliverables:detail", args=[action.deliverable_id]) + f"#action-{action.pk}"
