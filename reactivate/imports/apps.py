from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "reactivate.imports"
    label = "imports"
    verbose_name = "Lead imports"
