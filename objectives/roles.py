"""Roles: Django groups with permissions, kept in step with the code by `sync_roles`.

- Plan administrators run everything (and Django admin).
- Executive owners write updates, but only for deliverables their Owner owns: that object-level
  check is `Deliverable.objects.editable_by(user)`.
- Assurance group secretaries and viewers read.
Being linked to an Owner or to an assurance group's secretaries is what puts a user in the
executive or secretary group; `sync_user_role_groups` keeps the two in step.
"""

from django.contrib.auth.models import Group, Permission

PLAN_ADMINISTRATORS = "Plan administrators"
EXECUTIVE_OWNERS = "Executive owners"
SECRETARIES = "Assurance group secretaries"
VIEWERS = "Viewers"
ROLE_GROUPS = (PLAN_ADMINISTRATORS, EXECUTIVE_OWNERS, SECRETARIES, VIEWERS)

READ = [
    "objectives.view_plan",
    "objectives.view_quarter",
    "objectives.view_theme",
    "objectives.view_objective",
    "objectives.view_keyindicator",
    "deliverables.view_owner",
    "deliverables.view_deliverable",
    "deliverables.view_statusupdate",
    "assurance.view_assurancegroup",
    "assurance.view_assurancereview",
    "assurance.view_boardreport",
]
ROLE_PERMISSIONS = {
    PLAN_ADMINISTRATORS: ["objectives.*", "deliverables.*", "assurance.*", "auth.view_user"],
    EXECUTIVE_OWNERS: [*READ, "deliverables.add_statusupdate", "deliverables.change_statusupdate"],
    SECRETARIES: [*READ, "assurance.add_assurancereview", "assurance.change_assurancereview"],
    VIEWERS: READ,
}


def is_plan_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("objectives.administer_plan")


def can_read(user) -> bool:
    return user.is_authenticated and user.has_perm("objectives.view_plan")


def _permissions(patterns):
    found = Permission.objects.none()
    for pattern in patterns:
        app_label, codename = pattern.split(".")
        query = Permission.objects.filter(content_type__app_label=app_label)
        found |= query if codename == "*" else query.filter(codename=codename)
    return found


def sync_roles(**kwargs):
    """Create the role groups and give them exactly their permissions (after every migrate)."""
    for name, patterns in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(patterns))


def sync_user_role_groups(user):
    """Put a user in the executive / secretary groups exactly when they are linked as such."""
    for name, linked in (
        (EXECUTIVE_OWNERS, user.owners.exists()),
        (SECRETARIES, user.assurance_groups.exists()),
    ):
        group, _ = Group.objects.get_or_create(name=name)
        if linked:
            user.groups.add(group)
        else:
            user.groups.remove(group)
