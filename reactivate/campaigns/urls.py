from django.urls import path

from reactivate.campaigns import views

urlpatterns = [
    path("campaigns/", views.campaign_index, name="campaign_index"),
    path(
        "campaigns/<int:campaign_id>/forecast/", views.campaign_forecast, name="campaign_forecast"
    ),
    path("campaigns/<int:campaign_id>/<str:verb>/", views.campaign_action, name="campaign_action"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/reply/", views.outbox_reply, name="outbox_reply"),
    path("outbox/<int:message_id>/resolve/", views.outbox_resolve, name="outbox_resolve"),
    path("enrollments/<int:enrollment_id>/stop/", views.enrollment_stop, name="enrollment_stop"),
]
