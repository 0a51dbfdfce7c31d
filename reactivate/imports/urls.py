from django.urls import path

from reactivate.imports import review_views, views

urlpatterns = [
    path("imports/", views.import_index, name="import_index"),
    path("imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/status/", views.import_progress, name="import_progress"),
    path("imports/<int:batch_id>/report.csv", views.import_report, name="import_report"),
    path("imports/review/", review_views.review_index, name="merge_review"),
    path("imports/review/<int:review_id>/", review_views.review_decide, name="merge_review_decide"),
    path("leads/<int:lead_id>/merges/", review_views.lead_merges, name="lead_merges"),
    path("merges/<int:merged_id>/undo/", review_views.merge_undo_view, name="merge_undo"),
]
