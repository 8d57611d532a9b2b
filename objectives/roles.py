"""The plan administrator's role, the one role the domain rules ask about.

The role groups themselves (who gets which permissions, and how being linked to an Owner or an
assurance group puts a person in a group) live in `accounts.roles`, above every domain app.
"""


def is_plan_admin(user) -> bool:
    return user.is_authenticated and user.has_perm("objectives.administer_plan")
