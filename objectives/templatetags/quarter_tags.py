from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_to(deadline):
    """How far off a deadline is, in words: "in 3 days", "today", "passed 2 days ago"."""
    if not deadline:
        return ""
    days = (deadline - timezone.localdate()).days
    if days == 0:
        return "today"
    if days > 0:
        return f"in {days} day{'s' if days != 1 else ''}"
    return f"passed {-days} day{'s' if days != -1 else ''} ago"
