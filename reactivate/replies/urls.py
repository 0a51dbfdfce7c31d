from django.urls import path

from reactivate.replies import views

urlpatterns = [
    path("outbox/<int:message_id>/reply/", views.outbox_reply, name="outbox_reply"),
]
