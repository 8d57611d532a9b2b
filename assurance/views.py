from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assurance import reports, services
from assurance.forms import AssuranceReviewForm
from assurance.models import AssuranceGroup, AssuranceReview, BoardReport
from deliverables import exports
from deliverables.filters import DeliverableFilter
from deliverables.models import Deliverable
from objectives.models import Plan, Quarter


@require_GET
def home(request):
    """Send each person to the page they came for."""
    user = request.user
    if user.has_perm("deliverables.change_statusupdate") and user.owners.exists():
        return redirect("deliverables:my_updates")
    if user.assurance_groups.exists():
        return redirect("assurance:my_groups")
    return redirect("deliverables:dashboard")


@require_GET
@permission_required("deliverables.view_deliverable", raise_exception=True)
def my_groups(request):
    """A secretary's landing page: their group's deliverables in the current quarter."""
    groups = sorted(AssuranceGroup.objects.secretary_of(request.user), key=lambda g: g.label)
    if not groups:
        return render(request, "assurance/my_groups.html", {"groups": []})
    chosen = next((g for g in groups if str(g.pk) == request.GET.get("group")), groups[0])
    # Any other filter in the URL still applies; the group is always the chosen one.
    params = request.GET.copy()
    params.pop("group", None)
    params["assurance_group"] = str(chosen.pk)
    filterset = DeliverableFilter(params)
    deliverables = filterset.qs.with_plan_details().prefetch_related(
        Prefetch(
            "reviews",
            queryset=AssuranceReview.objects.filter(
                quarter=filterset.quarter_obj, assurance_group=chosen
            ),
            to_attr="group_reviews",
        )
    )
    page = Paginator(deliverables, 100).get_page(request.GET.get("page"))
    context = {
        "groups": groups,
        "chosen": chosen,
        "filter": filterset,
        "quarter": filterset.quarter_obj,
        "page": page,
        "query": filterset.query_string(),
        "heading": f"{chosen.label}: items for review",
        "can_review": AssuranceGroup.objects.reviewable_by(request.user)
        .filter(pk=chosen.pk)
        .exists(),
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
    if request.method == "POST" and form.is_valid():
        try:
            services.review_save(review=form.instance, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Recorded {group.label}'s assurance on {deliverable.reference}."
            )
            url = reverse("assurance:my_groups") + f"?group={group.pk}&quarter={number}"
            return redirect(f"{url}#deliverable-{deliverable.pk}")
    update = deliverable.updates.filter(quarter=quarter).select_related("updated_by").first()
    context = {"form": form, "group": group, "deliverable": deliverable, "quarter": quarter}
    return render(request, "assurance/review_form.html", context | {"update": update})


@require_GET
@permission_required("assurance.view_assurancereview", raise_exception=True)
def group_pack(request, group_pk):
    """A printable pack for a committee meeting: its deliverables, updates and reviews."""
    group = get_object_or_404(AssuranceGroup, pk=group_pk)
    quarter, data, frozen = _report_for(request)
    context = {
        "group": group,
        "quarter": quarter,
        "data": data,
        "frozen": frozen,
        "rows": reports.group_pack(data, group.pk),
    }
    return render(request, "assurance/group_pack.html", context)


@require_GET
@permission_required("assurance.view_boardreport", raise_exception=True)
def board_report(request):
    """The quarterly board report: fixed at close, a draft while the quarter is open."""
    quarter, data, frozen = _report_for(request)
    filterset = DeliverableFilter(request.GET or None)
    context = {"quarter": quarter, "data": data, "frozen": frozen, "filter": filterset}
    return render(request, "assurance/board_report.html", context)


@require_GET
@permission_required("assurance.view_boardreport", raise_exception=True)
def board_report_xlsx(request):
    quarter, data, frozen = _report_for(request)
    response = HttpResponse(reports.to_xlsx(data), content_type=exports.XLSX_TYPE)
    name = exports.file_name(quarter, "board-report" + ("" if frozen else "-draft"), "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@permission_required("objectives.administer_plan", raise_exception=True)
def quarters(request):
    """The reporting cycle: open, close and reopen quarters (plan administrators)."""
    plans = Plan.objects.latest_first().prefetch_related(
        Prefetch("quarters", queryset=Quarter.objects.select_related("state_changed_by"))
    )
    return render(request, "assurance/quarters.html", {"plans": plans})


@require_POST
@permission_required("objectives.administer_plan", raise_exception=True)
def quarter_change(request, pk, action):
    quarter = get_object_or_404(Quarter.objects.select_related("plan"), pk=pk)
    try:
        if action == "close":
            services.quarter_close(quarter=quarter, user=request.user)
            messages.success(request, f"{quarter.label} is closed and its board report is fixed.")
        else:
            services.quarter_open(quarter=quarter, user=request.user)
            messages.success(request, f"{quarter.label} is open for updates.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("assurance:quarters")


def _report_for(request):
    """The chosen quarter, its report data, and whether that data is the snapshot from close."""
    filterset = DeliverableFilter(request.GET or None)
    quarter = filterset.quarter_obj
    if quarter is None:
        raise Http404("No plan has been loaded yet.")
    snapshot = BoardReport.objects.filter(quarter=quarter, superseded_at__isnull=True).first()
    if quarter.is_closed and snapshot is not None:
        return quarter, snapshot.data, True
    return quarter, reports.report_data(quarter), False
