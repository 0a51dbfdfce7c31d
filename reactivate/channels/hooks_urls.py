"""Public endpoints that providers call: no login, each request's signature checked."""

from django.urls import path

from reactivate.channels.sms import webhooks as sms_webhooks

urlpatterns = [
    path("twilio/<slug:slug>/status/", sms_webhooks.twilio_status, name="twilio_status"),
]
