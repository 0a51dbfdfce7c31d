from django.urls import path

from reactivate.tenancy import views

urlpatterns = [
    path("settings/", views.practice_settings, name="practice_settings"),
]
