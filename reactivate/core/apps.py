from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "reactivate.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from reactivate.core import checks  # noqa: F401  (registers the system checks)
        from reactivate.core.text import register_sqlite_functions

        connection_created.connect(register_sqlite_functions)
