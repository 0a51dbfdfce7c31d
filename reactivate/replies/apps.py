from django.apps import AppConfig


class RepliesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reactivate.replies"
    verbose_name = "Replies"

    def ready(self) -> None:
        from anymail.signals import inbound

        from reactivate.replies.webhooks import on_inbound

        # Email replies through an ESP's inbound route (django-anymail's webhooks).
        inbound.connect(on_inbound, dispatch_uid="reactivate.replies.inbound")
