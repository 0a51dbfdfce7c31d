from django.urls import path

from reactivate.imports import views

urlpatterns = [
    path("imports/", views.import_index, name="import_index"),
    path("imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/status/", views.import_progress, name="import_progress"),
    path("imports/<int:batch_id>/report.csv", views.import_report, name="import_report"),
]
