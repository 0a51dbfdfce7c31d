from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "reactivate.channels"
    label = "channels"
    verbose_name = "Channels and the outbox"

    def ready(self) -> None:
        from anymail.signals import inbound, tracking

        from reactivate.channels import checks  # noqa: F401 (registers the system checks)
        from reactivate.channels.email.tracking import on_inbound, on_tracking

        # ESPs' delivery reports and inbound mail (anymail's webhooks) come in here.
        tracking.connect(on_tracking, dispatch_uid="reactivate.channels.tracking")
        inbound.connect(on_inbound, dispatch_uid="reactivate.channels.inbound")
