from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reactivate.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from reactivate.core import checks  # noqa: F401  (registers the system checks)
