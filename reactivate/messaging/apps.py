from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "reactivate.messaging"
    verbose_name = "Messages"
