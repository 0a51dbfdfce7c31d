from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "reactivate.tenancy"
    label = "tenancy"
    verbose_name = "Agencies and practices"
