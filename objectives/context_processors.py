from django.urls import reverse


def navigation(request):
    """The header's menu: the pages a signed-in user moves between."""
    if not request.user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = f"{match.namespace}:{match.url_name}" if match else ""
    items = []
    # Only executives (linked to an Owner) have updates to write.
    if request.user.has_perm("deliverables.change_statusupdate") and request.user.owners.exists():
        items.append(("deliverables:my_updates", "My updates"))
    items.append(("objectives:plan_overview", "The plan"))
    return {
        "nav_items": [
            {"url": reverse(name), "label": label, "current": name == current}
            for name, label in items
        ]
    }
