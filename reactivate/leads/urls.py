from django.urls import path

from reactivate.leads import views

urlpatterns = [
    path("leads/", views.lead_index, name="lead_index"),
    path("leads/<int:lead_id>/notes/", views.lead_note, name="lead_note"),
    path("leads/<int:lead_id>/status/", views.lead_status, name="lead_status"),
    path("leads/<int:lead_id>/language/", views.lead_language, name="lead_language"),
    path("settings/treatments/", views.treatment_settings, name="treatment_settings"),
]
