from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "reactivate.leads"
    label = "leads"
    verbose_name = "Leads"
