from django.urls import path

from reactivate.metrics import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("metrics/refresh/", views.refresh_now, name="metrics_refresh"),
    path("metrics.csv", views.export_csv, name="metrics_csv"),
    path("metrics.pdf", views.export_pdf, name="metrics_pdf"),
    path("metrics/costs/", views.costs, name="metrics_costs"),
    path("metrics/costs/add/", views.cost_entry_add, name="metrics_cost_add"),
    path("metrics/costs/<int:pk>/remove/", views.cost_entry_remove, name="metrics_cost_remove"),
    path("metrics/practices/", views.side_by_side, name="metrics_side_by_side"),
]
