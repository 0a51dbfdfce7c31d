from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "reactivate.channels"
    label = "channels"
    verbose_name = "Channels and the outbox"

    def ready(self) -> None:
        from anymail.signals import tracking

        from reactivate.channels import checks  # noqa: F401 (registers the system checks)
        from reactivate.channels.email.tracking import on_tracking

        # ESPs' delivery reports (anymail's tracking webhooks) come in here; their inbound
        # mail goes to the replies app, which reads it.
        tracking.connect(on_tracking, dispatch_uid="reactivate.channels.tracking")
