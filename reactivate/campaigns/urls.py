from django.urls import path

from reactivate.campaigns import launch_views, views
from reactivate.campaigns import sequence_views as seq

urlpatterns = [
    path("campaigns/", views.campaign_index, name="campaign_index"),
    path(
        "campaigns/<int:campaign_id>/forecast/", views.campaign_forecast, name="campaign_forecast"
    ),
    path(
        "campaigns/<int:campaign_id>/launch/", launch_views.campaign_review, name="campaign_review"
    ),
    path("campaigns/<int:campaign_id>/<str:verb>/", views.campaign_action, name="campaign_action"),
    path("sequences/", seq.sequence_index, name="sequence_index"),
    path("sequences/<int:sequence_id>/", seq.sequence_edit, name="sequence_edit"),
    path("sequences/<int:sequence_id>/steps/", seq.sequence_step_add, name="sequence_step_add"),
    path("sequences/<int:sequence_id>/order/", seq.sequence_reorder, name="sequence_reorder"),
    path("steps/<int:step_id>/", seq.sequence_step_save, name="sequence_step_save"),
    path("steps/<int:step_id>/remove/", seq.sequence_step_remove, name="sequence_step_remove"),
    path("steps/<int:step_id>/move/", seq.sequence_step_move, name="sequence_step_move"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:message_id>/resolve/", views.outbox_resolve, name="outbox_resolve"),
    path("enrollments/<int:enrollment_id>/stop/", views.enrollment_stop, name="enrollment_stop"),
]
