from django.apps import AppConfig


class MetricsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reactivate.metrics"
    verbose_name = "Metrics"
