from django.urls import path

from reactivate.channels import views
from reactivate.channels.letter import views as letter_views

urlpatterns = [
    path("settings/channels/", views.channel_settings_page, name="channel_settings"),
    path("settings/channels/test/", views.channel_test, name="channel_test"),
    path("letters/", letter_views.letter_batches, name="letter_batches"),
    path("letters/<int:pk>/", letter_views.letter_batch_action, name="letter_batch_action"),
    path("letters/<int:pk>/<str:kind>/", letter_views.letter_batch_file, name="letter_batch_file"),
]
