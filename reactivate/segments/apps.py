from django.apps import AppConfig


class SegmentsConfig(AppConfig):
    name = "reactivate.segments"
    verbose_name = "Assessment, segments and scoring"
