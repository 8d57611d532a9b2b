from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from assurance.models import AssuranceGroup
from deliverables.filters import DeliverableFilter


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
    page = Paginator(filterset.qs.with_plan_details(), 100).get_page(request.GET.get("page"))
    context = {
        "groups": groups,
        "chosen": chosen,
        "filter": filterset,
        "quarter": filterset.quarter_obj,
        "page": page,
        "query": filterset.query_string(),
        "heading": f"{chosen.label}: items for review",
    }
    return render(request, "assurance/my_groups.html", context)
