"""Roles: Django groups with permissions, kept in step with the code and with people's links.

- Plan administrators run everything (and Django admin).
- Executive owners write updates, but only for deliverables their Owner owns: that object-level
  check is `Deliverable.objects.editable_by(user)`.
- Assurance group secretaries record their groups' reviews; viewers read.

Being linked to an Owner (as executive or delegate) or to an assurance group's secretaries is
what puts a person in the executive or secretary group. One mechanism keeps the two in step:
the m2m_changed signals connected by `connect_role_signals`, which fire however a link changes
through its relation (the Owner, group and person pages in admin, `assign_role`, `seed_demo`,
factories, the shell). Django sends no signal for a link row saved on its own, so no page
edits link rows directly (accounts/admin.py sets them through the relation).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import m2m_changed

from assurance.models import AssuranceGroup
from deliverables.models import Owner

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
    "objectives.view_measure",
    "objectives.view_measurevalue",
    "deliverables.view_owner",
    "deliverables.view_deliverable",
    "deliverables.view_statusupdate",
    "assurance.view_assurancegroup",
    "assurance.view_assurancereview",
    "assurance.view_principalrisk",
    "reporting.view_boardreport",
]
ROLE_PERMISSIONS = {
    PLAN_ADMINISTRATORS: [
        "objectives.*",
        "deliverables.*",
        "assurance.*",
        "reporting.*",
        "auth.view_user",
    ],
    EXECUTIVE_OWNERS: [
        *READ,
        "deliverables.add_statusupdate",
        "deliverables.change_statusupdate",
        # Their own risks' quarterly scores (PrincipalRisk.objects.owned_by).
        "assurance.add_riskscore",
        "assurance.change_riskscore",
    ],
    SECRETARIES: [
        *READ,
        "assurance.add_assurancereview",
        "assurance.change_assurancereview",
        # Their committee's view of the risks it leads on (PrincipalRisk.objects.viewed_by).
        "assurance.add_riskcommitteeview",
        "assurance.change_riskcommitteeview",
    ],
    VIEWERS: READ,
}
# The links that put a person in a group: (the link rows, which have a `user`, and the group).
LINKED_ROLES = (
    (Owner.users.through, EXECUTIVE_OWNERS),
    (AssuranceGroup.secretaries.through, SECRETARIES),
)


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
    for through, name in LINKED_ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        if through.objects.filter(user_id=user.pk).exists():
            user.groups.add(group)
        else:
            user.groups.remove(group)


def _sync_ids(user_ids):
    for user in get_user_model().objects.filter(pk__in=user_ids):
        sync_user_role_groups(user)


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # .add(), .remove(), .set() and .clear() from either side of the relation.
    if reverse:  # `instance` is the person
        if action.startswith("post_"):
            sync_user_role_groups(instance)
        return
    if action == "pre_clear":
        # After a clear the rows are gone and pk_set is None: note who was linked first.
        owner_field = next(
            f.name
            for f in sender._meta.get_fields()
            if f.is_relation and f.related_model is type(instance)
        )
        instance._people_before_clear = list(
            sender.objects.filter(**{owner_field: instance}).values_list("user_id", flat=True)
        )
    elif action == "post_clear":
        _sync_ids(getattr(instance, "_people_before_clear", []))
    elif action in ("post_add", "post_remove"):
        _sync_ids(pk_set or [])


def connect_role_signals():
    for through, _name in LINKED_ROLES:
        uid = f"accounts.roles.{through._meta.label}"
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=uid + ".m2m")
