from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from objectives.models import Objective, Plan


@require_safe
@permission_required("objectives.view_plan", raise_exception=True)
def plan_overview(request, pk=None):
    """The plan as the trust wrote it: themes, objectives, key indicators and deliverables."""
    plan = get_object_or_404(Plan, pk=pk) if pk else Plan.objects.latest_plan()
    if plan is None:
        raise Http404("No plan has been loaded yet.")
    # Deliverables are reached through their reverse relations, so this app never imports the
    # deliverables app (which builds on this one).
    objectives = Objective.objects.filter(plan=plan).prefetch_related(
        "key_indicators",
        "deliverables__owner_links__owner",
        "deliverables__group_links__assurance_group",
    )
    themes = plan.themes.prefetch_related(Prefetch("objectives", queryset=objectives))
    return render(
        request,
        "objectives/plan_detail.html",
        {"plan": plan, "themes": themes, "plans": Plan.objects.latest_first()},
    )
