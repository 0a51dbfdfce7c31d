from django.urls import path

from reactivate.channels import views

urlpatterns = [
    path("settings/channels/", views.channel_settings_page, name="channel_settings"),
    path("settings/channels/test/", views.channel_test, name="channel_test"),
]
