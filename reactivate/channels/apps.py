from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "reactivate.channels"
    label = "channels"
    verbose_name = "Channels and the outbox"

    def ready(self) -> None:
        from anymail.signals import tracking

        from reactivate.channels.email.tracking import on_tracking

        # ESPs' delivery reports (anymail's tracking webhooks) become channel events.
        tracking.connect(on_tracking, dispatch_uid="reactivate.channels.tracking")
