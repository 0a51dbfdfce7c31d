from django.urls import path

from reactivate.segments import views

urlpatterns = [
    path("assessment/", views.assessment_page, name="assessment"),
    path("assessment.csv", views.assessment_download, {"kind": "csv"}, name="assessment_csv"),
    path("assessment.pdf", views.assessment_download, {"kind": "pdf"}, name="assessment_pdf"),
    path("assessment.json", views.assessment_download, {"kind": "json"}, name="assessment_json"),
    path("assessment/pilot/", views.assessment_pilot, name="assessment_pilot"),
    path("leads/<int:lead_id>/score/", views.lead_score, name="lead_score"),
    path("segments/", views.segment_index, name="segment_index"),
    path("segments/new/", views.segment_edit, name="segment_new"),
    path("segments/preview/", views.segment_preview, name="segment_preview"),
    path("segments/<int:segment_id>/", views.segment_detail, name="segment_detail"),
    path("segments/<int:segment_id>/edit/", views.segment_edit, name="segment_edit"),
    path("segments/<int:segment_id>/delete/", views.segment_delete, name="segment_delete"),
]
