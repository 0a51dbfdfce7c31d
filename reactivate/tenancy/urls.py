from django.urls import path

from reactivate.tenancy import views

urlpatterns = [
    path("settings/", views.practice_settings, name="practice_settings"),
    path("settings/team/", views.team_settings, name="team_settings"),
]
