from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "reactivate.workspace"
    verbose_name = "Coordinator's workspace"
