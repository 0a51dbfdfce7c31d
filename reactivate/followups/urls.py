from django.urls import path

from reactivate.followups import views

urlpatterns = [
    path("followups/", views.followup_list, name="followup_list"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/outcome/", views.call_outcome, name="call_outcome"),
]
