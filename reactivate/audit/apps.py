from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "reactivate.audit"
    label = "audit"
    verbose_name = "Audit trail"
