from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    COORDINATOR = "coordinator", "Coordinator"
    VIEWER = "viewer", "Viewer"
    AGENCY_OPERATOR = "agency_operator", "Agency operator"


# What each role may do. Viewing is implied by any membership.
EDIT_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.COORDINATOR, Role.AGENCY_OPERATOR})
MANAGE_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.AGENCY_OPERATOR})
