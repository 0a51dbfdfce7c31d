from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The top floor: `reactivate demo` shows every capability, so it may use every app."""

    name = "reactivate.demo"
    verbose_name = "Demo"
