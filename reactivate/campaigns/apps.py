from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "reactivate.campaigns"
    verbose_name = "Campaigns and sequences"
