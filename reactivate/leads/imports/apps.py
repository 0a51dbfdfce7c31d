from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "reactivate.leads.imports"
    label = "imports"
    verbose_name = "Lead imports"
