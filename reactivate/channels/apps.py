from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "reactivate.channels"
    label = "channels"
    verbose_name = "Channels and the outbox"
