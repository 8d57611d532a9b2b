from django.shortcuts import redirect
from django.views.decorators.http import require_GET


@require_GET
def home(request):
    """Send each person to the page they came for: executives to what they owe."""
    if request.user.has_perm("deliverables.change_statusupdate") and request.user.owners.exists():
        return redirect("deliverables:my_updates")
    return redirect("objectives:plan_overview")
