from django.contrib.auth.decorators import permission_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from objectives import extensions
from objectives.measures.models import with_plan_starts
from objectives.models import Measure, Objective, Plan


@require_safe
@permission_required("objectives.view_plan", raise_exception=True)
def plan_overview(request, pk=None):
    """The plan as the trust wrote it: themes, objectives, key indicators and deliverables."""
    plan = get_object_or_404(Plan, pk=pk) if pk else Plan.objects.current()
    if plan is None:
        raise Http404("No plan has been loaded yet.")
    # Each objective's deliverables come as the deliverables app registered them: this app
    # never names the apps built on it (objectives.extensions).
    objectives = Objective.objects.filter(plan=plan).prefetch_related(
        "key_indicators", *extensions.plan_page_prefetches()
    )
    themes = plan.themes.prefetch_related(Prefetch("objectives", queryset=objectives))
    return render(
        request,
        "objectives/plan_detail.html",
        {"plan": plan, "themes": themes, "plans": Plan.objects.latest_first()},
    )


@require_safe
@permission_required("objectives.view_objective", raise_exception=True)
def objective_detail(request, pk):
    """An objective: its key indicators with their SPC charts, and the deliverables under it."""
    objective = get_object_or_404(Objective.objects.select_related("theme", "plan"), pk=pk)
    # By line: a measure continued into a later year is still this year's indicator's.
    found = with_plan_starts(Measure.objects.with_values().for_objective(objective))
    measures = {m.indicator.line: m for m in found}
    indicators = [(k, measures.get(k.line)) for k in objective.key_indicators.all()]
    # Reverse relation: this app never imports the deliverables app (which builds on it).
    deliverables = objective.deliverables.order_by("number")
    context = {
        "objective": objective,
        "indicators": indicators,
        "unmeasured": [k for k, measure in indicators if measure is None],
        "deliverables": deliverables,
    }
    return render(request, "objectives/objective_detail.html", context)
