from django.urls import path

from reactivate.replies import webhooks

urlpatterns = [
    path("twilio/<slug:slug>/inbound/", webhooks.twilio_inbound, name="twilio_inbound"),
]
